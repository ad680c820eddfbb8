"""Reading wellbeing answers as residents type them (frontdoor/wellbeing.py)."""

from __future__ import annotations

import pytest

from frontdoor.wellbeing import SKIPPED, STOPPED, score, ucla_total


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("10", 10),
        ("about six", 6),
        ("7 out of 10", 7),
        ("ten out of ten", 10),
        ("8/10", 8),
        ("Probably a 4.", 4),
        ("skip", SKIPPED),
        ("I'd rather not say", SKIPPED),
        ("don't know", SKIPPED),
        ("stop", STOPPED),
        ("no more questions please", STOPPED),
        ("11", None),
        ("6 or 7", None),
        ("not very", None),
        ("", None),
        ("3.5", None),
    ],
)
def test_a_0_to_10_answer(typed: str, expected: object) -> None:
    assert score("life_satisfied", typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hardly ever", 1),
        ("Never really", 1),
        ("some of the time", 2),
        ("sometimes", 2),
        ("often", 3),
        ("all the time", 3),
        ("2", 2),
        ("skip", SKIPPED),
        ("stop", STOPPED),
        ("5", None),
        ("not sure what you mean by that", SKIPPED),
        ("my cat", None),
    ],
)
def test_a_how_often_answer(typed: str, expected: object) -> None:
    assert score("left_out", typed) == expected


def test_the_loneliness_total_needs_all_three() -> None:
    assert ucla_total({"lack_companionship": 1, "left_out": 2, "isolated": 3}) == 6
    assert ucla_total({"lack_companionship": 1, "left_out": None, "isolated": 3}) is None
