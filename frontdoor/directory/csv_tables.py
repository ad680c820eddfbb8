"""HSDS / ORUK CSV tables in and out: one CSV file per table, linked by ids.

Reading builds the same fully nested service records as the JSON import, so both go through
the same checks. Writing does the reverse, so a council can take its directory away.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

COLUMNS: dict[str, tuple[str, ...]] = {
    "services.csv": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees",
        "minimum_age",
        "maximum_age",
    ),
    "organizations.csv": ("id", "name", "description", "email", "website"),
    "service_at_locations.csv": ("id", "service_id", "location_id"),
    "locations.csv": ("id", "location_type", "name", "description", "latitude", "longitude"),
    "addresses.csv": (
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "accessibility.csv": ("id", "location_id", "description"),
    "schedules.csv": (
        "id",
        "service_id",
        "freq",
        "interval",
        "byday",
        "opens_at",
        "closes_at",
        "description",
    ),
    "contacts.csv": ("id", "service_id", "name"),
    "phones.csv": ("id", "contact_id", "number"),
    "cost_options.csv": ("id", "service_id", "option"),
    "taxonomy_terms.csv": ("id", "name", "description", "taxonomy", "term"),
    "attributes.csv": ("id", "link_id", "link_type", "taxonomy_term_id"),
}
NUMBERS = {
    "minimum_age": int,
    "maximum_age": int,
    "interval": int,
    "latitude": float,
    "longitude": float,
}


def read_csv_tables(folder: Path) -> list[dict[str, Any]]:
    """Fully nested service records from a folder of CSV tables (services.csv required)."""
    if not (folder / "services.csv").exists():
        raise ValueError(f"{folder} has no services.csv")
    tables = {name: _rows(folder / name) for name in COLUMNS}
    by = _Lookup(tables)
    return [_service(row, by) for row in tables["services.csv"]]


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [_typed(row) for row in csv.DictReader(handle)]


def _typed(row: dict[str, str | None]) -> dict[str, Any]:
    """Blank cells left out; numbers as numbers where they parse (else kept, and rejected)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value.strip() == "":
            continue
        value = value.strip()
        if key in NUMBERS:
            try:
                out[key] = NUMBERS[key](value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


class _Lookup:
    """Rows grouped by the id they link to."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables
        self.ids = {name: {r["id"]: r for r in rows if "id" in r} for name, rows in tables.items()}
        self._groups: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}

    def linked(self, table: str, key: str, value: str) -> list[dict[str, Any]]:
        """The rows of the table whose key column holds this value (grouped once)."""
        if (table, key) not in self._groups:
            self._groups[table, key] = _group(self.tables[table], key)
        return self._groups[table, key].get(value, [])


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if key in row:
            groups[row[key]].append(row)
    return groups


def _service(row: dict[str, Any], by: _Lookup) -> dict[str, Any]:
    record = {k: v for k, v in row.items() if k != "organization_id"}
    organization = by.ids["organizations.csv"].get(row.get("organization_id", ""))
    if organization:
        record["organization"] = organization
    sals = [_sal(sal, by) for sal in by.linked("service_at_locations.csv", "service_id", row["id"])]
    contacts = [
        {**contact, "phones": by.linked("phones.csv", "contact_id", contact["id"])}
        for contact in by.linked("contacts.csv", "service_id", row["id"])
    ]
    attributes = [
        {**attribute, "taxonomy_term": by.ids["taxonomy_terms.csv"][attribute["taxonomy_term_id"]]}
        for attribute in by.linked("attributes.csv", "link_id", row["id"])
        if attribute.get("taxonomy_term_id") in by.ids["taxonomy_terms.csv"]
    ]
    nested = {
        "service_at_locations": sals,
        "schedules": by.linked("schedules.csv", "service_id", row["id"]),
        "contacts": contacts,
        "cost_options": by.linked("cost_options.csv", "service_id", row["id"]),
        "attributes": attributes,
    }
    record.update({key: value for key, value in nested.items() if value})
    return record


def _sal(row: dict[str, Any], by: _Lookup) -> dict[str, Any]:
    sal = {"id": row["id"]}
    location = by.ids["locations.csv"].get(row.get("location_id", ""))
    if location:
        sal["location"] = {
            **location,
            **_present(
                addresses=by.linked("addresses.csv", "location_id", location["id"]),
                accessibility=by.linked("accessibility.csv", "location_id", location["id"]),
            ),
        }
    return sal


def _present(**lists: list[Any]) -> dict[str, list[Any]]:
    return {key: value for key, value in lists.items() if value}


def write_csv_tables(records: list[dict[str, Any]], folder: Path) -> None:
    """The services as CSV tables, one file per table."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in COLUMNS}
    for record in records:
        _flatten(record, rows)
    for name, columns in COLUMNS.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows[name].values())


def _flatten(record: dict[str, Any], rows: dict[str, dict[str, dict[str, Any]]]) -> None:
    service_id = record["id"]
    organization = record.get("organization") or {}
    if organization.get("id"):
        rows["organizations.csv"][organization["id"]] = organization
    rows["services.csv"][service_id] = {**record, "organization_id": organization.get("id")}
    for sal in record.get("service_at_locations") or []:
        location = sal.get("location") or {}
        rows["service_at_locations.csv"][sal["id"]] = {
            "id": sal["id"],
            "service_id": service_id,
            "location_id": location.get("id"),
        }
        if location.get("id"):
            rows["locations.csv"][location["id"]] = location
            for address in location.get("addresses") or []:
                rows["addresses.csv"][address["id"]] = {**address, "location_id": location["id"]}
            for access in location.get("accessibility") or []:
                rows["accessibility.csv"][access["id"]] = {**access, "location_id": location["id"]}
    for schedule in record.get("schedules") or []:
        rows["schedules.csv"][schedule["id"]] = {**schedule, "service_id": service_id}
    for cost in record.get("cost_options") or []:
        rows["cost_options.csv"][cost["id"]] = {**cost, "service_id": service_id}
    for contact in record.get("contacts") or []:
        rows["contacts.csv"][contact["id"]] = {**contact, "service_id": service_id}
        for phone in contact.get("phones") or []:
            rows["phones.csv"][phone["id"]] = {**phone, "contact_id": contact["id"]}
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("id"):
            rows["taxonomy_terms.csv"][term["id"]] = term
            rows["attributes.csv"][attribute["id"]] = {
                "id": attribute["id"],
                "link_id": service_id,
                "link_type": "service",
                "taxonomy_term_id": term["id"],
            }
