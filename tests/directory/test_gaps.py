"""Searches that found nothing are kept, without personal data, and reported by area."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import sqlalchemy as sa

from frontdoor.directory.gaps import describe_need
from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.store.db import session_scope
from frontdoor.store.models import Gap


def search(url: str, **request) -> list[dict]:
    with session_scope(url) as session:
        return search_services(session, SearchRequest(**request))


def gaps(url: str) -> list[tuple]:
    with session_scope(url) as session:
        rows = session.execute(sa.select(Gap.need, Gap.area, Gap.day, Gap.time_of_day)).all()
    return sorted(tuple(row) for row in rows)


def test_a_search_that_finds_nothing_is_recorded(directory_url: str) -> None:
    assert search(directory_url, need="men's shed", town="Boston", day="sunday") == []
    assert search(directory_url, need="skydiving", town="PE21 6AB") == []
    assert gaps(directory_url) == [
        ("shed", "Boston", "sunday", None),
        ("skydiving", "PE21", None, None),
    ]


def test_searches_that_find_something_or_ask_for_more_are_not_gaps(directory_url: str) -> None:
    found = search(directory_url, need="walking", town="Boston")
    assert found
    search(directory_url, need="walking", town="Boston", exclude_ids=[g["id"] for g in found] * 50)
    assert gaps(directory_url) == []


def test_no_names_or_personal_words_are_kept() -> None:
    assert describe_need("something for my husband Derek who likes skydiving") == (
        "husband skydiving"
    )
    assert "Derek" not in describe_need("Derek needs skydiving lessons")
    assert describe_need("I am lonely and like knitting") == "crafts, social"


def test_report_gaps_lists_unmet_needs_by_area_most_frequent_first(directory_url: str) -> None:
    for _ in range(3):
        search(directory_url, need="skydiving", town="Louth")
    search(directory_url, need="men's shed", town="Boston", day="sunday")
    env = {**os.environ, "DATABASE_URL": directory_url}
    command = [sys.executable, "-m", "frontdoor.cli", "report", "gaps"]
    listed = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, check=True
    )
    rows = json.loads(listed.stdout)
    assert [(r["area"], r["need"], r["searches"]) for r in rows] == [
        ("Louth", "skydiving", 3),
        ("Boston", "shed", 1),
    ]
    assert rows[1]["days"] == "sunday"
    table = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    assert table.splitlines()[1].split()[:3] == ["3", "Louth", "skydiving"]
