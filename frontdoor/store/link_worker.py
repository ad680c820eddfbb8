"""What link workers do to referrals: queue, claim, hold the chat, note, close, audit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Case

from frontdoor.contact import is_email
from frontdoor.store.casework import (
    OUTCOMES,
    ROLES,
    AuditEvent,
    LinkWorker,
    Note,
    Outcome,
    ReferralWork,
)
from frontdoor.store.db import rows_changed
from frontdoor.store.models import (
    REFERRAL_STATUSES,
    SNOMED_DECLINED,
    SNOMED_REFERRAL,
    Referral,
    StatusChange,
    utcnow,
)
from frontdoor.working_days import add_working_days

LOCAL = ZoneInfo("Europe/London")
URGENCY_ORDER: Case[sa.Integer] = sa.case(
    (Referral.urgency == "crisis", 0), (Referral.urgency == "urgent", 1), else_=2
)
SNOMED_PATTERN = re.compile(r"^[1-9][0-9]{5,17}$")
ROUTINE_WORKING_DAYS = 2


class WorkError(ValueError):
    """The action is not allowed for this referral or this person now."""


class Conflict(WorkError):
    """Someone else got there first (claimed it, holds the chat)."""


# Accounts


def create_link_worker(
    session: Session, name: str, email: str, role: str, password_hash: str
) -> LinkWorker:
    """A new console account; the email is the login and must be unused."""
    email = email.strip().lower()
    name = name.strip()
    if not name or len(name) > 120:
        raise WorkError("a name of 1 to 120 characters is needed")
    if not is_email(email) or len(email) > 120:
        raise WorkError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise WorkError(f"role must be one of {', '.join(ROLES)}")
    if worker_by_email(session, email) is not None:
        raise WorkError(f"there is already an account for {email}")
    worker = LinkWorker(
        name=name,
        email=email,
        role=role,
        password_hash=password_hash,
        active=True,
        failed_logins=0,
    )
    session.add(worker)
    session.flush()
    return worker


def worker_by_email(session: Session, email: str) -> LinkWorker | None:
    query = sa.select(LinkWorker).where(LinkWorker.email == email.strip().lower())
    return session.execute(query).scalar_one_or_none()


def holder_name(referral: Referral) -> str:
    """The name of the link worker holding a referral, as staff know them (their email only if
    the account is gone)."""
    email = referral.claimed_by or ""
    session = sa.orm.object_session(referral)
    if not email or not isinstance(session, Session):
        return email
    worker = worker_by_email(session, email)
    return worker.name if worker is not None else email


def worker_names(session: Session) -> dict[str, str]:
    """Every account's name by its email, closed accounts too: to show people by name."""
    query = sa.select(LinkWorker.email, LinkWorker.name)
    return {email: name for email, name in session.execute(query)}


def list_workers(session: Session) -> list[LinkWorker]:
    query = sa.select(LinkWorker).where(LinkWorker.active.is_(True)).order_by(LinkWorker.name)
    return list(session.execute(query).scalars())


# The service's promise: urgent the same day, routine within 2 working days (bank
# holidays are not working days: frontdoor/working_days.py).


def due_by(created_at: datetime, urgency: str) -> datetime:
    """When first contact is due (UTC, naive): end of the same day or 2 working days later."""
    local = created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL).date()
    if urgency == "routine":
        local = add_working_days(local, ROUTINE_WORKING_DAYS)
    end = datetime.combine(local, time(23, 59, 59), tzinfo=LOCAL)
    return end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@dataclass(frozen=True)
class Wait:
    """How long a referral has waited for first contact, against the promise."""

    waited: timedelta
    due_at: datetime
    contacted: bool
    overdue: bool

    @property
    def waited_text(self) -> str:
        return duration_text(self.waited)

    @property
    def promise_text(self) -> str:
        if self.contacted:
            return "contacted within promise" if not self.overdue else "contacted late"
        left = self.due_at - utcnow()
        if left.total_seconds() < 0:
            return f"overdue by {duration_text(-left)}"
        return f"due in {duration_text(left)}"


def wait_for(referral: Referral, work: ReferralWork | None, now: datetime | None = None) -> Wait:
    now = now or utcnow()
    due = due_by(referral.created_at, referral.urgency)
    contacted_at = work.first_contact_at if work else None
    end = contacted_at or referral.closed_at or now
    return Wait(
        waited=end - referral.created_at,
        due_at=due,
        contacted=contacted_at is not None,
        overdue=(contacted_at or now) > due,
    )


def duration_text(delta: timedelta) -> str:
    """3 days 4 hours, 2 hours 5 minutes, 7 minutes."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)}"
    if hours:
        return f"{hours} hour{'s' * (hours != 1)} {minutes} minute{'s' * (minutes != 1)}"
    return f"{minutes} minute{'s' * (minutes != 1)}"


# The queue


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = "new"  # None or "open" for everything not closed, "all" for all
    level: int | None = None
    channel: str | None = None
    town: str | None = None
    claimed_by: str | None = None


def queue(session: Session, wanted: QueueFilter | None = None) -> list[tuple[Referral, Wait]]:
    """Referrals to pick up: crisis and urgent first, then oldest first."""
    wanted = wanted or QueueFilter()
    query = sa.select(Referral, ReferralWork).outerjoin(
        ReferralWork, ReferralWork.referral_id == Referral.id
    )
    if wanted.status in REFERRAL_STATUSES:
        query = query.where(Referral.status == wanted.status)
    elif wanted.status in (None, "open"):
        query = query.where(Referral.status != "closed")
    if wanted.level is not None:
        query = query.where(Referral.level == wanted.level)
    if wanted.channel:
        query = query.where(Referral.channel == wanted.channel)
    if wanted.town:
        query = query.where(sa.func.lower(Referral.town) == wanted.town.strip().lower())
    if wanted.claimed_by:
        query = query.where(Referral.claimed_by == wanted.claimed_by)
    query = query.order_by(URGENCY_ORDER, Referral.created_at, Referral.id)
    now = utcnow()
    return [(referral, wait_for(referral, work, now)) for referral, work in session.execute(query)]


def queue_choices(session: Session) -> dict[str, list[str]]:
    """The channels and towns that referrals have, for the queue's filters."""
    channels = session.execute(sa.select(Referral.channel).distinct().order_by(Referral.channel))
    towns = session.execute(
        sa.select(Referral.town)
        .where(Referral.town.is_not(None))
        .distinct()
        .order_by(Referral.town)
    )
    return {"channels": list(channels.scalars()), "towns": list(towns.scalars())}


def referral_by_reference(session: Session, reference: str) -> Referral | None:
    query = sa.select(Referral).where(Referral.reference == reference.strip().upper())
    return session.execute(query).scalar_one_or_none()


def work_for(session: Session, referral: Referral) -> ReferralWork:
    """The referral's handling record, created when first needed."""
    work = session.get(ReferralWork, referral.id)
    if work is None:
        work = ReferralWork(referral_id=referral.id)
        session.add(work)
        session.flush()
    return work


# Claim, release, reassign


def _history(referral: Referral, status: str, by: LinkWorker, note: str | None = None) -> None:
    referral.history.append(StatusChange(status=status, changed_by=by.email, note=note))


def claim(session: Session, referral: Referral, worker: LinkWorker) -> None:
    """Take a new referral; exactly one of two link workers claiming at once gets it."""
    now = utcnow()
    claimed = rows_changed(
        session,
        sa.update(Referral)
        .where(
            Referral.id == referral.id,
            Referral.claimed_by.is_(None),
            Referral.status == "new",
        )
        .values(claimed_by=worker.email, status="claimed", updated_at=now)
        .execution_options(synchronize_session=False),
    )
    if claimed != 1:
        session.refresh(referral)
        if referral.status == "closed":
            raise WorkError(f"{referral.reference} is closed")
        raise Conflict(f"{referral.reference} has already been claimed by {holder_name(referral)}")
    session.refresh(referral)
    work_for(session, referral).claimed_at = now
    _history(referral, "claimed", worker)
    audit(session, worker, "claim", referral)


def require_holder(referral: Referral, worker: LinkWorker) -> None:
    """Only the link worker who claimed it, or a manager, may work on a referral."""
    if referral.status == "closed":
        raise WorkError(f"{referral.reference} is closed")
    if referral.claimed_by is None:
        raise WorkError(f"{referral.reference} has not been claimed")
    if referral.claimed_by != worker.email and not worker.is_manager:
        raise Conflict(f"{referral.reference} is claimed by {holder_name(referral)}")


def release(session: Session, referral: Referral, worker: LinkWorker) -> None:
    """Put a claimed referral back in the queue."""
    require_holder(referral, worker)
    work = work_for(session, referral)
    if work.chat_held_by:
        raise WorkError("hand the conversation back to the assistant first")
    referral.claimed_by = None
    referral.status = "new"
    work.claimed_at = None
    _history(referral, "new", worker, "released")
    audit(session, worker, "release", referral)


def reassign(session: Session, referral: Referral, manager: LinkWorker, to: LinkWorker) -> None:
    """A manager gives a referral to another link worker."""
    if not manager.is_manager:
        raise WorkError("only a manager can reassign a referral")
    if referral.status == "closed":
        raise WorkError(f"{referral.reference} is closed")
    if not to.active:
        raise WorkError(f"{to.name} has no active account")
    work = work_for(session, referral)
    if work.chat_held_by and work.chat_held_by != to.email:
        raise WorkError("hand the conversation back to the assistant first")
    referral.claimed_by = to.email
    if referral.status == "new":
        referral.status = "claimed"
    work.claimed_at = work.claimed_at or utcnow()
    _history(referral, referral.status, manager, f"reassigned to {to.email}")
    audit(session, manager, "reassign", referral, f"to {to.email}")


def _contacted(session: Session, referral: Referral, worker: LinkWorker, how: str) -> None:
    require_holder(referral, worker)
    work = work_for(session, referral)
    if work.first_contact_at is None:
        work.first_contact_at = utcnow()
    if referral.status == "claimed":
        referral.status = "in_progress"
        _history(referral, "in_progress", worker, f"contacted by {how}")


def record_contact(
    session: Session, referral: Referral, worker: LinkWorker, how: str, note: str = ""
) -> None:
    """The link worker reached the resident (by phone, text, email or chat)."""
    _contacted(session, referral, worker, how)
    audit(session, worker, "contact", referral, how + (f": {note}" if note else ""))


# Holding the conversation


def take_over_chat(session: Session, referral: Referral, worker: LinkWorker) -> None:
    """Mark the chat as held by this link worker; only one person holds it at a time."""
    require_holder(referral, worker)
    holder = work_for(session, referral)
    taken = rows_changed(
        session,
        sa.update(ReferralWork)
        .where(ReferralWork.referral_id == referral.id, ReferralWork.chat_held_by.is_(None))
        .values(chat_held_by=worker.email, chat_held_since=utcnow())
        .execution_options(synchronize_session=False),
    )
    if taken != 1:
        session.refresh(holder)
        if holder.chat_held_by == worker.email:
            return
        raise Conflict(f"{holder.chat_held_by} is already talking to the resident")
    session.refresh(work_for(session, referral))
    audit(session, worker, "take_over", referral)


def require_chat_holder(session: Session, referral: Referral, worker: LinkWorker) -> None:
    work = work_for(session, referral)
    if work.chat_held_by != worker.email:
        raise WorkError("take over the conversation before writing to the resident")


def chat_replied(session: Session, referral: Referral, worker: LinkWorker, text: str) -> None:
    """A message went to the resident: first contact if it is the first."""
    _contacted(session, referral, worker, "chat")
    audit(session, worker, "reply", referral, f"{len(text)} characters")


def undo_take_over(session: Session, referral: Referral, worker: LinkWorker) -> None:
    """The assistant could not be paused: the link worker does not hold the chat after all."""
    work = work_for(session, referral)
    if work.chat_held_by == worker.email:
        work.chat_held_by = None
        work.chat_held_since = None
        audit(session, worker, "take_over_failed", referral, "the assistant could not be reached")


def require_can_hand_back(session: Session, referral: Referral, worker: LinkWorker) -> None:
    work = work_for(session, referral)
    if work.chat_held_by is None:
        raise WorkError("the assistant already holds the conversation")
    if work.chat_held_by != worker.email and not worker.is_manager:
        raise Conflict(f"{work.chat_held_by} holds the conversation")


def hand_back_chat(session: Session, referral: Referral, worker: LinkWorker) -> None:
    """The assistant answers the resident again."""
    require_can_hand_back(session, referral, worker)
    work = work_for(session, referral)
    work.chat_held_by = None
    work.chat_held_since = None
    audit(session, worker, "hand_back", referral)


# Notes and closing


def require_note_writer(referral: Referral, worker: LinkWorker) -> None:
    """Only the link worker who claimed a referral, or a manager, may add notes to it."""
    if worker.is_manager or (referral.claimed_by and referral.claimed_by == worker.email):
        return
    if referral.claimed_by is None:
        raise WorkError(f"claim {referral.reference} before adding a note")
    raise Conflict(
        f"{referral.reference} is claimed by {holder_name(referral)}: "
        "only they or a manager can add notes"
    )


def add_note(session: Session, referral: Referral, worker: LinkWorker, text: str) -> Note:
    """A note on the referral, by the link worker who claimed it or a manager."""
    require_note_writer(referral, worker)
    text = text.strip()
    if not text:
        raise WorkError("the note is empty")
    note = Note(referral_id=referral.id, author_id=worker.id, text=text)
    session.add(note)
    audit(session, worker, "note", referral)
    session.flush()
    return note


def notes_for(session: Session, referral: Referral) -> list[Note]:
    query = sa.select(Note).where(Note.referral_id == referral.id).order_by(Note.id)
    return list(session.execute(query).scalars())


def default_snomed(outcome: str) -> str:
    return SNOMED_DECLINED if outcome == "declined" else SNOMED_REFERRAL


def close(
    session: Session,
    referral: Referral,
    worker: LinkWorker,
    outcome: str,
    groups_joined: list[str] | None = None,
    snomed_code: str | None = None,
    note: str | None = None,
) -> Outcome:
    """Close a referral with its outcome and the SNOMED CT code for the record."""
    require_holder(referral, worker)
    if outcome not in OUTCOMES:
        raise WorkError(f"outcome must be one of {', '.join(OUTCOMES)}")
    code = (snomed_code or "").strip() or default_snomed(outcome)
    if not SNOMED_PATTERN.match(code):
        raise WorkError(f"{code!r} is not a SNOMED CT code (6 to 18 digits)")
    work = work_for(session, referral)
    if work.chat_held_by:
        raise WorkError("hand the conversation back to the assistant first")
    now = utcnow()
    groups = [g.strip() for g in groups_joined or [] if g and g.strip()]
    result = Outcome(
        referral_id=referral.id,
        outcome=outcome,
        groups_joined=groups,
        snomed_code=code,
        note=(note or "").strip() or None,
        closed_by_id=worker.id,
        closed_at=now,
    )
    session.add(result)
    referral.status = "closed"
    referral.outcome = outcome
    referral.closed_at = now
    referral.snomed_code = code
    _history(referral, "closed", worker, outcome)
    audit(session, worker, "close", referral, f"{outcome}, SNOMED CT {code}")
    session.flush()
    return result


def outcome_for(session: Session, referral: Referral) -> Outcome | None:
    query = sa.select(Outcome).where(Outcome.referral_id == referral.id)
    return session.execute(query).scalar_one_or_none()


# Audit


def audit(
    session: Session,
    worker: LinkWorker | None,
    action: str,
    referral: Referral | None = None,
    detail: str | None = None,
) -> None:
    """Keep who did what to which referral, and when."""
    session.add(
        AuditEvent(
            link_worker_id=worker.id if worker else None,
            actor=worker.email if worker else "anonymous",
            action=action,
            referral_id=referral.id if referral else None,
            reference=referral.reference if referral else None,
            detail=detail,
        )
    )


def audit_trail(
    session: Session, reference: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if reference:
        query = query.where(AuditEvent.reference == reference.strip().upper())
    return list(session.execute(query).scalars())


def history_of(referral: Referral) -> list[dict[str, Any]]:
    return [
        {"status": h.status, "at": h.changed_at, "by": h.changed_by, "note": h.note}
        for h in referral.history
    ]


# Erasure

NOTE_ERASED = "(deleted with the resident's personal details)"
AUDIT_DETAIL_KEPT = ("claim", "release", "reassign", "reply", "close", "urgency")


def erase_work_of(session: Session, referral: Referral) -> None:
    """Blank what link workers wrote about a resident: notes, the outcome's note, free text in
    the audit trail, and any chat still held; who did what and when stays."""
    session.execute(sa.update(Note).where(Note.referral_id == referral.id).values(text=NOTE_ERASED))
    session.execute(sa.update(Outcome).where(Outcome.referral_id == referral.id).values(note=None))
    session.execute(
        sa.update(AuditEvent)
        .where(
            AuditEvent.referral_id == referral.id,
            AuditEvent.action.not_in(AUDIT_DETAIL_KEPT),
            ~AuditEvent.action.like("risk_%"),
        )
        .values(detail=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(ReferralWork)
        .where(ReferralWork.referral_id == referral.id)
        .values(chat_held_by=None, chat_held_since=None)
    )
    for change in referral.history:  # a risk review's note is copied into the history
        if change.note and change.note.startswith("Risk flag") and ": " in change.note:
            change.note = change.note.split(": ", 1)[0]


def audit_erasure(session: Session, actor: str, referral: Referral | None, detail: str) -> None:
    """Record that an erasure happened (who asked, which referral), never what was erased."""
    session.add(
        AuditEvent(
            link_worker_id=None,
            actor=actor,
            action="erase",
            referral_id=referral.id if referral else None,
            reference=referral.reference if referral else None,
            detail=detail,
        )
    )
