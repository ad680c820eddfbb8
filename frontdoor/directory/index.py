"""The active directory held in memory, so a resident's search takes milliseconds.

The index is rebuilt when the directory changes (a new import), which it notices from a
cheap version query: how many services there are and when one last changed.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from frontdoor.directory.vocabulary import TOPIC_WORDS, words
from frontdoor.store.models import Service, ServiceAtLocation


@dataclass(frozen=True)
class Entry:
    """One active service, with what a search needs already worked out."""

    id: str
    name: str
    description: str
    labels: frozenset[str]
    primary: frozenset[str]
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
        for topic, topic_words in TOPIC_WORDS.items():
            if topic_words & entry.labels:
                self.by_topic.setdefault(topic, set()).add(entry.id)
        for word in entry.text:
            self.by_word.setdefault(word, set()).add(entry.id)

    def near(self, latitude: float, longitude: float, miles: float) -> set[str]:
        """Services with a place within roughly `miles` (a box of grid cells), and online ones."""
        dlat = miles / 68.0
        dlon = miles / (68.0 * max(0.1, math.cos(math.radians(latitude))))
        low, high = cell(latitude - dlat, longitude - dlon), cell(latitude + dlat, longitude + dlon)
        found = set(self.online)
        for row in range(low[0], high[0] + 1):
            for column in range(low[1], high[1] + 1):
                found |= self.by_cell.get((row, column), set())
        return found


CELL_DEGREES = 0.1  # about 7 miles north to south


def cell(latitude: float, longitude: float) -> tuple[int, int]:
    return (math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES))


_lock = threading.Lock()
_cache: dict[str, DirectoryIndex] = {}


def directory_version(session: Session) -> tuple:
    """Changes whenever an import adds, changes or retires a service."""
    row = session.execute(
        sa.select(sa.func.count(), sa.func.max(Service.updated_at)).where(Service.active.is_(True))
    ).one()
    return (row[0], str(row[1]))


def current_index(session: Session) -> DirectoryIndex:
    """The index for this session's database, rebuilt if the directory has changed."""
    key = str(session.get_bind().url)
    version = directory_version(session)
    with _lock:
        index = _cache.get(key)
        if index is None or index.version != version:
            index = build_index(session, version)
            _cache[key] = index
        return index


def build_index(session: Session, version: tuple) -> DirectoryIndex:
    index = DirectoryIndex(version=version)
    query = (
        sa.select(Service)
        .where(Service.active.is_(True))
        .options(
            selectinload(Service.locations).selectinload(ServiceAtLocation.location),
            selectinload(Service.schedules),
            selectinload(Service.phones),
            selectinload(Service.taxonomy_terms),
        )
    )
    for service in session.execute(query).scalars():
        index.add(entry_for(service))
    return index


def primary_term(service: Service) -> str:
    """The first taxonomy term the publisher listed: what the service is mainly for."""
    attributes = json.loads(service.record).get("attributes") if service.record else None
    for attribute in attributes or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        if term.get("name") or term.get("term"):
            return term.get("name") or term.get("term")
    return ""


def entry_for(service: Service) -> Entry:
    location = service.locations[0].location if service.locations else None
    access = "; ".join(sal.location.accessibility or "" for sal in service.locations)
    days = {
        code[-2:] for schedule in service.schedules for code in (schedule.byday or "").split(",")
    }
    first = service.schedules[0] if service.schedules else None
    return Entry(
        id=service.id,
        name=service.name,
        description=service.description or "",
        labels=frozenset(
            words(service.name + " " + " ".join(t.name for t in service.taxonomy_terms))
        ),
        primary=frozenset(words(primary_term(service))),
        text=frozenset(words(service.search_text)),
        points=tuple(
            (sal.location.latitude, sal.location.longitude)
            for sal in service.locations
            if sal.location.latitude is not None and sal.location.longitude is not None
        ),
        online=service.online,
        free=service.is_free,
        fees=service.fees_description,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        days=frozenset(d for d in days if d),
        opens_at=first.opens_at if first else None,
        when=first.description if first else None,
        where=f"{location.name}, {location.city}" if location else "Online",
        town=location.city if location else None,
        contact=service.phones[0].number if service.phones else (service.email or ""),
        step_free="step-free" in access.lower(),
        access=access,
    )
