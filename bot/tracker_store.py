"""Rasa's SQL tracker store in the referral store's database, which can forget a resident."""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from frontdoor.settings import get_settings

ERASE_SLOT = "erase_conversation"  # set by action_delete_my_data


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

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep the new events, or, when the resident asked us to, delete the whole chat."""
        if tracker.get_slot(ERASE_SLOT):
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
