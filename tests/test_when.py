"""Days and times as residents write them (frontdoor/when.py)."""

from __future__ import annotations

import pytest

from frontdoor.when import When, when_from


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anything on a sat in boston", When("saturday")),
        ("sat morning would be best", When("saturday", "morning")),
        ("every sun", When("sunday")),
        ("thurs afternoons", When("thursday", "afternoon")),
        ("weekday mornings", When("weekday", "morning")),
        ("not weekends, I have the grandkids", When("weekday")),
        ("weekdays only", When("weekday")),
        ("I can't do weekdays", When("weekend")),
        ("saturday or sunday", When("weekend")),
        ("anything after 6 in Spalding", When(None, "evening")),
        ("after 2pm", When(None, "afternoon")),
        ("after 10am", When(None, "morning")),
        ("after work", When(None, "evening")),
        ("evenings or weekends", When("weekend", "evening", either=True)),
        ("weekends or in the evenings", When("weekend", "evening", either=True)),
        ("Tuesday evenings", When("tuesday", "evening")),
    ],
)
def test_days_and_times_are_read_as_people_write_them(text: str, expected: When) -> None:
    assert when_from(text) == expected


@pytest.mark.parametrize(
    "text",
    ["I sat in all week", "out in the sun", "c'mon then", "I am free most days", "", None],
)
def test_words_that_only_look_like_days_are_not_days(text: str | None) -> None:
    assert not when_from(text)


def test_several_days_narrow_nothing() -> None:
    assert when_from("monday or wednesday").day is None
