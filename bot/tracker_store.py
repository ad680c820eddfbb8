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
replaying the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.channels.limits import StoreUnavailable, in_turn
from bot.tracker_cache import TrackerCache, Version
from frontdoor import slots
from frontdoor.settings import get_settings

logger = logging.getLogger(__name__)
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
        self._expected: dict[str, int] = {}  # sender id -> events stored once a save commits

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation; in a resident's turn, StoreUnavailable if it cannot be read."""
        try:
            kept = self.cache.take(sender_id, self.version(sender_id))
            return kept if kept is not None else await super().retrieve(sender_id)
        except Exception as error:
            if not in_turn():
                raise
            logger.error("the tracker store failed in a turn: %s", type(error).__name__)
            raise StoreUnavailable(type(error).__name__) from error

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep the new events, or, when the resident asked us to, delete the whole chat."""
        self.cache.forget(tracker.sender_id)
        if tracker.get_slot(slots.ERASE_CONVERSATION):
            self.erase(tracker.sender_id)
            return
        await super().save(tracker)
        self.keep(tracker)

    def version(self, sender_id: str) -> Version:
        """How many events the conversation has in the database, and the highest event id."""
        with self.session_scope() as session:
            return self._version(session, sender_id)

    def _version(self, session: sa.orm.Session, sender_id: str) -> Version:
        count, highest = (
            session.query(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .one()
        )
        return int(count), highest

    def _additional_events(
        self, session: sa.orm.Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Rasa's: the events not stored yet; noted with how many the database then holds."""
        new = list(super()._additional_events(session, tracker))
        stored, _ = self._version(session, tracker.sender_id)
        self._expected[tracker.sender_id] = stored + len(new)
        return iter(new)

    def keep(self, tracker: DialogueStateTracker) -> None:
        """Keep the tracker just saved, if the database holds its events and nothing else
        changed the conversation while it was saved (a deletion, another writer)."""
        expected = self._expected.pop(tracker.sender_id, None)
        version = self.version(tracker.sender_id)
        if expected is not None and version[0] == expected:
            self.cache.keep(tracker, version)

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
    """The same database, with each pooled connection checked before use (and, on
    PostgreSQL, a connect timeout); the old engine is closed."""
    url = engine.url
    kwargs = create_engine_kwargs(url)
    if url.get_backend_name() == "postgresql":
        connect_args = {
            **kwargs.get("connect_args", {}),
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        }
        kwargs["connect_args"] = connect_args
    engine.dispose()
    checked: sa.engine.Engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    return checked
