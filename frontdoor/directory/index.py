"""The active directory held in memory, so a resident's search takes milliseconds.

The index is rebuilt when the directory changes. An import in this process drops it at once;
other processes' imports are noticed by a version query (how many services are active and
when one last changed) made at most every VERSION_CHECK_SECONDS. The search checks that the
few services it suggests are still active, so a retired service is never suggested.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.contact import phone_e164, phone_for_display
from frontdoor.directory.places import MILES_PER_DEGREE
from frontdoor.directory.vocabulary import TOPIC_WORDS, words
from frontdoor.store.models import (
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    service_taxonomy,
)


@dataclass(frozen=True)
class Entry:
    """One active service, with what a search needs already worked out."""

    id: str
    name: str
    description: str
    labels: frozenset[str]
    primary: frozenset[str]
    label_topics: frozenset[str]  # the topics its name and taxonomy terms are about
    primary_topics: frozenset[str]  # the topics of what it is mainly for
    text: frozenset[str]
    points: tuple[tuple[float, float], ...]
    online: bool
    free: bool
    fees: str | None
    minimum_age: int | None
    maximum_age: int | None
    days: frozenset[str]
    opens_at: str | None
    when: str | None
    where: str
    town: str | None
    contact: str
    step_free: bool
    access: str
    phone: str | None  # its first phone number as E.164 (+441632960123), to call from a card
    url: str | None  # its own web page (http or https only)
    venue_point: tuple[float, float] | None  # where its first venue is, for a map
    eligibility: str | None  # who it is for, in the publisher's words


# How many services are active, and when one last changed
Version = tuple[int, str]


@dataclass
class DirectoryIndex:
    version: Version
    checked_at: float = field(default_factory=time.monotonic)
    entries: dict[str, Entry] = field(default_factory=dict)
    by_topic: dict[str, set[str]] = field(default_factory=dict)
    by_word: dict[str, set[str]] = field(default_factory=dict)
    by_cell: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    online: set[str] = field(default_factory=set)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for lat, lon in entry.points:
            self.by_cell.setdefault(cell(lat, lon), set()).add(entry.id)
        if entry.online:
            self.online.add(entry.id)
        for topic in entry.label_topics:
            self.by_topic.setdefault(topic, set()).add(entry.id)
        for word in entry.text:
            self.by_word.setdefault(word, set()).add(entry.id)

    def near(self, latitude: float, longitude: float, miles: float) -> set[str]:
        """Services with a place within roughly `miles` (a box of grid cells), and online ones."""
        dlat = miles / MILES_PER_DEGREE
        dlon = miles / (MILES_PER_DEGREE * max(0.1, math.cos(math.radians(latitude))))
        low, high = cell(latitude - dlat, longitude - dlon), cell(latitude + dlat, longitude + dlon)
        found = set(self.online)
        for row in range(low[0], high[0] + 1):
            for column in range(low[1], high[1] + 1):
                found |= self.by_cell.get((row, column), set())
        return found


CELL_DEGREES = 0.1  # about 7 miles north to south


def cell(latitude: float, longitude: float) -> tuple[int, int]:
    return (math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES))


VERSION_CHECK_SECONDS = 5.0
_lock = threading.Lock()
_cache: dict[str, DirectoryIndex] = {}


def directory_version(session: Session) -> Version:
    """Changes whenever an import adds, changes or retires a service."""
    row = session.execute(
        sa.select(sa.func.count(), sa.func.max(Service.updated_at)).where(Service.active.is_(True))
    ).one()
    return (int(row[0]), str(row[1]))


def _key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def current_index(session: Session) -> DirectoryIndex:
    """The index for this session's database, rebuilt if the directory has changed."""
    key = _key(session)
    index = _cache.get(key)
    if index is not None and time.monotonic() - index.checked_at < VERSION_CHECK_SECONDS:
        return index
    version = directory_version(session)
    with _lock:
        index = _cache.get(key)
        if index is None or index.version != version:
            index = build_index(session, version)
            _cache[key] = index
        index.checked_at = time.monotonic()
        return index


def forget_index(session: Session) -> None:
    """Drop this database's index: the next search builds it again from the store."""
    with _lock:
        _cache.pop(_key(session), None)


def still_active(session: Session, ids: list[str]) -> set[str]:
    """Which of these few services are active in the store right now."""
    if not ids:
        return set()
    query = sa.select(Service.id, Service.active).where(Service.id.in_(ids))
    # "active" is tested here, not in SQL, so the lookup uses the primary key, not the
    # index on active (which would read every active service)
    return {key for key, active in session.execute(query) if active}


def build_index(session: Session, version: Version) -> DirectoryIndex:
    """Read the active directory with a few plain queries (no ORM objects: 10,000 in seconds)."""
    index = DirectoryIndex(version=version)
    active = Service.active.is_(True)
    places = _grouped(
        session,
        _Place,
        _of_active(
            ServiceAtLocation,
            Location.latitude,
            Location.longitude,
            Location.name,
            Location.city,
            Location.accessibility,
        ).join(Location, ServiceAtLocation.location_id == Location.id),
    )
    schedules = _grouped(
        session,
        _Times,
        _of_active(Schedule, Schedule.byday, Schedule.opens_at, Schedule.description),
    )
    phones = _grouped(session, str, _of_active(Phone, Phone.number))
    terms = _grouped(
        session,
        str,
        sa.select(service_taxonomy.c.service_id, TaxonomyTerm.name)
        .join(TaxonomyTerm, service_taxonomy.c.taxonomy_term_id == TaxonomyTerm.id)
        .join(Service, service_taxonomy.c.service_id == Service.id)
        .where(active),
    )
    query = sa.select(
        Service.id,
        Service.name,
        Service.description,
        Service.search_text,
        Service.record,
        Service.online,
        Service.is_free,
        Service.fees_description,
        Service.minimum_age,
        Service.maximum_age,
        Service.email,
        Service.url,
        Service.eligibility_description,
    ).where(active)
    for row in session.execute(query):
        parts = _Parts(
            places.get(row.id, []),
            schedules.get(row.id, []),
            phones.get(row.id, []),
            terms.get(row.id, []),
        )
        index.add(entry_for(row, parts))
    return index


class _Place(NamedTuple):
    latitude: float | None
    longitude: float | None
    venue: str | None
    town: str | None
    access: str | None


class _Times(NamedTuple):
    byday: str | None
    opens_at: str | None
    description: str | None


_Row = TypeVar("_Row")


def _of_active(
    model: type[ServiceAtLocation] | type[Schedule] | type[Phone], *columns: sa.Column[Any]
) -> sa.sql.Select:
    """These columns of the rows a table holds for active services, with the service's id
    first, in the order of the service and then the row."""
    return (
        sa.select(model.service_id, *columns)
        .join(Service, model.service_id == Service.id)
        .where(Service.active.is_(True))
        .order_by(model.service_id, model.id)
    )


def _grouped(
    session: Session, shape: Callable[..., _Row], query: sa.sql.Select
) -> dict[str, list[_Row]]:
    """Rows keyed by their first column (the service id), the rest in this shape, in query
    order."""
    found: dict[str, list[_Row]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(shape(*row[1:]))
    return found


class _Parts(NamedTuple):
    """A service's places, schedules, phone numbers and taxonomy term names."""

    places: list[_Place]
    schedules: list[_Times]
    phones: list[str]
    terms: list[str]


def primary_term(record: str | None) -> str:
    """The first taxonomy term the publisher listed: what the service is mainly for."""
    attributes = json.loads(record).get("attributes") if record else None
    for attribute in attributes or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        name = term.get("name") or term.get("term")
        if name:
            return str(name)
    return ""


def topics_of(text_words: frozenset[str]) -> frozenset[str]:
    """The directory topics whose words these are."""
    return frozenset(topic for topic, found in TOPIC_WORDS.items() if found & text_words)


def entry_for(service: sa.engine.Row, parts: _Parts) -> Entry:
    """What a search needs about one service, worked out once."""
    access = "; ".join(place.access or "" for place in parts.places)
    days = {
        code.strip()[-2:] for times in parts.schedules for code in (times.byday or "").split(",")
    }
    first = parts.schedules[0] if parts.schedules else None
    venue = parts.places[0] if parts.places else None
    labels = frozenset(words(service.name + " " + " ".join(parts.terms)))
    primary = frozenset(words(primary_term(service.record)))
    return Entry(
        id=service.id,
        name=service.name,
        description=service.description or "",
        labels=labels,
        primary=primary,
        label_topics=topics_of(labels),
        primary_topics=topics_of(primary),
        text=frozenset(words(service.search_text)),
        points=tuple(
            (place.latitude, place.longitude)
            for place in parts.places
            if place.latitude is not None and place.longitude is not None
        ),
        online=service.online,
        free=service.is_free,
        fees=service.fees_description,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        days=frozenset(d for d in days if d),
        opens_at=first.opens_at if first else None,
        when=first.description if first else None,
        where=f"{venue.venue}, {venue.town}" if venue else "Online",
        town=venue.town if venue else None,
        contact=phone_for_display(parts.phones[0]) if parts.phones else (service.email or ""),
        step_free="step-free" in access.lower(),
        access=access,
        phone=phone_e164(parts.phones[0]) if parts.phones else None,
        url=web_page(service.url),
        venue_point=_point(venue),
        eligibility=service.eligibility_description or None,
    )


def web_page(url: str | None) -> str | None:
    """A service's web page when it is one a card can link to (http or https), else None:
    a publisher's "javascript:" or "www.x" is not a link."""
    found = (url or "").strip()
    return found if found.lower().startswith(("https://", "http://")) and " " not in found else None


def _point(place: _Place | None) -> tuple[float, float] | None:
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return (place.latitude, place.longitude)
