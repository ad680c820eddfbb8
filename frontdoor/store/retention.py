"""Retention: conversations and closed referrals older than RETENTION_MONTHS are erased, the
same way as when a resident asks (frontdoor.store.referrals.erase_personal_data)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.db import rows_changed
from frontdoor.store.models import Referral, utcnow
from frontdoor.store.referrals import erase_personal_data, erase_referral

# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), same database.
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
BY = "retention"


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time, months earlier (the last day of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _has_events_table(session: Session) -> bool:
    """Rasa creates the events table on its first start; before that there is nothing to do."""
    return sa.inspect(session.connection()).has_table("events")


def expired_conversations(session: Session, before: datetime) -> list[str]:
    """Conversations whose newest event is older than before (naive UTC), except those with a
    referral still open: a link worker's open case is not erased by the calendar."""
    if not _has_events_table(session):
        return []
    open_cases = sa.select(Referral.conversation_id).where(
        Referral.status != "closed", Referral.erased_at.is_(None)
    )
    query = (
        sa.select(EVENTS.c.sender_id)
        .where(EVENTS.c.sender_id.not_in(open_cases))
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < before.replace(tzinfo=UTC).timestamp())
        .order_by(EVENTS.c.sender_id)
    )
    return list(session.execute(query).scalars())


def delete_events(session: Session, sender_id: str) -> int:
    """Delete every event of one conversation from Rasa's tracker store."""
    return rows_changed(session, sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))


def expired_referrals(session: Session, before: datetime) -> list[Referral]:
    """Closed referrals, not yet erased, closed before then."""
    query = sa.select(Referral).where(
        Referral.status == "closed", Referral.closed_at < before, Referral.erased_at.is_(None)
    )
    return list(session.execute(query).scalars())


def purge_expired(session: Session, months: int, now: datetime | None = None) -> dict[str, int]:
    """Erase what is older than the retention period; how many of each were erased."""
    before = months_before(now or utcnow(), months)
    counts = {"conversations": 0, "events": 0, "referrals": 0}
    for sender_id in expired_conversations(session, before):
        counts["referrals"] += erase_personal_data(session, sender_id, by=BY)
        counts["events"] += delete_events(session, sender_id)
        counts["conversations"] += 1
    erased_at = utcnow()
    for referral in expired_referrals(session, before):
        erase_referral(session, referral, erased_at, BY)
        counts["referrals"] += 1
    return counts
