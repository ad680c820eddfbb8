"""Who the help is for: the resident, or someone they ask for (frontdoor/for_whom.py)."""

from __future__ import annotations

import pytest

from frontdoor.for_whom import age_in, for_whom


@pytest.mark.parametrize(
    ("said", "who"),
    [
        ("can you help my dad after his fall", "dad"),
        ("I am looking for something for my mum", "mum"),
        ("my neighbour is housebound and lonely", "neighbour"),
        ("is there something for my 15 year old grandson", "grandson"),
        ("my daughter is anxious and I want to help her", "daughter"),
        ("looking for a club for my Mother-in-law", "mother in law"),
        ("Hi my dad Ken is 82 and lives in Gainsborough", "dad"),
    ],
)
def test_someone_asked_for_is_named(said: str, who: str) -> None:
    assert for_whom(said) == who


@pytest.mark.parametrize(
    "said",
    [
        "I need help getting out more",
        "somewhere to go with my husband",
        "I look after my husband who has dementia, somewhere we can go together",
        "I care for my mum and need a break",
        "my mum has dementia and I need a break",
        "",
        None,
    ],
)
def test_a_carer_or_a_resident_asking_for_themselves_is_not_someone_else(said: str | None) -> None:
    assert for_whom(said) is None


def test_the_age_of_the_person_it_is_for() -> None:
    assert age_in("I'm 15 and bored") == 15
    assert age_in("my nan is 92 and lives alone") == 92
    assert age_in("something for my son, he's 14") == 14
    assert age_in("she is aged 80") == 80
    assert age_in("72 years old and new here") == 72
    assert age_in("it is 12 miles away") is None
    assert age_in("the bus is 2 pounds") is None
    assert age_in("my number is 07700 900123") is None
    assert age_in("I'm fine thanks") is None
