"""Alerts in the store: raised once each (a unique key), seen by the team, emailed once.

Any process may raise an alert (the action server when it stores an urgent referral, every
console replica's scan): the row is inserted only if its key is new, so a second raise, a
restart or another replica changes nothing. The email is claimed by one replica with a
conditional update before it is sent (frontdoor/alerts/email.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdoor.store.db import rows_changed
from frontdoor.store.models import Alert, Referral, utcnow

URGENT_LEVELS = ("urgent", "crisis")  # a new referral at these urgencies raises an alert
EMAIL_ATTEMPTS = 3  # then the email is given up as failed (the console still shows the alert)
ERROR_LENGTH = 255


def new_referral_key(referral_id: int) -> str:
    """One alert per referral for its arrival, whatever its urgency becomes later."""
    return f"new:{referral_id}"


def promise_key(referral_id: int, due_at: datetime) -> str:
    """One alert per promise: a referral whose urgency changes has a new due time."""
    return f"promise:{referral_id}:{due_at:%Y%m%dT%H%M}"


def message_key(referral_id: int, event_id: int) -> str:
    """One alert per message the resident wrote (its row in Rasa's events table)."""
    return f"message:{referral_id}:{event_id}"


def raise_alert(
    session: Session, kind: str, key: str, referral: Referral, due_at: datetime | None = None
) -> bool:
    """Store the alert unless its key is there already; True if this call raised it."""
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "referral_id": referral.id,
        "reference": referral.reference,
        "urgency": referral.urgency,
        "due_at": due_at,
    }
    return rows_changed(session, _insert_once(session, values)) == 1


def _insert_once(session: Session, values: dict[str, Any]) -> sa.sql.Executable:
    """INSERT ... ON CONFLICT (key) DO NOTHING, in the store's own dialect."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"alerts need PostgreSQL or SQLite, not {dialect}")
    statement: sa.sql.Executable = (
        insert(Alert.__table__).values(**values).on_conflict_do_nothing(index_elements=["key"])
    )
    return statement


def raise_for_new_referral(session: Session, referral: Referral) -> bool:
    """An urgent or crisis referral has arrived: alert the team (once)."""
    if referral.urgency not in URGENT_LEVELS:
        return False
    return raise_alert(session, "new_referral", new_referral_key(referral.id), referral)


# Reading and seeing


def latest_id(session: Session) -> int:
    """The newest alert's id (nought when there are none): where a new stream starts."""
    return int(session.execute(sa.select(sa.func.coalesce(sa.func.max(Alert.id), 0))).scalar_one())


def alerts_after(session: Session, after_id: int, limit: int = 50) -> list[Alert]:
    """Alerts raised after that one, oldest first."""
    query = sa.select(Alert).where(Alert.id > after_id).order_by(Alert.id).limit(limit)
    return list(session.execute(query).scalars())


def unseen_count(session: Session) -> int:
    query = sa.select(sa.func.count(Alert.id)).where(Alert.seen_at.is_(None))
    return int(session.execute(query).scalar_one())


def recent_alerts(session: Session, limit: int = 200) -> list[Alert]:
    """The newest alerts, newest first."""
    query = sa.select(Alert).order_by(Alert.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def alert_by_id(session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id)


def mark_seen(session: Session, alert_ids: Sequence[int] | None, by: str) -> int:
    """Someone in the team has seen these alerts (None: every unseen one); how many changed.
    An alert someone else saw first keeps their name."""
    query = sa.update(Alert).where(Alert.seen_at.is_(None))
    if alert_ids is not None:
        query = query.where(Alert.id.in_(list(alert_ids)))
    return rows_changed(
        session,
        query.values(seen_at=utcnow(), seen_by=by).execution_options(synchronize_session=False),
    )


# Email: claimed by one replica, sent, then marked


def claim_emails(session: Session, now: datetime, lease: timedelta) -> list[Alert]:
    """Take the alerts waiting to be emailed, each by a conditional update, so two replicas
    never both take one; an email claimed longer than `lease` ago by a replica that stopped
    before it finished is taken again."""
    waiting = sa.or_(
        Alert.email_status == "pending",
        sa.and_(Alert.email_status == "sending", Alert.email_claimed_at < now - lease),
    )
    candidates = session.execute(sa.select(Alert.id).where(waiting).order_by(Alert.id))
    claimed = []
    for alert_id in list(candidates.scalars()):
        taken = rows_changed(
            session,
            sa.update(Alert)
            .where(Alert.id == alert_id, waiting)
            .values(
                email_status="sending",
                email_claimed_at=now,
                email_attempts=Alert.email_attempts + 1,
            )
            .execution_options(synchronize_session=False),
        )
        if taken == 1:
            claimed.append(alert_id)
    query = sa.select(Alert).where(Alert.id.in_(claimed)).order_by(Alert.id)
    return list(session.execute(query).scalars())


def emails_sent(session: Session, alert_ids: Sequence[int], now: datetime) -> None:
    session.execute(
        sa.update(Alert)
        .where(Alert.id.in_(list(alert_ids)))
        .values(email_status="sent", emailed_at=now, email_error=None)
        .execution_options(synchronize_session=False)
    )


def emails_failed(session: Session, alert_ids: Sequence[int], error: str) -> None:
    """The email could not be sent: tried again next round, up to EMAIL_ATTEMPTS times."""
    retry: sa.sql.elements.Case[sa.String] = sa.case(
        (Alert.email_attempts < EMAIL_ATTEMPTS, "pending"), else_="failed"
    )
    session.execute(
        sa.update(Alert)
        .where(Alert.id.in_(list(alert_ids)))
        .values(email_status=retry, email_error=error[:ERROR_LENGTH])
        .execution_options(synchronize_session=False)
    )


def emails_off(session: Session) -> int:
    """No mail server or team address is set: waiting alerts are not emailed (later, either)."""
    return rows_changed(
        session,
        sa.update(Alert)
        .where(Alert.email_status == "pending")
        .values(email_status="off")
        .execution_options(synchronize_session=False),
    )
