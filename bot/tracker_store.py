"""Rasa's SQL tracker store in the referral store's database, which can forget a resident.

When the database fails, Rasa's FailSafeTrackerStore (which wraps every tracker store) would
answer "no such conversation", and the turn would go on in an empty one: the resident's "yes"
to sending a referral met "Sorry, I did not follow that" and was lost. Here a conversation
that cannot be read in a resident's turn raises StoreUnavailable instead, which ends the turn
before it starts, and bot/channels/limits.py keeps the message and tells the resident. Outside
a turn (Rasa's HTTP API) Rasa's own behaviour is kept. Connections are checked before use, so
the first turn after the database comes back does not fail on one it closed.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.channels.limits import StoreUnavailable, in_turn
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

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation; in a resident's turn, StoreUnavailable if it cannot be read."""
        try:
            return await super().retrieve(sender_id)
        except Exception as error:
            if not in_turn():
                raise
            logger.error("the tracker store failed in a turn: %s", type(error).__name__)
            raise StoreUnavailable(type(error).__name__) from error

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep the new events, or, when the resident asked us to, delete the whole chat."""
        if tracker.get_slot(slots.ERASE_CONVERSATION):
            self.erase(tracker.sender_id)
            return
        await super().save(tracker)

    def erase(self, sender_id: str) -> int:
        """Delete every stored event of one conversation."""
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
