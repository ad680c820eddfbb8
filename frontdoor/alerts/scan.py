"""Find what should raise an alert and raise it (once: frontdoor/store/alerts.py).

Referrals are stored by the action server, and residents' messages by the Rasa server, into
the shared store; the console finds them here, every ALERT_SCAN_SECONDS:

- urgent and crisis referrals that arrived without an alert (the action server raises one as
  it stores the referral; this catches any it could not);
- promises of first contact about to lapse (frontdoor/alerts/rules.py);
- messages a resident wrote while a link worker holds the chat, read from Rasa's events
  table as the console's conversation panel reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.alerts.rules import Promise, WorkingHours, promise_for
from frontdoor.console.conversation import EVENTS
from frontdoor.store import alerts
from frontdoor.store.casework import ReferralWork
from frontdoor.store.db import engine_for
from frontdoor.store.models import Alert, Referral

NEW_REFERRAL_LOOKBACK = timedelta(days=1)  # older ones are the queue's, not news
PROMISE_LOOKBACK = timedelta(days=14)  # longer than any routine promise, holidays included


@dataclass(frozen=True)
class Raised:
    """How many alerts one scan raised, by kind."""

    new_referrals: int = 0
    promises: int = 0
    messages: int = 0

    @property
    def total(self) -> int:
        return self.new_referrals + self.promises + self.messages


def scan(session: Session, database_url: str, now: datetime, hours: WorkingHours) -> Raised:
    """Raise every alert that is due now and not raised yet."""
    return Raised(
        new_referrals=raise_new_referrals(session, now),
        promises=raise_lapsing_promises(session, now, hours),
        messages=raise_held_messages(session, database_url),
    )


def _open() -> sa.sql.ColumnElement[sa.Boolean]:
    return sa.and_(Referral.status != "closed", Referral.erased_at.is_(None))


def _has_alert(kind: str) -> sa.sql.ColumnElement[sa.Boolean]:
    return sa.select(Alert.id).where(Alert.referral_id == Referral.id, Alert.kind == kind).exists()


def raise_new_referrals(session: Session, now: datetime) -> int:
    """Urgent and crisis referrals from the last day that have no arrival alert."""
    query = sa.select(Referral).where(
        _open(),
        Referral.urgency.in_(alerts.URGENT_LEVELS),
        Referral.created_at >= now - NEW_REFERRAL_LOOKBACK,
        ~_has_alert("new_referral"),
    )
    found = session.execute(query.order_by(Referral.id)).scalars()
    return sum(alerts.raise_for_new_referral(session, referral) for referral in found)


def lapsing_promises(
    session: Session, now: datetime, hours: WorkingHours
) -> list[tuple[Referral, Promise]]:
    """Open referrals nobody has contacted yet whose promise it is time to warn about."""
    query = (
        sa.select(Referral)
        .outerjoin(ReferralWork, ReferralWork.referral_id == Referral.id)
        .where(
            _open(),
            ReferralWork.first_contact_at.is_(None),
            Referral.created_at >= now - PROMISE_LOOKBACK,
        )
        .order_by(Referral.id)
    )
    due = []
    for referral in session.execute(query).scalars():
        promise = promise_for(referral.created_at, referral.urgency, hours)
        if promise.warn_now(now):
            due.append((referral, promise))
    return due


def raise_lapsing_promises(session: Session, now: datetime, hours: WorkingHours) -> int:
    raised = 0
    for referral, promise in lapsing_promises(session, now, hours):
        key = alerts.promise_key(referral.id, promise.due_at)
        raised += alerts.raise_alert(session, "promise", key, referral, promise.due_at)
    return raised


def raise_held_messages(session: Session, database_url: str) -> int:
    """A message from the resident, for each referral whose chat a link worker holds."""
    query = (
        sa.select(Referral, ReferralWork.chat_held_since)
        .join(ReferralWork, ReferralWork.referral_id == Referral.id)
        .where(_open(), ReferralWork.chat_held_by.is_not(None))
        .order_by(Referral.id)
    )
    raised = 0
    for referral, held_since in session.execute(query).all():
        known = _keys(session, referral, "message")
        for event_id in resident_messages_since(database_url, referral.conversation_id, held_since):
            key = alerts.message_key(referral.id, event_id)
            if key not in known:
                raised += alerts.raise_alert(session, "message", key, referral)
    return raised


def _keys(session: Session, referral: Referral, kind: str) -> set[str]:
    """The keys of the referral's alerts of one kind, raised already."""
    query = sa.select(Alert.key).where(Alert.referral_id == referral.id, Alert.kind == kind)
    return set(session.execute(query).scalars())


def resident_messages_since(
    database_url: str, conversation_id: str, since: datetime | None
) -> list[int]:
    """The event ids of what the resident wrote in the conversation since then (nothing if
    Rasa has not created its table yet)."""
    query = sa.select(EVENTS.c.id).where(
        EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name == "user"
    )
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since.replace(tzinfo=UTC).timestamp())
    try:  # its own connection: a failed read must not end the scan's transaction
        with engine_for(database_url).connect() as connection:
            return list(connection.execute(query.order_by(EVENTS.c.id)).scalars())
    except sa.exc.DBAPIError:
        return []
