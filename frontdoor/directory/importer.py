"""Load Open Referral UK 3.0 services (fully nested JSON) into the store."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from frontdoor.text import folded, tidy, tidy_lines

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
# The rows that belong to one service alone, and those services share.
Owned = type[ServiceAtLocation] | type[Schedule] | type[Phone]
SharedModel = type[Organization] | type[Location] | type[TaxonomyTerm]
Shared = TypeVar("Shared", Organization, Location, TaxonomyTerm)


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


def read_services(path: Path) -> list[Any]:
    """The records of a list of services, or of a page of GET /services (its contents), as
    published: import_services checks each."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, list):
        return data
    raise ValueError(f"{path} holds neither a list of services nor a page with contents")


def problems(record: Any) -> list[str]:
    """Why a record cannot be imported, in words a data officer can act on."""
    if not isinstance(record, dict):
        return ["not an object"]
    found = [f"{key} is missing" for key in ("id", "name", "status") if not record.get(key)]
    found += [
        f"{key} is not text"
        for key in ("id", "name", "description", "url", "email", "fees")
        if record.get(key) is not None and not isinstance(record[key], str)
    ]
    if isinstance(record.get("status"), str) and record["status"] not in SERVICE_STATUSES:
        found.append(f"status {record['status']!r} is not one of {', '.join(SERVICE_STATUSES)}")
    found += _age_problems(record)
    for key in NESTED:
        value = record.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)
        ):
            found.append(f"{key} is not a list of objects")
    if found:
        return found
    found += [p for sal in record.get("service_at_locations") or [] for p in _place_problems(sal)]
    found += [p for sch in record.get("schedules") or [] for p in _schedule_problems(sch)]
    found += [
        f"phone {phone.get('id', '?')} has no number"
        for contact in record.get("contacts") or []
        for phone in contact.get("phones") or []
        if not isinstance(phone, dict) or not isinstance(phone.get("number"), str)
    ]
    return found


NESTED = ("service_at_locations", "schedules", "contacts", "attributes", "cost_options")
BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _age_problems(record: dict[str, Any]) -> list[str]:
    found = []
    for key in ("minimum_age", "maximum_age"):
        value = record.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            found.append(f"{key} is not a whole number")
        elif value is not None and not 0 <= value <= 130:
            found.append(f"{key} {value} is not an age")
    low, high = record.get("minimum_age"), record.get("maximum_age")
    if not found and low is not None and high is not None and low > high:
        found.append(f"minimum_age {low} is more than maximum_age {high}")
    return found


def _place_problems(sal: dict[str, Any]) -> list[str]:
    if not sal.get("id"):
        return ["a service_at_location has no id"]
    location = sal.get("location")
    if not isinstance(location, dict) or not location.get("id"):
        return [f"service_at_location {sal['id']} has no location with an id"]
    found = []
    for key, limit in (("latitude", 90), ("longitude", 180)):
        value = location.get(key)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            found.append(f"location {key} is not a number")
        elif not -limit <= value <= limit:
            found.append(f"location {key} {value} is out of range")
    return found


def _schedule_problems(schedule: dict[str, Any]) -> list[str]:
    name = f"schedule {schedule.get('id', '?')}"
    if not schedule.get("id"):
        return ["a schedule has no id"]
    found = []
    if schedule.get("freq") is not None and schedule["freq"] not in FREQS:
        found.append(f"{name} freq {schedule['freq']!r} is not one of {', '.join(FREQS)}")
    interval = schedule.get("interval")
    if interval is not None and (not isinstance(interval, int) or interval < 1):
        found.append(f"{name} interval is not a whole number of 1 or more")
    byday = schedule.get("byday")
    if byday is not None and (
        not isinstance(byday, str)
        or not all(BYDAY.match(code.strip()) for code in byday.split(","))
    ):
        found.append(f"{name} byday {byday!r} is not a list of days like MO,TH or 1MO")
    for key in ("opens_at", "closes_at"):
        value = schedule.get(key)
        if value is not None and not (isinstance(value, str) and TIME.match(value)):
            found.append(f"{name} {key} {value!r} is not a time like 09:30")
    return found


class _Known:
    """What the store already holds, read once per import rather than once per record."""

    def __init__(self, session: Session) -> None:
        self.services: dict[str, tuple[str | None, bool]] = {
            key: (digest, active)
            for key, digest, active in session.execute(
                sa.select(Service.id, Service.content_hash, Service.active)
            )
        }
        self.owners: dict[tuple[Owned, str], str] = {
            (model, key): owner
            for model in (ServiceAtLocation, Schedule, Phone)
            for key, owner in session.execute(sa.select(model.id, model.service_id))
        }
        self.stored: dict[SharedModel, set[str]] = {
            model: set(session.execute(sa.select(model.id)).scalars())
            for model in (Organization, Location, TaxonomyTerm)
        }
        self.rows: dict[tuple[type, str], object] = {}  # shared rows made or refreshed now


def import_services(session: Session, records: list[Any], full: bool = True) -> ImportReport:
    """Upsert by ORUK id; on a full import, services not in it become inactive."""
    report = ImportReport()
    known = _Known(session)
    seen: set[str] = set()
    claimed: dict[tuple[Owned, str], str] = {}  # child id -> the service in this import owning it
    with session.no_autoflush:
        for number, record in enumerate(records, start=1):
            errors = problems(record)
            if not errors:
                errors = _clashes(record, claimed, known, seen)
            if errors:
                record_id = record.get("id", "?") if isinstance(record, dict) else "?"
                report.rejected.append((str(record_id), "; ".join(errors)))
                continue
            seen.add(record["id"])
            _upsert(session, record, report, known)
            if number % BATCH == 0:
                session.flush()
    session.flush()
    if full and seen:
        report.deactivated = _deactivate_missing(session, known, seen)
    if report.new or report.updated or report.deactivated:
        from frontdoor.directory.index import forget_index

        forget_index(session)
    return report


BATCH = 1000


def _child_ids(record: dict[str, Any]) -> list[tuple[Owned, str]]:
    """The ids of the rows that belong to this service alone."""
    ids: list[tuple[Owned, Any]] = [
        (ServiceAtLocation, sal.get("id")) for sal in record.get("service_at_locations") or []
    ]
    ids += [(Schedule, sch.get("id")) for sch in record.get("schedules") or []]
    ids += [(Phone, phone["id"]) for phone in _phones(record)]
    return [(model, str(key)) for model, key in ids if key]


def _clashes(
    record: dict[str, Any], claimed: dict[tuple[Owned, str], str], known: _Known, seen: set[str]
) -> list[str]:
    """Ids this service shares with another service, in this import or already stored."""
    if record["id"] in seen:
        return ["the same service id appears twice in this import"]
    found = []
    mine = _child_ids(record)
    for model, key in mine:
        owner = claimed.get((model, key)) or known.owners.get((model, key))
        if owner is not None and owner != record["id"]:
            found.append(f"{model.__tablename__} id {key} already belongs to service {owner}")
    if not found:
        claimed.update({child: record["id"] for child in mine})
    return found


def _hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _upsert(session: Session, record: dict[str, Any], report: ImportReport, known: _Known) -> None:
    digest = _hash(record)
    stored = known.services.get(record["id"])
    if stored is not None and stored[0] == digest:
        if stored[1] or record["status"] != "active":
            report.unchanged += 1
            return
        _reactivate(session, record["id"])  # listed again after a full import left it out
        report.updated += 1
        return
    if stored is not None:
        session.delete(session.get(Service, record["id"]))
        session.flush()
        report.updated += 1
    else:
        report.new += 1
    session.add(_service(session, record, digest, known))


def _reactivate(session: Session, service_id: str) -> None:
    session.execute(
        sa.update(Service)
        .where(Service.id == service_id)
        .values(active=True)
        .execution_options(synchronize_session=False)
    )


def _deactivate_missing(session: Session, known: _Known, seen: set[str]) -> int:
    """Keep services a full import no longer lists, but never suggest them again."""
    missing = [key for key, (_, active) in known.services.items() if active and key not in seen]
    for start in range(0, len(missing), 500):
        session.execute(
            sa.update(Service)
            .where(Service.id.in_(missing[start : start + 500]))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
    return len(missing)


def _merge(session: Session, known: _Known, model: type[Shared], key: str, **values: Any) -> Shared:
    """The shared row with this id, created or refreshed."""
    made = known.rows.get((model, key))
    row = made if isinstance(made, model) else None
    if row is None and key in known.stored[model]:
        row = session.get(model, key)
    if row is None:
        row = model(id=key, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    known.rows[(model, key)] = row
    return row


def _service(session: Session, record: dict[str, Any], digest: str, known: _Known) -> Service:
    org = record.get("organization") or {}
    organization = (
        _merge(
            session,
            known,
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
        _term(session, known, a["taxonomy_term"])
        for a in record.get("attributes") or []
        if (a or {}).get("taxonomy_term", {}).get("id")
    ]
    fees = record.get("fees_description") or record.get("fees") or ""
    locations = [_location(session, known, sal) for sal in record.get("service_at_locations") or []]
    service = Service(
        id=record["id"],
        organization=organization,
        name=tidy(record["name"]),
        description=tidy_lines(record.get("description")),
        status=record["status"],
        fees_description=fees or None,
        eligibility_description=record.get("eligibility_description"),
        minimum_age=record.get("minimum_age"),
        maximum_age=record.get("maximum_age"),
        url=record.get("url"),
        email=record.get("email"),
        is_free=is_free(fees, record.get("cost_options") or []),
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


FREE_WORDS = ("free", "free of charge", "no charge", "no cost", "0", "0.00")


def is_free(fees: str, cost_options: list[dict[str, Any]]) -> bool:
    """Free for everyone: the fees say so, or every cost option is nothing. Unknown is not free."""
    amounts = [c.get("amount") for c in cost_options if c.get("amount") is not None]
    if fees.strip():
        said_free = fees.strip().lower().rstrip(".") in FREE_WORDS
        return said_free and not any(_positive(a) for a in amounts)
    return bool(amounts) and not any(_positive(a) for a in amounts)


def _positive(amount: Any) -> bool:
    try:
        return float(amount) > 0
    except (TypeError, ValueError):
        return True


def _term(session: Session, known: _Known, term: dict[str, Any]) -> TaxonomyTerm:
    return _merge(
        session,
        known,
        TaxonomyTerm,
        term["id"],
        name=term.get("name") or term.get("term"),
        code=term.get("code"),
        vocabulary=term.get("taxonomy"),
    )


def _location(session: Session, known: _Known, sal: dict[str, Any]) -> tuple[str, Location]:
    loc = sal["location"]
    address = (loc.get("addresses") or [{}])[0]
    access = "; ".join(a.get("description", "") for a in loc.get("accessibility") or [])
    location = _merge(
        session,
        known,
        Location,
        loc["id"],
        **_same_named(loc, LOCATION_FIELDS),
        **_same_named(address, ADDRESS_FIELDS),
        accessibility=access or None,
    )
    return sal["id"], location


# ORUK fields the store keeps under the same names
LOCATION_FIELDS = ("name", "latitude", "longitude")
ADDRESS_FIELDS = ("address_1", "city", "postal_code")
SCHEDULE_FIELDS = ("freq", "interval", "byday", "opens_at", "closes_at", "description")


def _same_named(node: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of an ORUK object that the store keeps under the same names."""
    return {name: node.get(name) for name in names}


def _schedule(schedule: dict[str, Any]) -> Schedule:
    return Schedule(id=schedule["id"], **_same_named(schedule, SCHEDULE_FIELDS))


def _phones(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Phones from the service's contacts (ORUK 3.0 keeps them there)."""
    found = [p for c in record.get("contacts") or [] for p in (c.get("phones") or [])]
    return [p for p in found if p.get("id") and p.get("number")]


def _search_text(service: Service, terms: list[TaxonomyTerm]) -> str:
    """Words a search can match on, lower case and without accents (as people type them)."""
    parts = [service.name, service.description or "", " ".join(t.name for t in terms)]
    return folded(" ".join(parts))
