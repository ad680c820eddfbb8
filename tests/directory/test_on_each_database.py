"""Import, re-import, search and gaps work the same on SQLite and PostgreSQL."""

from __future__ import annotations

import copy

import sqlalchemy as sa

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.directory.gaps import gaps_by_area
from frontdoor.directory.importer import import_services, read_services
from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service


def test_the_directory_round_trip(store_url: str) -> None:
    records = read_services(SAMPLE_DIRECTORY)
    with session_scope(store_url) as session:
        assert import_services(session, records).new == len(records)
    changed = copy.deepcopy(records[1:])
    changed[0]["description"] = "Now meeting at the new hall."
    with session_scope(store_url) as session:
        report = import_services(session, changed)
    assert (report.new, report.updated, report.unchanged, report.deactivated) == (
        0,
        1,
        len(records) - 2,
        1,
    )
    with session_scope(store_url) as session:
        active = session.execute(sa.select(sa.func.count()).where(Service.active)).scalar()
        found = search_services(session, SearchRequest(need="walking", town="Boston"))
        assert search_services(session, SearchRequest(need="skydiving", town="Louth")) == []
    assert active == len(records) - 1
    assert found and records[0]["id"] not in [g["id"] for g in found]
    with session_scope(store_url) as session:
        [gap] = gaps_by_area(session)
    assert (gap.area, gap.need, gap.searches) == ("Louth", "skydiving", 1)
