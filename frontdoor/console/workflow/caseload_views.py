"""The caseload's rows as the console shows them: contacts, tasks, open cases, groups."""

from __future__ import annotations

from datetime import date

from frontdoor.console import caseload_schemas as case
from frontdoor.console.local_time import day_text, local_time, to_local
from frontdoor.console.workflow.views import contact_by, iso
from frontdoor.directory.search import GroupCard
from frontdoor.store import caseload as store
from frontdoor.store.models import CaseContact, CaseTask

FIRST_CONTACT = "Make first contact"
NO_NEXT_STEP = "No next step set"

Names = dict[int, str]  # link workers' names by their id


def contact_line(contact: CaseContact, names: Names) -> case.ContactLogLine:
    how = _contact_way(contact.how)
    return case.ContactLogLine(
        id=contact.id,
        at=iso(contact.happened_at),
        at_text=local_time(contact.happened_at),
        how=how,
        how_label=case.CONTACT_WAY_LABELS[how],
        minutes=contact.minutes,
        what_happened=contact.what_happened,
        by=names.get(contact.link_worker_id, "a former colleague"),
        automatic=contact.automatic,
    )


def _contact_way(how: str) -> case.ContactWay:
    """A stored way of contact as one of the few the table allows (the database checks it)."""
    for way in case.CONTACT_WAY_LABELS:
        if way == how:
            return way
    raise ValueError(f"{how!r} is not a way of contact")


def task_line(task: CaseTask, names: Names, today: date) -> case.TaskLine:
    to_do = task.done_at is None
    return case.TaskLine(
        id=task.id,
        what=task.what,
        due_on=task.due_on,
        due_text=day_text(task.due_on, today),
        due=to_do and task.due_on <= today,
        overdue=to_do and task.due_on < today,
        done=not to_do,
        done_at=iso(task.done_at),
        done_by=names.get(task.done_by_id) if task.done_by_id else None,
        set_by=names.get(task.created_by_id, "a former colleague"),
    )


def case_record(
    reference: str,
    contacts: list[CaseContact],
    tasks: list[CaseTask],
    names: Names,
    today: date,
) -> case.CaseRecord:
    lines = [task_line(task, names, today) for task in tasks]
    return case.CaseRecord(
        reference=reference,
        contacts=[contact_line(contact, names) for contact in contacts],
        contact_count=len(contacts),
        minutes_total=sum(contact.minutes for contact in contacts),
        tasks=lines,
        tasks_due=sum(line.due for line in lines),
        today=today,
    )


def next_step(found: store.Case, today: date) -> case.NextStep:
    """The next task; else first contact while there has been none; else nothing set."""
    task = found.next_task
    if task is not None:
        return _step(task.what, task.due_on, today)
    if not found.wait.contacted:
        step = _step(FIRST_CONTACT, to_local(found.wait.due_at).date(), today)
        return step.copy(
            update={"overdue": found.wait.overdue, "due": step.due or found.wait.overdue}
        )
    return case.NextStep(what=NO_NEXT_STEP, due_on=None, due_text="", due=False, overdue=False)


def _step(what: str, due_on: date, today: date) -> case.NextStep:
    return case.NextStep(
        what=what,
        due_on=due_on,
        due_text=day_text(due_on, today),
        due=due_on <= today,
        overdue=due_on < today,
    )


def caseload_item(found: store.Case, today: date) -> case.CaseloadItem:
    referral, totals = found.referral, found.totals
    return case.CaseloadItem(
        reference=referral.reference,
        contact_name=referral.contact_name,
        contact_by=contact_by(referral.contact_method),
        urgency=referral.urgency,
        level=referral.level,
        status=referral.status,
        next_step=next_step(found, today),
        tasks_due=found.tasks_due,
        contacts=totals.contacts,
        minutes=totals.minutes,
        last_contact_at=iso(totals.last_at),
        last_contact_text=local_time(totals.last_at) if totals.last_at else "None yet",
    )


def group_choice(card: GroupCard, suggested: bool) -> case.GroupChoice:
    return case.GroupChoice(
        id=card["id"],
        name=card["name"],
        summary=card["summary"],
        when=card["when"],
        where=card["where"],
        cost=card["cost"],
        contact=card["contact"],
        website=card["website"],
        suggested=suggested,
    )
