"""A link worker's caseload: their open cases with the next step, the contact log and
follow-up tasks of each, and sending a resident the groups chosen for them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from frontdoor.console import caseload_schemas as case
from frontdoor.console.group_message import EMAIL_SUBJECT, Sender, email_text, sent_note
from frontdoor.console.group_message import sms_bodies as text_bodies
from frontdoor.console.resident_post import PostError, ResidentPost
from frontdoor.console.workflow import caseload_views as views
from frontdoor.console.workflow.desk import Desk, ErrorKind, WorkflowError, find, step
from frontdoor.contact import email_address, phone_e164, uk_mobile
from frontdoor.directory.index import current_index
from frontdoor.directory.search import GroupCard, SearchRequest, search_services, suggestion
from frontdoor.store import caseload as store
from frontdoor.store import link_worker as work
from frontdoor.store.models import Referral

SEARCH_LENGTH = 100
FOUND_AT_MOST = 10
SENT_BY_WORDS = {"sms": "text", "email": "email"}


# Reading


@step
def caseload(desk: Desk) -> case.Caseload:
    """The open cases you claimed, the earliest next step first (then crisis and urgent, then
    the longest waiting): the next step of each and its due day, tasks due today or overdue
    counted, contacts and minutes so far."""
    today = store.local_today()
    cases = store.caseload(desk.session, desk.actor.email, today)
    items = [views.caseload_item(found, today) for found in cases]
    items.sort(key=lambda item: item.next_step.due_on or date.max)
    return case.Caseload(tasks_due=sum(item.tasks_due for item in items), cases=items)


@step
def tasks_due(desk: Desk) -> int:
    """How many tasks on your open cases are due today or overdue (for the header)."""
    return store.tasks_due_count(desk.session, desk.actor.email)


@step
def case_record(desk: Desk, reference: str, audited: bool = True) -> case.CaseRecord:
    """The referral's contact log and tasks (kept in the audit trail unless the page that
    shows them already was)."""
    referral = find(desk.session, reference)
    if audited:
        work.audit(desk.session, desk.worker(), "view_case_record", referral)
    return _record(desk.session, referral)


def _record(session: Session, referral: Referral) -> case.CaseRecord:
    return views.case_record(
        referral.reference,
        store.contacts_for(session, referral),
        store.tasks_for(session, referral),
        store.names_by_id(session),
        store.local_today(),
    )


def _settled(desk: Desk, referral: Referral) -> case.CaseRecord:
    """The contact log and tasks once the step's changes are committed."""
    desk.session.commit()
    return _record(desk.session, referral)


# The contact log and tasks


@step
def log_contact(desk: Desk, reference: str, contact: case.ContactLogIn) -> case.CaseRecord:
    """Log a contact with the resident (the first one stops the promise's clock); only whoever
    claimed the referral, or a manager."""
    referral = find(desk.session, reference)
    store.log_contact(
        desk.session,
        referral,
        desk.worker(),
        contact.how,
        contact.minutes,
        contact.what_happened,
        _as_utc(contact.happened_at),
    )
    return _settled(desk, referral)


def _as_utc(moment: datetime | None) -> datetime | None:
    """A moment as the store keeps it (UTC, naive); one without a zone is UK time."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=work.LOCAL)
    return aware.astimezone(UTC).replace(tzinfo=None)


@step
def add_task(desk: Desk, reference: str, task: case.TaskIn) -> case.CaseRecord:
    """Set a follow-up task, due today or later."""
    referral = find(desk.session, reference)
    store.add_task(desk.session, referral, desk.worker(), task.what, task.due_on)
    return _settled(desk, referral)


@step
def complete_task(desk: Desk, reference: str, done: case.TaskDoneIn) -> case.CaseRecord:
    """Tick a task off; if someone already did, refused as a conflict (409)."""
    referral = find(desk.session, reference)
    task = store.task_of(desk.session, referral, done.task)
    if task is None:
        raise WorkflowError("not_found", f"Referral {referral.reference} has no task {done.task}.")
    store.complete_task(desk.session, referral, desk.worker(), task)
    return _settled(desk, referral)


# Groups for the resident


@step
def group_choices(desk: Desk, reference: str, search: str = "") -> case.GroupChoices:
    """The groups the assistant suggested, and what a search of the directory finds near the
    resident's town, to choose from."""
    referral = find(desk.session, reference)
    words = " ".join(search.split())[:SEARCH_LENGTH]
    suggested_ids = [str(g) for g in referral.suggested_groups or []]
    cards, missing = _cards(desk.session, suggested_ids)
    found = _search(desk.session, words, referral.town) if words else []
    return case.GroupChoices(
        reference=referral.reference,
        suggested=[views.group_choice(card, True) for card in cards],
        not_listed=missing,
        search=words,
        found=[views.group_choice(c, False) for c in found if c["id"] not in suggested_ids],
        resident_detail=referral.contact_detail,
        resident_method=referral.contact_method,
    )


def _cards(session: Session, ids: list[str]) -> tuple[list[GroupCard], list[str]]:
    """The directory's cards for these groups, and the ids it no longer lists."""
    entries = current_index(session).entries
    cards = [suggestion(entries[i], SearchRequest(), None, None) for i in ids if i in entries]
    return cards, [i for i in ids if i not in entries]


def _search(session: Session, words: str, town: str | None) -> list[GroupCard]:
    """Groups for these words near the town (a link worker's search leaves no gap record)."""
    wanted = SearchRequest(need=words, town=town, limit=FOUND_AT_MOST)
    return search_services(session, wanted, record_gaps=False)


@step
def send_groups(
    desk: Desk, reference: str, sending: case.SendGroupsIn, post: ResidentPost
) -> case.GroupsSent:
    """Send the resident the groups chosen, by text or email, and log it as a contact; only
    whoever claimed the referral, or a manager."""
    referral = find(desk.session, reference)
    worker = desk.worker()
    work.require_holder(referral, worker)
    cards, missing = _cards(desk.session, sending.group_ids)
    if missing:
        raise WorkflowError(
            "invalid", f"the directory does not list these groups now: {', '.join(missing)}"
        )
    to, shown = _recipient(referral, sending)
    sender = Sender(referral.contact_name, worker.first_name, post.team_phone)
    desk.session.commit()  # no write lock held while the text is recorded or the email goes
    parts = _post(post, sending, to, cards, sender)
    names = [card["name"] for card in cards]
    note = sent_note(names, SENT_BY_WORDS[sending.by])
    contact = store.log_contact(desk.session, referral, worker, sending.by, 0, note, automatic=True)
    work.audit(desk.session, worker, "send_groups", referral, f"{len(cards)} by {sending.by}")
    desk.session.commit()
    return case.GroupsSent(
        reference=referral.reference,
        by=sending.by,
        to=shown,
        groups=names,
        parts=parts,
        contact=views.contact_line(contact, store.names_by_id(desk.session)),
    )


def _post(
    post: ResidentPost,
    sending: case.SendGroupsIn,
    to: str,
    cards: list[GroupCard],
    sender: Sender,
) -> int:
    """Send; how many texts (SMS parts) or emails went."""
    try:
        if sending.by == "sms":
            return post.text(to, text_bodies(cards, sender))
        post.email(to, EMAIL_SUBJECT, email_text(cards, sender))
        return 1
    except PostError as problem:
        kind: ErrorKind = "not_allowed" if problem.problem == "refused" else "unavailable"
        raise WorkflowError(kind, problem.message) from problem


def _recipient(referral: Referral, sending: case.SendGroupsIn) -> tuple[str, str]:
    """Where to send (E.164 or an email address) and the same as people read it: the address
    typed in, else the resident's own."""
    given = sending.to or referral.contact_detail or ""
    if sending.by == "sms":
        mobile, number = uk_mobile(given), phone_e164(given)
        if mobile and number:
            return number, mobile
        if sending.to:
            raise WorkflowError(
                "invalid", f"{sending.to} is not a UK mobile number: check it, like 07700 900123"
            )
        raise WorkflowError(
            "not_allowed",
            "the resident gave no mobile number to text: type one in, or send by email",
        )
    address = email_address(given)
    if address:
        return address, address
    if sending.to:
        raise WorkflowError(
            "invalid", f"{sending.to} is not an email address: check it, like name@example.org"
        )
    raise WorkflowError(
        "not_allowed",
        "the resident gave no email address: type one in, or send by text",
    )
