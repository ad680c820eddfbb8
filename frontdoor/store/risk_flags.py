"""Safety flags: what the safety net found in a conversation, and a link worker's review of it.

A link worker who holds the referral (or a manager) confirms a flag or clears it, with an
optional note. Flags are never deleted: a cleared flag stays in the table, the audit trail and
the referral's history, and can be confirmed again.

Clearing the last uncleared flag of a conversation drops the urgency the flags caused: each
open referral of that conversation at "crisis" goes back to "urgent" (the resident still asked
for contact) and loses its risk. Confirming a flag again undoes that: an open referral at
"urgent" with no risk, which only clearing leaves behind, is "crisis" again with the flag's
category as its risk.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.casework import LinkWorker
from frontdoor.store.db import rows_changed
from frontdoor.store.link_worker import WorkError, audit, require_holder
from frontdoor.store.models import Referral, RiskEvent, StatusChange, utcnow

CATEGORY_LABELS = {
    "danger_now": "Danger now (overdose taken or in a dangerous place)",
    "self_harm": "Self-harm or suicide",
    "someone_else": "Someone else at risk",
    "domestic_abuse": "Domestic abuse",
    "child_abuse": "Child abuse",
    "adult_at_risk": "Adult at risk",
    "medical": "Medical emergency",
    "harm_to_others": "Harm to others",
}
SOURCE_LABELS = {"lexicon": "Word list", "model": "Risk model", "both": "Both"}
STATUS_LABELS = {"open": "Open", "confirmed": "Confirmed", "cleared": "Cleared"}
DECISIONS = {"confirm": "confirmed", "clear": "cleared"}
NOTE_LENGTH = 1000
_IN_CHUNK = 500  # conversation ids per query: SQLite limits bound parameters


def category_label(category: str | None) -> str:
    """A category in words; one we do not know (older rows) is shown as it is."""
    return CATEGORY_LABELS.get(category or "", category or "Not recorded")


def source_label(source: str | None) -> str:
    return SOURCE_LABELS.get(source or "", source or "Not recorded")


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "Open")


# Reading


def flags_of(session: Session, conversation_id: str) -> list[RiskEvent]:
    """Every flag of a conversation, newest first, cleared ones included."""
    query = (
        sa.select(RiskEvent)
        .where(RiskEvent.conversation_id == conversation_id)
        .order_by(RiskEvent.created_at.desc(), RiskEvent.id.desc())
    )
    return list(session.execute(query).scalars())


def flags_for(session: Session, referral: Referral) -> list[RiskEvent]:
    """The flags of the referral's conversation, newest first."""
    return flags_of(session, referral.conversation_id)


def flag_of(session: Session, referral: Referral, flag_id: int) -> RiskEvent | None:
    """One flag, only if it belongs to the referral's conversation."""
    flag = session.get(RiskEvent, flag_id)
    if flag is None or flag.conversation_id != referral.conversation_id:
        return None
    return flag


def uncleared_categories(session: Session, conversation_ids: Iterable[str]) -> dict[str, list[str]]:
    """The categories of each conversation's open or confirmed flags, newest first."""
    ids = sorted(set(conversation_ids))
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        query = (
            sa.select(RiskEvent.conversation_id, RiskEvent.category)
            .where(
                RiskEvent.conversation_id.in_(ids[start : start + _IN_CHUNK]),
                RiskEvent.status != "cleared",
            )
            .order_by(RiskEvent.created_at.desc(), RiskEvent.id.desc())
        )
        for conversation_id, category in session.execute(query):
            categories = found.setdefault(conversation_id, [])
            if category not in categories:
                categories.append(category)
    return found


def _uncleared_count(session: Session, conversation_id: str) -> int:
    query = sa.select(sa.func.count(RiskEvent.id)).where(
        RiskEvent.conversation_id == conversation_id, RiskEvent.status != "cleared"
    )
    return int(session.execute(query).scalar_one())


def _open_referrals(session: Session, conversation_id: str) -> list[Referral]:
    query = sa.select(Referral).where(
        Referral.conversation_id == conversation_id, Referral.status != "closed"
    )
    return list(session.execute(query).scalars())


# Reviewing


def review(
    session: Session,
    referral: Referral,
    flag: RiskEvent,
    worker: LinkWorker,
    decision: str,
    note: str | None = None,
) -> RiskEvent:
    """Confirm or clear one flag of the referral's conversation, and say so in the records."""
    require_holder(referral, worker)
    status = _allowed(referral, flag, decision)
    note = (note or "").strip()[:NOTE_LENGTH] or None
    flag.status = status
    flag.reviewed_by = worker.email
    flag.reviewed_at = utcnow()
    flag.review_note = note
    audit(session, worker, f"risk_{decision}", referral, f"flag {flag.id}, {flag.category}")
    said = f"Risk flag {flag.id} ({category_label(flag.category)}) {status}"
    _history(referral, worker, said + (f": {note}" if note else ""))
    session.flush()
    if status == "cleared":
        _lower_if_none_left(session, flag, worker)
    else:
        _raise_again(session, flag, worker)
    session.flush()
    return flag


def _allowed(referral: Referral, flag: RiskEvent, decision: str) -> str:
    """The flag's new status, if this decision is allowed for it."""
    if flag.conversation_id != referral.conversation_id:
        raise WorkError(f"risk flag {flag.id} is not from {referral.reference}'s conversation")
    if decision not in DECISIONS:
        raise WorkError("decide to confirm or to clear the risk flag")
    if decision == "clear" and flag.status == "cleared":
        raise WorkError(f"risk flag {flag.id} has already been cleared")
    return DECISIONS[decision]


def _history(referral: Referral, worker: LinkWorker, note: str) -> None:
    referral.history.append(
        StatusChange(status=referral.status, changed_by=worker.email, note=note)
    )


def _lower_if_none_left(session: Session, flag: RiskEvent, worker: LinkWorker) -> None:
    """No uncleared flag left: crisis referrals of the conversation go back to urgent."""
    if _uncleared_count(session, flag.conversation_id):
        return
    for referral in _open_referrals(session, flag.conversation_id):
        if referral.urgency == "crisis":
            referral.urgency = "urgent"
            referral.risk = None
            _history(referral, worker, "Urgency crisis to urgent: every risk flag was cleared")
            audit(session, worker, "urgency", referral, "crisis to urgent")


def _raise_again(session: Session, flag: RiskEvent, worker: LinkWorker) -> None:
    """A confirmed flag undoes the lowering: those referrals are crisis again, with its risk."""
    for referral in _open_referrals(session, flag.conversation_id):
        if referral.urgency == "urgent" and referral.risk is None:
            referral.urgency = "crisis"
            referral.risk = flag.category
            _history(referral, worker, f"Urgency urgent to crisis: risk flag {flag.id} confirmed")
            audit(session, worker, "urgency", referral, "urgent to crisis")


def erase_flags_of(session: Session, conversation_id: str, erased_id: str) -> int:
    """Blank a conversation's flags: the words, the reviewer's note and the conversation id
    (now erased_id); the category, source, status and dates stay for the safeguarding record.
    Returns how many flags were erased."""
    return rows_changed(
        session,
        sa.update(RiskEvent)
        .where(RiskEvent.conversation_id == conversation_id)
        .values(words=None, review_note=None, conversation_id=erased_id, erased_at=utcnow())
        .execution_options(synchronize_session=False),
    )
