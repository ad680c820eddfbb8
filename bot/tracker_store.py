"""Rasa's SQL tracker store in the referral store's database, which can forget a resident.

When the database fails, Rasa's FailSafeTrackerStore (which wraps every tracker store) would
answer "no such conversation", and the turn would go on in an empty one: the resident's "yes"
to sending a referral met "Sorry, I did not follow that" and was lost. Here a conversation
that cannot be read in a resident's turn raises StoreUnavailable instead, which ends the turn
before it starts, and bot/channels/limits.py keeps the message and tells the resident. Outside
a turn (Rasa's HTTP API) Rasa's own behaviour is kept. Connections are checked before use, so
the first turn after the database comes back does not fail on one it closed.

A turn's tracker is kept in memory between turns (bot/tracker_cache.py) and used again while
the database still holds exactly what it was saved as: one small query instead of reading and
replaying the conversation. A tracker this store handed out is saved by appending the events it
gained since, in one transaction, without counting what is stored first.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url

from bot.channels.limits import StoreUnavailable, in_turn
from bot.tracker_cache import Snapshot, TrackerCache, Version
from frontdoor import slots
from frontdoor.settings import get_settings

logger = logging.getLogger(__name__)
MIN_READS_KEPT = 200  # conversations in a turn at once, at most, with the cache off
CONNECT_TIMEOUT_SECONDS = 5  # PostgreSQL: give up connecting after this, rather than hang


def connection_arguments(database_url: str) -> dict[str, Any]:
    """SQLTrackerStore's arguments for a SQLAlchemy database URL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"dialect": "sqlite", "db": url.database or "frontdoor.db"}
    return {
        "dialect": url.drivername,
        "host": url.host,
        "port": url.port,
        "db": url.database,
        "username": url.username,
        "password": url.password,
        "query": dict(url.query) or None,
    }


class FrontdoorTrackerStore(SQLTrackerStore):
    """Conversations kept in DATABASE_URL, so they survive a restart and link workers can read them."""

    def __init__(
        self, domain: Domain | None = None, event_broker: Any = None, **kwargs: Any
    ) -> None:
        kwargs = {**kwargs, **connection_arguments(get_settings().database_url)}
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        self.engine = checked_engine(self.engine)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self.cache = TrackerCache(get_settings().tracker_cache_size)
        # the trackers handed out lately, as they were read (a read never saved is dropped)
        self._read: OrderedDict[str, Snapshot] = OrderedDict()
        self._reads_kept = max(get_settings().tracker_cache_size, MIN_READS_KEPT)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation; in a resident's turn, StoreUnavailable if it cannot be read."""
        try:
            version = self.version(sender_id)
            tracker = self.cache.take(sender_id, version)
            if tracker is None:
                tracker = await super().retrieve(sender_id)
        except Exception as error:
            if not in_turn():
                raise
            logger.error("the tracker store failed in a turn: %s", type(error).__name__)
            raise StoreUnavailable(type(error).__name__) from error
        if tracker is not None:
            self._note(Snapshot.of(tracker, version))
        return tracker

    def _note(self, read: Snapshot) -> None:
        self._read[read.tracker.sender_id] = read
        self._read.move_to_end(read.tracker.sender_id)
        while len(self._read) > self._reads_kept:
            self._read.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep the new events, or, when the resident asked us to, delete the whole chat."""
        self.cache.forget(tracker.sender_id)
        read = self._read.pop(tracker.sender_id, None)
        if tracker.get_slot(slots.ERASE_CONVERSATION):
            self.erase(tracker.sender_id)
            return
        if read is None or read.tracker is not tracker or len(tracker.events) < read.events:
            await super().save(tracker)  # a tracker this store did not hand out: Rasa's way
            return
        await self.stream_events(tracker)
        version = self._append(tracker, read)
        if not self._session_started_since(tracker, read):  # else the next turn reads only it
            self.cache.keep(tracker, version)

    @staticmethod
    def _session_started_since(tracker: DialogueStateTracker, read: Snapshot) -> bool:
        """Whether a new conversation session began since the tracker was read (Rasa then
        reads only the new session's events; a kept tracker would hold the old ones too)."""
        gained = itertools.islice(tracker.events, read.events, None)
        return any(isinstance(event, SessionStarted) for event in gained)

    def _append(self, tracker: DialogueStateTracker, read: Snapshot) -> Version:
        """Store the events added since the tracker was read; the conversation's version if
        they were all it gained (any other change makes the next turn read the database)."""
        new = list(itertools.islice(tracker.events, read.events, None))
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()
            highest = max((row.id for row in rows), default=read.version[1])
            session.commit()
        return read.version[0] + len(rows), highest

    def _row(self, sender_id: str, event: Event) -> Any:
        """One event as Rasa's SQL tracker store writes it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def version(self, sender_id: str) -> Version:
        """How many events the conversation has in the database, and the highest event id."""
        with self.session_scope() as session:
            count, highest = (
                session.query(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
                .filter(self.SQLEvent.sender_id == sender_id)
                .one()
            )
            return int(count), highest

    def erase(self, sender_id: str) -> int:
        """Delete every stored event of one conversation."""
        self.cache.forget(sender_id)
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            )
            session.commit()
        return deleted


def checked_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same database, with each pooled connection checked before use (on PostgreSQL with
    a connect timeout, on SQLite kept open between turns); the old engine is closed."""
    url = engine.url
    kwargs = create_engine_kwargs(url)
    if url.get_backend_name() == "postgresql":
        connect_args = {
            **kwargs.get("connect_args", {}),
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        }
        kwargs["connect_args"] = connect_args
    sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if sqlite_file:
        kwargs.update(sqlite_pool_arguments())
    engine.dispose()
    checked: sa.engine.Engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    if sqlite_file:
        sa.event.listen(checked, "connect", _sqlite_turn_pragmas)
    return checked


def sqlite_pool_arguments() -> dict[str, Any]:
    """Keep SQLite connections open between turns (SQLAlchemy 1.4 opens one per session).

    Opening a connection reads the schema, and closing the last one to a WAL database
    checkpoints it: together about 3 ms of every turn, in the event loop. The pool hands a
    connection to one session at a time, so it may be used from another thread than the one
    that opened it."""
    return {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}


def _sqlite_turn_pragmas(connection: Any, _record: object) -> None:
    """WAL, as the store sets it, and synchronous=NORMAL for conversation turns only.

    Under WAL, NORMAL writes a turn's events without waiting for the disk: an application crash
    loses nothing, a power cut may lose the last turns. Referrals and everything else the store
    writes keep its own connections' FULL, whose commit also makes every earlier turn durable."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
