"""Text messages: inbound ids seen, opted-out numbers, options on offer, outbound delivery,
and which number each SMS conversation's opaque id belongs to.

No message text is kept here: the conversation itself lives in Rasa's tracker store.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session

from frontdoor.store.db import rows_changed
from frontdoor.store.models import Base, utcnow

OUTBOUND_STATUSES = (
    "queued",  # recorded, not yet accepted by Twilio
    "sent",  # accepted by Twilio (its own status may be queued or sent)
    "delivered",
    "undelivered",
    "failed",  # Twilio or the network refused it for good, or the callback said so
    "suppressed",  # not sent: the number has opted out
)
FINAL_STATUSES = ("delivered", "undelivered", "failed", "suppressed")


class SmsInbound(Base):
    """A text Twilio delivered to us, kept by id so a repeated delivery is processed once."""

    __tablename__ = "sms_inbound"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    message_sid = sa.Column(sa.String(64), unique=True)
    idempotency_token = sa.Column(sa.String(128), unique=True)
    number: Mapped[str] = sa.Column(sa.String(32), nullable=False)
    received_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    outcome: Mapped[str] = sa.Column(sa.String(16), nullable=False, default="received")

    __table_args__ = (sa.Index("ix_sms_inbound_number_received", "number", "received_at"),)


class SmsNumber(Base):
    """What we know about one phone number: opted out or not, flood warning, options on offer."""

    __tablename__ = "sms_numbers"

    number: Mapped[str] = sa.Column(sa.String(32), primary_key=True)
    opted_out_at = sa.Column(sa.DateTime)  # set while the number has said STOP
    opted_in_at = sa.Column(sa.DateTime)
    limited_at = sa.Column(sa.DateTime)  # when we last said "too many messages"
    options: Mapped[list[dict[str, str]] | None] = sa.Column(
        sa.JSON
    )  # [{"title", "payload"}] of the last numbered list sent
    updated_at: Mapped[datetime] = sa.Column(
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class SmsConversation(Base):
    """The number behind an SMS conversation's opaque id, so texts pushed later can reach it.

    The id is keyed from the number (frontdoor.sms.sms_conversation_id), so a number has one
    id per secret; the row goes when the resident asks for their details to be deleted.
    """

    __tablename__ = "sms_conversations"

    conversation_id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    number: Mapped[str] = sa.Column(sa.String(32), nullable=False, index=True)
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class SmsOutbound(Base):
    """A text we sent or tried to send, and what became of it."""

    __tablename__ = "sms_outbound"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    number: Mapped[str] = sa.Column(sa.String(32), nullable=False, index=True)
    kind: Mapped[str] = sa.Column(sa.String(24), nullable=False, default="reply")
    segments: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=1)
    reference = sa.Column(sa.String(16), index=True)  # a referral's reference, when it carries one
    track: Mapped[bool] = sa.Column(
        sa.Boolean, nullable=False, default=False
    )  # delivery reports asked for
    status: Mapped[str] = sa.Column(sa.String(16), nullable=False, default="queued", index=True)
    twilio_sid = sa.Column(sa.String(64), unique=True)
    attempts: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)
    error = sa.Column(sa.String(255))
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = sa.Column(
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    delivered_at = sa.Column(sa.DateTime)


UNFINISHED_GRACE = timedelta(seconds=60)  # a turn still "received" after this was lost


def claim_inbound(
    session: Session,
    number: str,
    message_sid: str | None,
    token: str | None,
    grace: timedelta = UNFINISHED_GRACE,
) -> int | None:
    """Record a delivery and return its id; None when this message came before (same
    MessageSid or idempotency token), unless that earlier turn never finished ("received"
    for longer than `grace`: Rasa stopped under it), which is then claimed again."""
    ids = [SmsInbound.message_sid == message_sid] if message_sid else []
    ids += [SmsInbound.idempotency_token == token] if token else []
    if not ids:
        return None
    seen = session.execute(sa.select(SmsInbound.id).where(sa.or_(*ids))).scalars().first()
    if seen is not None:
        return reclaim_unfinished(session, seen, grace)
    row = SmsInbound(number=number, message_sid=message_sid or None, idempotency_token=token)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # another worker recorded it a moment ago
        session.rollback()
        return None
    return row.id


def reclaim_unfinished(session: Session, inbound_id: int, grace: timedelta) -> int | None:
    """The row's id if its turn is unfinished after `grace`, claimed afresh; else None.

    One conditional UPDATE, so of two redeliveries at once only one wins."""
    now = utcnow()
    claimed = rows_changed(
        session,
        sa.update(SmsInbound)
        .where(
            SmsInbound.id == inbound_id,
            SmsInbound.outcome == "received",
            SmsInbound.received_at <= now - grace,
        )
        .values(received_at=now)
        .execution_options(synchronize_session=False),
    )
    return inbound_id if claimed == 1 else None


def take_interrupted(session: Session, before: datetime, since: datetime) -> list[str]:
    """Rows left "received" before `before` (a turn Rasa stopped under) are marked
    "interrupted"; the numbers of those received since `since`, to be told, once each."""
    query = sa.select(SmsInbound.id, SmsInbound.number, SmsInbound.received_at).where(
        SmsInbound.outcome == "received", SmsInbound.received_at < before
    )
    numbers: list[str] = []
    for row_id, number, received_at in session.execute(query).all():
        taken = rows_changed(
            session,
            sa.update(SmsInbound)
            .where(SmsInbound.id == row_id, SmsInbound.outcome == "received")
            .values(outcome="interrupted")
            .execution_options(synchronize_session=False),
        )
        if taken == 1 and received_at >= since and number not in numbers:
            numbers.append(number)
    return numbers


def set_outcome(session: Session, inbound_id: int, outcome: str) -> None:
    session.execute(
        sa.update(SmsInbound).where(SmsInbound.id == inbound_id).values(outcome=outcome)
    )


def recent_count(session: Session, number: str, since: datetime) -> int:
    """How many texts this number sent since then (repeats of one message count once)."""
    query = sa.select(sa.func.count(SmsInbound.id)).where(
        SmsInbound.number == number, SmsInbound.received_at >= since
    )
    return int(session.execute(query).scalar_one())


def number_row(session: Session, number: str) -> SmsNumber:
    """The number's row, created on first use."""
    row = session.get(SmsNumber, number)
    if row is None:
        row = SmsNumber(number=number)
        session.add(row)
        session.flush()
    return row


def is_opted_out(session: Session, number: str) -> bool:
    row = session.get(SmsNumber, number)
    return bool(row and row.opted_out_at)


def opt_out(session: Session, number: str) -> None:
    """STOP: no more texts to this number until it says START."""
    row = number_row(session, number)
    row.opted_out_at = row.opted_out_at or utcnow()
    row.options = None


def opt_in(session: Session, number: str) -> bool:
    """START: texts again; True if the number had opted out."""
    row = number_row(session, number)
    was_out = row.opted_out_at is not None
    row.opted_out_at = None
    row.opted_in_at = utcnow()
    return was_out


def should_warn_limited(session: Session, number: str, window: timedelta) -> bool:
    """True the first time in a window that a number goes over its limit (we tell it once)."""
    row = number_row(session, number)
    now = utcnow()
    if row.limited_at and now - row.limited_at < window:
        return False
    row.limited_at = now
    return True


def remember_options(session: Session, number: str, options: list[dict[str, str]]) -> None:
    """The numbered choices just sent, so a reply of "1" can be understood."""
    number_row(session, number).options = options or None


def options_for(session: Session, number: str) -> list[dict[str, str]]:
    row = session.get(SmsNumber, number)
    return list(row.options or []) if row else []


def link_conversation(session: Session, conversation_id: str, number: str) -> None:
    """Remember which number an SMS conversation id belongs to (once; kept as it is after)."""
    if session.get(SmsConversation, conversation_id) is not None:
        return
    session.add(SmsConversation(conversation_id=conversation_id, number=number))
    try:
        session.flush()
    except IntegrityError:  # the same number's other text linked it a moment ago
        session.rollback()


def number_for_conversation(session: Session, conversation_id: str) -> str | None:
    """The number an SMS conversation id belongs to; None if unknown or erased."""
    row = session.get(SmsConversation, conversation_id)
    return row.number if row else None


def forget_conversation(session: Session, conversation_id: str) -> int:
    """Erase the link between a conversation id and its number; how many rows went."""
    return rows_changed(
        session,
        sa.delete(SmsConversation).where(SmsConversation.conversation_id == conversation_id),
    )


def record_outbound(session: Session, number: str, **fields: Any) -> int:
    """A text about to go out; returns its id."""
    row = SmsOutbound(number=number, **fields)
    session.add(row)
    session.flush()
    return row.id


def update_outbound(session: Session, outbound_id: int, **fields: Any) -> None:
    session.execute(sa.update(SmsOutbound).where(SmsOutbound.id == outbound_id).values(**fields))


def record_delivery(session: Session, twilio_sid: str, status: str, error: str | None) -> bool:
    """A delivery report from Twilio; True if it was for a text we sent."""
    row = session.execute(
        sa.select(SmsOutbound).where(SmsOutbound.twilio_sid == twilio_sid)
    ).scalar_one_or_none()
    if row is None:
        return False
    if row.status in ("delivered", "undelivered", "failed") and status in ("sent", "queued"):
        return True  # reports can arrive out of order; a final one stands
    row.status = status if status in OUTBOUND_STATUSES else row.status
    row.error = f"Twilio error {error}" if error else row.error
    if status == "delivered":
        row.delivered_at = utcnow()
    return True


def outbound_for(session: Session, number: str) -> list[SmsOutbound]:
    query = sa.select(SmsOutbound).where(SmsOutbound.number == number).order_by(SmsOutbound.id)
    return list(session.execute(query).scalars())


# Erasure: nothing of a resident's number stays behind

ERASED_NUMBER = "erased"
OUTBOUND_KEPT = ("kind", "reference", "status")  # the council counts texts and what they cost


def erase_number(session: Session, number: str) -> dict[str, int]:
    """Erase one phone number from the SMS tables: its deliveries go, its texts sent stay
    counted under no number, and its row stays only to keep a STOP (then nothing else).
    Returns how many rows of each table were touched."""
    return {
        "sms_inbound": rows_changed(
            session, sa.delete(SmsInbound).where(SmsInbound.number == number)
        ),
        "sms_outbound": rows_changed(
            session,
            sa.update(SmsOutbound)
            .where(SmsOutbound.number == number)
            .values(number=ERASED_NUMBER, **_blank_outbound_text())
            .execution_options(synchronize_session=False),
        ),
        "sms_conversations": rows_changed(
            session, sa.delete(SmsConversation).where(SmsConversation.number == number)
        ),
        "sms_numbers": _erase_number_row(session, number),
    }


def _blank_outbound_text() -> dict[str, None]:
    """Every free-text column of a text sent (its error, Twilio's id, any body) set to None."""
    blank: dict[str, None] = {}
    for column in SmsOutbound.__table__.columns:
        textual = isinstance(column.type, sa.String | sa.JSON)
        if textual and column.nullable and column.name not in OUTBOUND_KEPT:
            blank[column.name] = None
    return blank


def _erase_number_row(session: Session, number: str) -> int:
    """Delete the number's row, unless it said STOP: that must be honoured, so only the
    number and when it opted out stay."""
    row = session.get(SmsNumber, number)
    if row is None:
        return 0
    if row.opted_out_at is None:
        session.delete(row)
    else:
        row.options = None
        row.limited_at = None
        row.opted_in_at = None
    return 1
