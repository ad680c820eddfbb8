import os
import subprocess
import sys

import pytest

from frontdoor.directory.places import distance_miles, resolve_place, towns


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Boston", "Boston"),
        ("boston", "Boston"),
        ("  Market rasen ", "Market Rasen"),
        ("skegnes", "Skegness"),
        ("in Louth", "Louth"),
        ("Woodhall Spa", "Woodhall Spa"),
        ("LN1", "LN1"),
        ("pe21 6xx", "PE21"),
        ("NG31 7AB", "NG31"),
    ],
)
def test_places_resolve(typed: str, name: str) -> None:
    assert resolve_place(typed).name == name


@pytest.mark.parametrize("typed", ["Narnia", "", "SW1A 1AA", "London", "x"])
def test_unknown_places(typed: str) -> None:
    assert resolve_place(typed) is None


def test_distances_in_miles() -> None:
    boston, skegness = resolve_place("Boston"), resolve_place("Skegness")
    assert 17 < distance_miles(boston, skegness) < 21
    assert distance_miles(boston, boston) == 0


def test_every_sample_town_is_known() -> None:
    assert {t.name for t in towns()} >= {"Lincoln", "Boston", "Grantham", "Holbeach"}


def test_every_town_in_the_conversation_design_is_known() -> None:
    design = "Lincoln Boston Grantham Gainsborough Skegness Louth Sleaford Spalding Stamford"
    more = ["Market Rasen", "Horncastle", "Mablethorpe", "Bourne", "Holbeach"]
    for name in design.split() + more:
        assert resolve_place(name).name == name


def test_the_search_command_says_when_a_place_is_not_known(sqlite_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "search", "walking", "--town", "Narnia"],
        env={**os.environ, "DATABASE_URL": sqlite_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "'Narnia' is not a place in the area" in result.stderr
    assert "a postcode like LN1" in result.stderr


def test_a_place_is_found_with_words_around_it() -> None:
    from frontdoor.directory.places import place_in

    assert place_in("Caistor please").name == "Caistor"
    assert place_in("just outside Louth").name == "Louth"
    assert place_in("Market Rasen way").name == "Market Rasen"
    assert place_in("LN11 thanks").name == "LN11"
    assert place_in("Lincon").name == "Lincoln"  # a misspelling alone is still guessed
    assert place_in("I am in the middle of nowhere") is None
    assert place_in("yes please") is None
