"""Referrals, consent and risk: what the assistant writes and link workers read."""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.contact import phone_e164, phone_for_display
from frontdoor.store.alerts import raise_for_new_referral
from frontdoor.store.caseload import erase_caseload_of
from frontdoor.store.link_worker import audit_erasure, erase_work_of
from frontdoor.store.links import erase_links_of
from frontdoor.store.messaging import erase_number, forget_conversation, number_for_conversation
from frontdoor.store.models import (
    RISK_WORDS_LENGTH,
    URGENCIES,
    Consent,
    Referral,
    RiskEvent,
    StatusChange,
    utcnow,
)
from frontdoor.store.presence import forget as forget_presence
from frontdoor.store.risk_flags import erase_flags_of
from frontdoor.store.wellbeing import link_to_referral, rekey_wellbeing

# No 0/O, 1/I/L or 5/S, so a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "2346789ABCDEFGHJKMNPQRTUVWXYZ"
REFERENCE_LENGTH = 6
CONTACT_METHODS = ("phone", "text", "email")


class ReferralError(ValueError):
    """A referral could not be stored because something it needs is missing or wrong."""


@dataclass
class ReferralDraft:
    """What the assistant has gathered for a link worker: the consent wording, and the
    referral's columns of the same names."""

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
    columns = dataclasses.asdict(draft)
    consent = Consent(
        conversation_id=draft.conversation_id,
        channel=draft.channel,
        wording=columns.pop("consent_wording"),
        wording_version=columns.pop("consent_wording_version"),
    )
    referral = Referral(
        reference=_unused_reference(session), status="new", consent=consent, **columns
    )
    referral.history.append(StatusChange(status="new", changed_by="assistant"))
    session.add(referral)
    session.flush()
    link_to_referral(session, referral)  # wellbeing answers given earlier in the conversation
    raise_for_new_referral(session, referral)  # urgent or crisis: the team is alerted
    return referral


def list_referrals(session: Session) -> list[Referral]:
    """Every referral, newest first."""
    query = sa.select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    return list(session.execute(query).scalars())


# The referral's columns that go out as they are (JSON-ready already).
_PLAIN_COLUMNS = (
    "reference", "status", "level", "urgency", "channel", "conversation_id", "summary", "town",
    "risk", "plan", "snomed_code", "outcome",
)  # fmt: skip


def referral_as_dict(referral: Referral) -> dict[str, Any]:
    """The referral as plain JSON-ready data, its phone number as people read one."""
    return {
        **{name: getattr(referral, name) for name in _PLAIN_COLUMNS},
        "created_at": referral.created_at.isoformat(timespec="seconds") + "Z",
        "suggested_groups": referral.suggested_groups or [],
        "contact": {
            "name": referral.contact_name,
            "method": referral.contact_method,
            "detail": _shown(referral.contact_detail),
            "time": referral.contact_time,
        },
    }


def _shown(detail: str | None) -> str | None:
    """A contact detail as people read it (a phone number in the national form)."""
    return phone_for_display(detail) if detail else detail


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
                "contact_detail": _shown(r.contact_detail),
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


ERASED_SUMMARY = "Personal details deleted at the resident's request."
ERASED_ID_PREFIX = "erased-"
NUMBER_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{6,}$")


def erased_id(conversation_id: str) -> str:
    """The id the rows kept for the record carry after erasure: the same opaque id, or, when
    the id is itself a phone number or email address (older SMS conversations, a REST sender),
    a new one that links the erased referral to its flags but to no one."""
    if NUMBER_PATTERN.match(conversation_id.strip()) or "@" in conversation_id:
        return ERASED_ID_PREFIX + secrets.token_hex(8)
    return conversation_id


def phone_numbers_of(
    conversation_id: str, referrals: list[Referral], linked: str | None
) -> set[str]:
    """The resident's phone numbers as the SMS tables hold them (E.164)."""
    found = {linked} if linked else set()
    candidates = [conversation_id] + [r.contact_detail or "" for r in referrals]
    for text in candidates:
        if NUMBER_PATTERN.match(text.strip()):
            found |= {text.strip(), phone_e164(text) or text.strip()}
    return found


def erase_referral(session: Session, referral: Referral, now: datetime, by: str) -> None:
    """Blank one referral's personal details and what link workers wrote about it; its
    reference, level, urgency, status, outcome, town, groups and dates stay for the council's
    counts, with erased_at saying the rest was erased."""
    referral.contact_name = None
    referral.contact_detail = None
    referral.contact_time = None
    referral.what_matters = None
    referral.plan = None
    referral.summary = ERASED_SUMMARY
    referral.erased_at = now
    referral.history.append(
        StatusChange(status=referral.status, changed_by=by, note="Personal details deleted")
    )
    erase_work_of(session, referral)
    erase_caseload_of(session, referral)
    erase_links_of(session, referral)
    audit_erasure(session, by, referral, "personal details deleted")


def erase_personal_data(session: Session, conversation_id: str, by: str = "resident") -> int:
    """Erase everything kept about the person in this conversation: the referrals' details and
    link workers' notes, the words that raised safety flags, consent (withdrawn), the SMS rows
    of their number and which number the conversation id belongs to. Every row that stays for
    the record gets a new, meaningless conversation id. Returns how many referrals were erased.
    (The conversation's own events go from Rasa's tracker store.)"""
    now = utcnow()
    new_id = erased_id(conversation_id)
    referrals = _referrals_of(session, conversation_id)
    numbers = phone_numbers_of(
        conversation_id, referrals, number_for_conversation(session, conversation_id)
    )
    for referral in referrals:
        erase_referral(session, referral, now, by)
    if not referrals:
        audit_erasure(session, by, None, "conversation erased (no referral)")
    erase_flags_of(session, conversation_id, new_id)
    rekey_wellbeing(session, conversation_id, new_id)
    session.execute(
        sa.update(Consent)
        .where(Consent.conversation_id == conversation_id)
        .values(
            withdrawn_at=sa.func.coalesce(Consent.withdrawn_at, now),
            conversation_id=new_id,
            erased_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(Referral)
        .where(Referral.conversation_id == conversation_id)
        .values(conversation_id=new_id)
        .execution_options(synchronize_session=False)
    )
    for number in numbers:
        erase_number(session, number)
    forget_conversation(session, conversation_id)
    forget_presence(session, conversation_id)
    return len(referrals)
