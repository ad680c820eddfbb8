"""Suggestions fit the need and the place, say why, and never repeat or go stale."""

import sqlalchemy as sa

from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.sms import is_gsm7
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service

FIELDS = {"id", "name", "summary", "when", "where", "cost", "contact", "why"}


def search(url: str, **request) -> list[dict]:
    with session_scope(url) as session:
        return search_services(session, SearchRequest(**request))


def test_activity_and_town(directory_url: str) -> None:
    found = search(directory_url, need="walking", town="Boston")
    assert 1 <= len(found) <= 3
    assert found[0]["name"] == "Wolds Wanderers (Boston)"
    assert found[0]["why"].startswith("Free, in Boston")
    for group in found:
        assert set(group) == FIELDS
        assert all(is_gsm7(str(value)) for value in group.values())


def test_results_are_nearest_first_and_within_reach(directory_url: str) -> None:
    found = search(directory_url, need="money advice", town="Holbeach")
    assert found[0]["where"].endswith("Holbeach")
    assert "Online" in [g["where"] for g in found] or all(
        "miles" in g["why"] or "in Holbeach" in g["why"] for g in found
    )


def test_day_filter(directory_url: str) -> None:
    found = search(directory_url, need="walking", town="Boston", day="wednesday")
    assert found and all("Wednesday" in g["when"] for g in found)
    assert search(directory_url, need="walking", town="Boston", day="sunday") == []


def test_no_duplicates_and_exclusions(directory_url: str) -> None:
    first = search(directory_url, need="lonely", town="Spalding")
    names = [g["name"] for g in first]
    assert len(names) == len(set(names))
    more = search(
        directory_url, need="lonely", town="Spalding", exclude_ids=[g["id"] for g in first]
    )
    assert not {g["id"] for g in more} & {g["id"] for g in first}


def test_inactive_services_are_never_suggested(directory_url: str) -> None:
    with session_scope(directory_url) as session:
        session.execute(
            sa.update(Service).where(Service.name == "Boston Striders").values(active=False)
        )
    assert "Boston Striders" not in [
        g["name"] for g in search(directory_url, need="walking", town="Boston")
    ]


def test_unknown_need_or_place_finds_nothing_near(directory_url: str) -> None:
    assert search(directory_url, need="skydiving", town="Lincoln") == []


def test_age_limits(directory_url: str) -> None:
    assert search(directory_url, need="lunch club", town="Spalding", age=30) == [] or all(
        "lunch" not in g["name"].lower()
        for g in search(directory_url, need="lunch club", town="Spalding", age=30)
    )
