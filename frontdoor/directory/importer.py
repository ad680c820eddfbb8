"""Load Open Referral UK 3.0 services (fully nested JSON) into the store."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.sms import to_gsm7
from frontdoor.store.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

STATUSES = ("active", "inactive", "defunct", "temporarily closed")


@dataclass
class ImportReport:
    """What an import did, so nothing is dropped silently."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    deactivated: int = 0

    def summary(self) -> str:
        return (
            f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}, made inactive {self.deactivated}"
        )


def read_services(path: Path) -> list[dict[str, Any]]:
    """A list of services, or a page of GET /services with its contents."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, list):
        return data
    raise ValueError(f"{path} holds neither a list of services nor a page with contents")


def problems(record: Any) -> list[str]:
    """Why a record cannot be imported."""
    if not isinstance(record, dict):
        return ["not an object"]
    found = [f"{key} is missing" for key in ("id", "name", "status") if not record.get(key)]
    if record.get("status") and record["status"] not in STATUSES:
        found.append(f"status {record['status']!r} is not one of {', '.join(STATUSES)}")
    for key in ("minimum_age", "maximum_age"):
        if record.get(key) is not None and not isinstance(record[key], int):
            found.append(f"{key} is not a whole number")
    for sal in record.get("service_at_locations") or []:
        location = (sal or {}).get("location") or {}
        for key in ("latitude", "longitude"):
            if location.get(key) is not None and not isinstance(location[key], (int, float)):
                found.append(f"location {key} is not a number")
    return found


def import_services(session: Session, records: list[Any], full: bool = True) -> ImportReport:
    """Upsert by ORUK id; on a full import, services not in it become inactive."""
    report = ImportReport()
    seen: set[str] = set()
    claimed: dict[str, str] = {}  # child id -> the service in this import that owns it
    for record in records:
        errors = problems(record)
        if not errors:
            errors = _clashes(session, record, claimed)
        if errors:
            record_id = record.get("id", "?") if isinstance(record, dict) else "?"
            report.rejected.append((str(record_id), "; ".join(errors)))
            continue
        seen.add(record["id"])
        _upsert(session, record, report)
    if full and seen:
        report.deactivated = _deactivate_missing(session, seen)
    return report


def _child_ids(record: dict[str, Any]) -> list[tuple[type, str]]:
    """The ids of the rows that belong to this service alone."""
    ids = [(ServiceAtLocation, sal.get("id")) for sal in record.get("service_at_locations") or []]
    ids += [(Schedule, sch.get("id")) for sch in record.get("schedules") or []]
    ids += [(Phone, phone["id"]) for phone in _phones(record)]
    return [(model, str(key)) for model, key in ids if key]


def _clashes(session: Session, record: dict[str, Any], claimed: dict[str, str]) -> list[str]:
    """Ids this service shares with another service: in this import or already stored."""
    found = []
    for model, key in _child_ids(record):
        owner = claimed.get(key)
        if owner is None:
            row = session.get(model, key)
            owner = row.service_id if row is not None else None
        if owner is not None and owner != record["id"]:
            found.append(f"{model.__tablename__} id {key} already belongs to service {owner}")
        else:
            claimed[key] = record["id"]
    return found


def _hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _upsert(session: Session, record: dict[str, Any], report: ImportReport) -> None:
    digest = _hash(record)
    existing = session.get(Service, record["id"])
    if existing is not None and existing.content_hash == digest:
        report.unchanged += 1
        return
    if existing is not None:
        session.delete(existing)
        session.flush()
        report.updated += 1
    else:
        report.new += 1
    session.add(_service(session, record, digest))
    session.flush()


def _deactivate_missing(session: Session, seen: set[str]) -> int:
    """Keep services a full import no longer lists, but never suggest them again."""
    result = session.execute(
        sa.update(Service)
        .where(Service.id.not_in(seen), Service.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _merge(session: Session, model: type, key: str, **values: Any) -> Any:
    """The row with this id, created or refreshed."""
    row = session.get(model, key)
    if row is None:
        row = model(id=key, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def _service(session: Session, record: dict[str, Any], digest: str) -> Service:
    org = record.get("organization") or {}
    organization = (
        _merge(
            session,
            Organization,
            org["id"],
            name=org.get("name", ""),
            description=org.get("description"),
            email=org.get("email"),
            website=org.get("website"),
        )
        if org.get("id")
        else None
    )
    terms = [
        _term(session, a["taxonomy_term"])
        for a in record.get("attributes") or []
        if (a or {}).get("taxonomy_term", {}).get("id")
    ]
    fees = record.get("fees_description") or record.get("fees") or ""
    locations = [_location(session, sal) for sal in record.get("service_at_locations") or []]
    service = Service(
        id=record["id"],
        organization=organization,
        name=to_gsm7(record["name"]),
        description=to_gsm7(record.get("description") or ""),
        status=record["status"],
        fees_description=fees or None,
        eligibility_description=record.get("eligibility_description"),
        minimum_age=record.get("minimum_age"),
        maximum_age=record.get("maximum_age"),
        url=record.get("url"),
        email=record.get("email"),
        is_free=fees.strip().lower() in ("", "free", "free of charge", "no charge"),
        active=record["status"] == "active",
        online=not locations,
        content_hash=digest,
        record=json.dumps(record, sort_keys=True),
        taxonomy_terms=terms,
    )
    service.locations = [ServiceAtLocation(id=sal_id, location=loc) for sal_id, loc in locations]
    service.schedules = [_schedule(s) for s in record.get("schedules") or []]
    service.phones = [Phone(id=p["id"], number=p["number"]) for p in _phones(record)]
    service.search_text = _search_text(service, terms)
    return service


def _term(session: Session, term: dict[str, Any]) -> TaxonomyTerm:
    return _merge(
        session,
        TaxonomyTerm,
        term["id"],
        name=term.get("name") or term.get("term"),
        code=term.get("code"),
        vocabulary=term.get("taxonomy"),
    )


def _location(session: Session, sal: dict[str, Any]) -> tuple[str, Location]:
    loc = sal["location"]
    address = (loc.get("addresses") or [{}])[0]
    access = "; ".join(a.get("description", "") for a in loc.get("accessibility") or [])
    location = _merge(
        session,
        Location,
        loc["id"],
        name=loc.get("name"),
        address_1=address.get("address_1"),
        city=address.get("city"),
        postal_code=address.get("postal_code"),
        latitude=loc.get("latitude"),
        longitude=loc.get("longitude"),
        accessibility=access or None,
    )
    return sal["id"], location


def _schedule(schedule: dict[str, Any]) -> Schedule:
    return Schedule(
        id=schedule["id"],
        freq=schedule.get("freq"),
        interval=schedule.get("interval"),
        byday=schedule.get("byday"),
        opens_at=schedule.get("opens_at"),
        closes_at=schedule.get("closes_at"),
        description=schedule.get("description"),
    )


def _phones(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Phones from the service's contacts (ORUK 3.0 keeps them there)."""
    found = [p for c in record.get("contacts") or [] for p in (c.get("phones") or [])]
    return [p for p in found if p.get("id") and p.get("number")]


def _search_text(service: Service, terms: list[TaxonomyTerm]) -> str:
    """Lower-case words a search can match on."""
    parts = [service.name, service.description or "", " ".join(t.name for t in terms)]
    return " ".join(parts).lower()
