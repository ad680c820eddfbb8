"""A link worker's caseload: the contacts with each resident they log, the follow-up tasks they
set, and the figures the report counts from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store import link_worker as work
from frontdoor.store.casework import LinkWorker
from frontdoor.store.db import rows_changed
from frontdoor.store.models import (
    CONTACT_MINUTES_MAX,
    CONTACT_WAYS,
    TASK_LENGTH,
    CaseContact,
    CaseTask,
    Referral,
    utcnow,
)

CLOCK_SLACK = timedelta(minutes=5)  # a contact "now" on a clock a little ahead is not future
# How each way of contact reads in the audit trail and the status history.
CONTACT_WAY_WORDS = {
    "phone": "phone",
    "sms": "text",
    "email": "email",
    "web_chat": "chat",
    "in_person": "in person",
    "letter": "letter",
}


def local_today(now: datetime | None = None) -> date:
    """Today's date in the UK (a stored moment is UTC)."""
    return (now or utcnow()).replace(tzinfo=UTC).astimezone(work.LOCAL).date()


def names_by_id(session: Session) -> dict[int, str]:
    """Every account's name by its id, closed accounts too."""
    return {key: name for key, name in session.execute(sa.select(LinkWorker.id, LinkWorker.name))}


# The contact log


def log_contact(
    session: Session,
    referral: Referral,
    worker: LinkWorker,
    how: str,
    minutes: int,
    what_happened: str,
    happened_at: datetime | None = None,
    automatic: bool = False,
) -> CaseContact:
    """Log one contact with the resident (happened_at is UTC, naive; None for now). The first
    contact logged stops the promise's clock at the moment it happened."""
    work.require_holder(referral, worker)
    now = utcnow()
    when = happened_at or now
    _check_contact(referral, how, minutes, when, now)
    contact = CaseContact(
        referral_id=referral.id,
        link_worker_id=worker.id,
        happened_at=when,
        how=how,
        minutes=minutes,
        what_happened=what_happened.strip(),
        automatic=automatic,
    )
    session.add(contact)
    work.record_contact(session, referral, worker, CONTACT_WAY_WORDS[how])
    handling = work.work_for(session, referral)
    if handling.first_contact_at is None or handling.first_contact_at > when:
        handling.first_contact_at = when
    session.flush()
    return contact


def _check_contact(
    referral: Referral, how: str, minutes: int, when: datetime, now: datetime
) -> None:
    if how not in CONTACT_WAYS:
        raise work.WorkError(f"the way of contact must be one of {', '.join(CONTACT_WAYS)}")
    if not 0 <= minutes <= CONTACT_MINUTES_MAX:
        raise work.WorkError(f"the minutes must be from 0 to {CONTACT_MINUTES_MAX}")
    if when > now + CLOCK_SLACK:
        raise work.WorkError("the contact cannot be in the future: check the date and time")
    if when < referral.created_at - CLOCK_SLACK:
        raise work.WorkError(
            "the contact cannot be before the referral was made: check the date and time"
        )


def contacts_for(session: Session, referral: Referral) -> list[CaseContact]:
    """The referral's contacts, the latest first."""
    query = (
        sa.select(CaseContact)
        .where(CaseContact.referral_id == referral.id)
        .order_by(CaseContact.happened_at.desc(), CaseContact.id.desc())
    )
    return list(session.execute(query).scalars())


# Follow-up tasks


def add_task(
    session: Session,
    referral: Referral,
    worker: LinkWorker,
    what: str,
    due_on: date,
    today: date | None = None,
) -> CaseTask:
    """A follow-up to do by a day (today or later, UK time)."""
    work.require_holder(referral, worker)
    what = what.strip()
    if not what or len(what) > TASK_LENGTH:
        raise work.WorkError(f"say what needs doing in 1 to {TASK_LENGTH} characters")
    if due_on < (today or local_today()):
        raise work.WorkError("the due date is in the past: choose today or a later day")
    task = CaseTask(referral_id=referral.id, what=what, due_on=due_on, created_by_id=worker.id)
    session.add(task)
    work.audit(session, worker, "task", referral, f"due {due_on.isoformat()}")
    session.flush()
    return task


def task_of(session: Session, referral: Referral, task_id: int) -> CaseTask | None:
    """One of the referral's tasks; None when it has no task of that id."""
    task = session.get(CaseTask, task_id)
    return task if task is not None and task.referral_id == referral.id else None


def complete_task(session: Session, referral: Referral, worker: LinkWorker, task: CaseTask) -> None:
    """Tick a task off; of two people ticking it at once, one does (the other is told)."""
    work.require_holder(referral, worker)
    done = rows_changed(
        session,
        sa.update(CaseTask)
        .where(CaseTask.id == task.id, CaseTask.done_at.is_(None))
        .values(done_at=utcnow(), done_by_id=worker.id)
        .execution_options(synchronize_session=False),
    )
    session.refresh(task)
    if done != 1:
        raise work.Conflict("this task is already done")
    work.audit(session, worker, "task_done", referral, f"task {task.id}")


def tasks_for(session: Session, referral: Referral) -> list[CaseTask]:
    """The referral's tasks: those to do by due day, then those done, the latest first."""
    query = (
        sa.select(CaseTask)
        .where(CaseTask.referral_id == referral.id)
        .order_by(
            CaseTask.done_at.is_not(None),
            CaseTask.due_on,
            CaseTask.done_at.desc(),
            CaseTask.id,
        )
    )
    return list(session.execute(query).scalars())


# The caseload


@dataclass(frozen=True)
class ContactTotals:
    """How many contacts were logged and the minutes they took."""

    contacts: int = 0
    minutes: int = 0
    last_at: datetime | None = None


@dataclass(frozen=True)
class Case:
    """One of a link worker's open cases, with what it takes next."""

    referral: Referral
    wait: work.Wait
    next_task: CaseTask | None
    tasks_due: int  # to do, due today or before
    totals: ContactTotals


def caseload(session: Session, email: str, today: date | None = None) -> list[Case]:
    """The link worker's own open cases: crisis and urgent first, then the longest waiting."""
    today = today or local_today()
    rows = work.queue(session, work.QueueFilter(status="open", claimed_by=email))
    ids = [referral.id for referral, _ in rows]
    open_tasks = _open_tasks(session, ids)
    totals = contact_totals(session, ids)
    cases = []
    for referral, wait in rows:
        tasks = open_tasks.get(referral.id, [])
        cases.append(
            Case(
                referral=referral,
                wait=wait,
                next_task=tasks[0] if tasks else None,
                tasks_due=sum(task.due_on <= today for task in tasks),
                totals=totals.get(referral.id, ContactTotals()),
            )
        )
    return cases


def _open_tasks(session: Session, referral_ids: list[int]) -> dict[int, list[CaseTask]]:
    """Each referral's tasks still to do, the earliest due first."""
    query = (
        sa.select(CaseTask)
        .where(CaseTask.referral_id.in_(referral_ids), CaseTask.done_at.is_(None))
        .order_by(CaseTask.due_on, CaseTask.id)
    )
    found: dict[int, list[CaseTask]] = {}
    for task in session.execute(query).scalars():
        found.setdefault(task.referral_id, []).append(task)
    return found


def contact_totals(session: Session, referral_ids: list[int]) -> dict[int, ContactTotals]:
    """Each referral's contacts and minutes, and when the latest contact was."""
    query = (
        sa.select(
            CaseContact.referral_id,
            sa.func.count(CaseContact.id),
            sa.func.sum(CaseContact.minutes),
            sa.func.max(CaseContact.happened_at),
        )
        .where(CaseContact.referral_id.in_(referral_ids))
        .group_by(CaseContact.referral_id)
    )
    return {
        referral_id: ContactTotals(int(count), int(minutes or 0), last)
        for referral_id, count, minutes, last in session.execute(query)
    }


def tasks_due_count(session: Session, email: str, today: date | None = None) -> int:
    """How many tasks on the link worker's open cases are due today or overdue."""
    query = (
        sa.select(sa.func.count(CaseTask.id))
        .join(Referral, Referral.id == CaseTask.referral_id)
        .where(
            Referral.claimed_by == email,
            Referral.status != "closed",
            CaseTask.done_at.is_(None),
            CaseTask.due_on <= (today or local_today()),
        )
    )
    return int(session.execute(query).scalar_one())


# The report


@dataclass(frozen=True)
class ContactFigures:
    """Contacts and minutes logged on the referrals made since a moment, and on how many of
    those referrals any contact was logged."""

    contacts: int
    minutes: int
    cases: int


def contact_figures(session: Session, since: datetime) -> ContactFigures:
    """The report's contact figures for the referrals made since `since` (UTC)."""
    query = (
        sa.select(
            sa.func.count(CaseContact.id),
            sa.func.coalesce(sa.func.sum(CaseContact.minutes), 0),
            sa.func.count(sa.distinct(CaseContact.referral_id)),
        )
        .join(Referral, Referral.id == CaseContact.referral_id)
        .where(Referral.created_at >= since)
    )
    contacts, minutes, cases = session.execute(query).one()
    return ContactFigures(int(contacts), int(minutes), int(cases))


# Erasure


def erase_caseload_of(session: Session, referral: Referral) -> None:
    """Blank what link workers wrote in the referral's contact log and tasks; when, how, how
    long and who stay for the report."""
    session.execute(
        sa.update(CaseContact)
        .where(CaseContact.referral_id == referral.id)
        .values(what_happened=work.NOTE_ERASED)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(CaseTask)
        .where(CaseTask.referral_id == referral.id)
        .values(what=work.NOTE_ERASED)
        .execution_options(synchronize_session=False)
    )
