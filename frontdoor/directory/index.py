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
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

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


@dataclass
class DirectoryIndex:
    version: tuple
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


def directory_version(session: Session) -> tuple:
    """Changes whenever an import adds, changes or retires a service."""
    row = session.execute(
        sa.select(sa.func.count(), sa.func.max(Service.updated_at)).where(Service.active.is_(True))
    ).one()
    return (row[0], str(row[1]))


def _key(session: Session) -> str:
    return str(session.get_bind().url)


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


def build_index(session: Session, version: tuple) -> DirectoryIndex:
    """Read the active directory with a few plain queries (no ORM objects: 10,000 in seconds)."""
    index = DirectoryIndex(version=version)
    active = Service.active.is_(True)
    places = _grouped(
        session,
        sa.select(
            ServiceAtLocation.service_id,
            Location.latitude,
            Location.longitude,
            Location.name,
            Location.city,
            Location.accessibility,
        )
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .join(Service, ServiceAtLocation.service_id == Service.id)
        .where(active)
        .order_by(ServiceAtLocation.service_id, ServiceAtLocation.id),
    )
    schedules = _grouped(
        session,
        sa.select(Schedule.service_id, Schedule.byday, Schedule.opens_at, Schedule.description)
        .join(Service, Schedule.service_id == Service.id)
        .where(active)
        .order_by(Schedule.service_id, Schedule.id),
    )
    phones = _grouped(
        session,
        sa.select(Phone.service_id, Phone.number)
        .join(Service, Phone.service_id == Service.id)
        .where(active)
        .order_by(Phone.service_id, Phone.id),
    )
    terms = _grouped(
        session,
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
    ).where(active)
    for row in session.execute(query):
        parts = _Parts(
            places.get(row.id, []),
            schedules.get(row.id, []),
            phones.get(row.id, []),
            [name for (name,) in terms.get(row.id, [])],
        )
        index.add(entry_for(row, parts))
    return index


def _grouped(session: Session, query: sa.sql.Select) -> dict[str, list[tuple]]:
    """Rows keyed by their first column (the service id), in query order."""
    found: dict[str, list[tuple]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


@dataclass(frozen=True)
class _Parts:
    """A service's places, schedules, phones and taxonomy term names."""

    places: list[tuple]  # latitude, longitude, venue name, town, accessibility
    schedules: list[tuple]  # byday, opens_at, description
    phones: list[tuple]  # number
    terms: list[str]


def primary_term(record: str | None) -> str:
    """The first taxonomy term the publisher listed: what the service is mainly for."""
    attributes = json.loads(record).get("attributes") if record else None
    for attribute in attributes or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        if term.get("name") or term.get("term"):
            return term.get("name") or term.get("term")
    return ""


def topics_of(text_words: frozenset[str]) -> frozenset[str]:
    """The directory topics whose words these are."""
    return frozenset(topic for topic, found in TOPIC_WORDS.items() if found & text_words)


def entry_for(service: sa.engine.Row, parts: _Parts) -> Entry:
    """What a search needs about one service, worked out once."""
    access = "; ".join(place[4] or "" for place in parts.places)
    days = {
        code.strip()[-2:] for byday, _, _ in parts.schedules for code in (byday or "").split(",")
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
            (lat, lon) for lat, lon, *_ in parts.places if lat is not None and lon is not None
        ),
        online=service.online,
        free=service.is_free,
        fees=service.fees_description,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        days=frozenset(d for d in days if d),
        opens_at=first[1] if first else None,
        when=first[2] if first else None,
        where=f"{venue[2]}, {venue[3]}" if venue else "Online",
        town=venue[3] if venue else None,
        contact=parts.phones[0][0] if parts.phones else (service.email or ""),
        step_free="step-free" in access.lower(),
        access=access,
    )
