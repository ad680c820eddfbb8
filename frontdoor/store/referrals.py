"""Referrals, consent and risk: what the assistant writes and link workers read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.messaging import forget_conversation
from frontdoor.store.models import (
    RISK_WORDS_LENGTH,
    URGENCIES,
    Consent,
    Referral,
    RiskEvent,
    StatusChange,
    utcnow,
)

# No 0/O, 1/I/L or 5/S, so a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "2346789ABCDEFGHJKMNPQRTUVWXYZ"
REFERENCE_LENGTH = 6
CONTACT_METHODS = ("phone", "text", "email")


class ReferralError(ValueError):
    """A referral could not be stored because something it needs is missing or wrong."""


@dataclass
class ReferralDraft:
    """What the assistant has gathered for a link worker."""

    conversation_id: str
    channel: str
    level: int
    urgency: str
    contact_name: str | None
    contact_method: str | None
    contact_detail: str | None
    contact_time: str | None
    consent_wording: str
    consent_wording_version: str
    summary: str = ""
    what_matters: dict[str, Any] | None = None
    plan: str | None = None
    suggested_groups: list[Any] = field(default_factory=list)
    risk: str | None = None
    town: str | None = None

    def problems(self) -> list[str]:
        """Why this draft cannot be stored, if it cannot."""
        found = []
        for name in (
            "conversation_id",
            "channel",
            "contact_name",
            "contact_detail",
            "consent_wording",
        ):
            if not getattr(self, name):
                found.append(f"{name} is missing")
        if self.level not in (1, 2, 3):
            found.append(f"level {self.level!r} is not 1, 2 or 3")
        if self.urgency not in URGENCIES:
            found.append(f"urgency {self.urgency!r} is not one of {', '.join(URGENCIES)}")
        if self.contact_method not in CONTACT_METHODS:
            found.append(f"contact method {self.contact_method!r} is not phone, text or email")
        return found


def new_reference() -> str:
    return "FD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _unused_reference(session: Session) -> str:
    """A reference no other referral has."""
    while True:
        reference = new_reference()
        taken = session.execute(sa.select(Referral.id).where(Referral.reference == reference))
        if taken.first() is None:
            return reference


def create_referral(session: Session, draft: ReferralDraft) -> Referral:
    """Store consent, the referral and its first status together, or nothing at all."""
    problems = draft.problems()
    if problems:
        raise ReferralError("; ".join(problems))
    consent = Consent(
        conversation_id=draft.conversation_id,
        channel=draft.channel,
        wording=draft.consent_wording,
        wording_version=draft.consent_wording_version,
    )
    referral = Referral(
        reference=_unused_reference(session),
        level=draft.level,
        urgency=draft.urgency,
        status="new",
        channel=draft.channel,
        conversation_id=draft.conversation_id,
        summary=draft.summary,
        what_matters=draft.what_matters,
        plan=draft.plan,
        suggested_groups=draft.suggested_groups,
        town=draft.town,
        contact_name=draft.contact_name,
        contact_method=draft.contact_method,
        contact_detail=draft.contact_detail,
        contact_time=draft.contact_time,
        risk=draft.risk,
        consent=consent,
    )
    referral.history.append(StatusChange(status="new", changed_by="assistant"))
    session.add(referral)
    session.flush()
    return referral


def list_referrals(session: Session) -> list[Referral]:
    """Every referral, newest first."""
    query = sa.select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    return list(session.execute(query).scalars())


def referral_as_dict(referral: Referral) -> dict[str, Any]:
    """The referral as plain JSON-ready data."""
    return {
        "reference": referral.reference,
        "status": referral.status,
        "level": referral.level,
        "urgency": referral.urgency,
        "channel": referral.channel,
        "conversation_id": referral.conversation_id,
        "created_at": referral.created_at.isoformat(timespec="seconds") + "Z",
        "summary": referral.summary,
        "town": referral.town,
        "risk": referral.risk,
        "plan": referral.plan,
        "suggested_groups": referral.suggested_groups or [],
        "contact": {
            "name": referral.contact_name,
            "method": referral.contact_method,
            "detail": referral.contact_detail,
            "time": referral.contact_time,
        },
        "snomed_code": referral.snomed_code,
        "outcome": referral.outcome,
    }


def record_risk(
    session: Session,
    conversation_id: str,
    channel: str,
    category: str,
    source: str | None = None,
    words: str | None = None,
) -> None:
    """Note that the safety net found risk in this conversation: a flag for a link worker.

    source is "lexicon", "model" or "both"; words is the span of the message that raised the
    flag, kept to its first 200 characters (never the whole message).
    """
    session.add(
        RiskEvent(
            conversation_id=conversation_id,
            channel=channel,
            category=category,
            source=_fit(source, 10),
            words=_fit(words, RISK_WORDS_LENGTH),
        )
    )


def _fit(text: str | None, length: int) -> str | None:
    """Text fit for a column: no NUL characters (PostgreSQL refuses them), at most length."""
    text = (text or "").replace("\x00", "").strip()[:length].strip()
    return text or None


def _referrals_of(session: Session, conversation_id: str) -> list[Referral]:
    query = sa.select(Referral).where(
        Referral.conversation_id == conversation_id, Referral.erased_at.is_(None)
    )
    return list(session.execute(query).scalars())


def _risk_words_of(session: Session, conversation_id: str) -> list[RiskEvent]:
    query = (
        sa.select(RiskEvent)
        .where(RiskEvent.conversation_id == conversation_id, RiskEvent.words.is_not(None))
        .order_by(RiskEvent.created_at, RiskEvent.id)
    )
    return list(session.execute(query).scalars())


def personal_data_for(session: Session, conversation_id: str) -> dict[str, Any]:
    """What the service keeps about the person in this conversation: the referrals' details
    and the resident's words that raised a safety flag."""
    return {
        "referrals": [
            {
                "reference": r.reference,
                "contact_name": r.contact_name,
                "contact_method": r.contact_method,
                "contact_detail": r.contact_detail,
                "contact_time": r.contact_time,
                "plan": r.plan,
                "what_matters": r.what_matters,
            }
            for r in _referrals_of(session, conversation_id)
        ],
        "risk_flags": [
            {
                "category": flag.category,
                "words": flag.words,
                "flagged_at": flag.created_at.isoformat(timespec="seconds") + "Z",
            }
            for flag in _risk_words_of(session, conversation_id)
        ],
    }


def erase_personal_data(session: Session, conversation_id: str) -> int:
    """Blank the personal details kept for this conversation, and the words that raised its
    safety flags (each flag, its category and dates stay for the safeguarding record),
    withdraw consent, and forget which phone number an SMS conversation id belongs to.
    Returns how many referrals were erased."""
    now = utcnow()
    referrals = _referrals_of(session, conversation_id)
    for referral in referrals:
        referral.contact_name = None
        referral.contact_detail = None
        referral.contact_time = None
        referral.what_matters = None
        referral.plan = None
        referral.summary = "Personal details deleted at the resident's request."
        referral.erased_at = now
        referral.history.append(
            StatusChange(
                status=referral.status,
                changed_by="resident",
                note="Personal details deleted on request",
            )
        )
    session.execute(
        sa.update(RiskEvent)
        .where(RiskEvent.conversation_id == conversation_id, RiskEvent.words.is_not(None))
        .values(words=None)
    )
    session.execute(
        sa.update(Consent)
        .where(Consent.conversation_id == conversation_id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    forget_conversation(session, conversation_id)
    return len(referrals)
