"""HSDS CSV tables: the same directory in and out, and bad rows reported, not dropped."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.directory.csv_tables import read_csv_tables, write_csv_tables
from frontdoor.directory.importer import import_services, read_services
from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.store.db import session_scope


@pytest.fixture()
def tables(tmp_path: Path) -> Path:
    folder = tmp_path / "tables"
    write_csv_tables(read_services(SAMPLE_DIRECTORY), folder)
    return folder


def rewrite(path: Path, change) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    change(rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_tables_rebuild_the_same_services(tables: Path) -> None:
    original = {r["id"]: r for r in read_services(SAMPLE_DIRECTORY)}
    rebuilt = {r["id"]: r for r in read_csv_tables(tables)}
    assert rebuilt.keys() == original.keys()
    some = next(iter(original))
    for key in ("name", "description", "status", "fees", "minimum_age"):
        assert rebuilt[some][key] == original[some][key]
    assert rebuilt[some]["schedules"][0]["byday"] == original[some]["schedules"][0]["byday"]
    location = rebuilt[some]["service_at_locations"][0]["location"]
    assert location["latitude"] == original[some]["service_at_locations"][0]["location"]["latitude"]
    assert location["addresses"][0]["postal_code"]
    assert [a["taxonomy_term"]["name"] for a in rebuilt[some]["attributes"]] == [
        a["taxonomy_term"]["name"] for a in original[some]["attributes"]
    ]


def test_the_cli_imports_a_folder_and_search_works_the_same(tables: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/csv.db"
    env = {**os.environ, "DATABASE_URL": url}
    cli = [sys.executable, "-m", "frontdoor.cli"]
    subprocess.run([*cli, "init-db"], env=env, check=True, capture_output=True)
    first = subprocess.run(
        [*cli, "import-directory", str(tables)], env=env, capture_output=True, text=True
    )
    count = len(read_services(SAMPLE_DIRECTORY))
    assert first.stdout.startswith(f"new {count}, updated 0, unchanged 0, rejected 0")
    again = subprocess.run(
        [*cli, "import-directory", str(tables)], env=env, capture_output=True, text=True
    )
    assert f"unchanged {count}, rejected 0" in again.stdout
    with session_scope(url) as session:
        found = search_services(session, SearchRequest(need="choir", town="Louth"))
    assert found and all("Choir" in g["name"] or "Sing" in g["name"] for g in found)


def test_bad_rows_are_reported_with_their_id(tables: Path, sqlite_url: str) -> None:
    def break_two(rows: list[dict]) -> None:
        rows[0]["minimum_age"] = "ten"
        rows[1]["status"] = "maybe"

    rewrite(tables / "services.csv", break_two)
    records = read_csv_tables(tables)
    with session_scope(sqlite_url) as session:
        report = import_services(session, records)
    reasons = dict(report.rejected)
    assert reasons[records[0]["id"]] == "minimum_age is not a whole number"
    assert "status 'maybe' is not one of" in reasons[records[1]["id"]]
    assert report.new == len(records) - 2


def test_a_folder_without_services_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no services.csv"):
        read_csv_tables(tmp_path)
