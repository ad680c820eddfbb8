"""The caseload on its own, without HTTP: the contact log, follow-up tasks, the caseload and
the report's contact figures, through the workflow and in the store on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from console_helpers import add_referral, add_team
from test_workflow import ALEX, PAT, SAM, claimed, desk_for, refused

from frontdoor.console import caseload_schemas as case
from frontdoor.console import schemas, workflow
from frontdoor.console.report import build_report, report_csv
from frontdoor.console.workflow import caseload
from frontdoor.store import caseload as store
from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent, ReferralWork
from frontdoor.store.db import session_scope
from frontdoor.store.models import CaseContact, CaseTask, Referral, utcnow


def phoned(minutes: int = 15, what: str = "Rang Margaret; she would like a lunch club.", **more):
    return case.ContactLogIn(how="phone", minutes=minutes, what_happened=what, **more)


def task(what: str, due_on: date) -> case.TaskIn:
    return case.TaskIn(what=what, due_on=due_on)


def referral_row(session, reference: str) -> Referral:
    return session.execute(sa.select(Referral).where(Referral.reference == reference)).scalar_one()


# What a form or a JSON body may say


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"how": "", "minutes": "5", "what_happened": "x"}, "how you were in contact: choose"),
        ({"how": "pigeon", "minutes": "5", "what_happened": "x"}, "choose how you were in"),
        ({"how": "phone", "minutes": "", "what_happened": "x"}, "enter a whole number from 0"),
        ({"how": "phone", "minutes": "-3", "what_happened": "x"}, "enter a whole number from 0"),
        ({"how": "phone", "minutes": "601", "what_happened": "x"}, "from 0 to 600, such as 15"),
        ({"how": "phone", "minutes": "1.5", "what_happened": "x"}, "enter a whole number"),
        ({"how": "phone", "minutes": "5", "what_happened": " \x00 "}, "write a few words"),
        (
            {"how": "phone", "minutes": "5", "what_happened": "x", "happened_at": "Tuesday"},
            "when it happened",
        ),
    ],
)
def test_a_contact_form_says_what_to_fix(fields: dict, says: str) -> None:
    error = refused(workflow.parse, case.ContactLogIn, fields)
    assert (error.kind, error.status) == ("invalid", 422)
    assert says in error.message, error.message
    assert error.sentence.startswith("Please check ")


def test_a_contact_form_is_read_as_the_api_reads_it() -> None:
    read = workflow.parse(
        case.ContactLogIn,
        {"how": "web_chat", "minutes": " 20 ", "what_happened": " chatted ", "happened_at": ""},
    )
    assert read == case.ContactLogIn(how="web_chat", minutes=20, what_happened="chatted")
    assert read.happened_at is None
    every = {way for way in case.CONTACT_WAY_LABELS}
    assert every == {"phone", "sms", "email", "web_chat", "in_person", "letter"}


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"what": "", "due_on": "2030-01-06"}, "write what needs doing"),
        ({"what": "Ring back", "due_on": ""}, "enter the day it is due"),
        ({"what": "Ring back", "due_on": "next week"}, "the day it is due"),
        ({"what": "x" * 301, "due_on": "2030-01-06"}, "what needs doing"),
    ],
)
def test_a_task_form_says_what_to_fix(fields: dict, says: str) -> None:
    error = refused(workflow.parse, case.TaskIn, fields)
    assert error.kind == "invalid" and says in error.message, error.message


def test_sending_needs_a_group_and_a_way() -> None:
    none = refused(workflow.parse, case.SendGroupsIn, {"group_ids": [], "by": "sms"})
    assert "choose at least one group" in none.message
    how = refused(workflow.parse, case.SendGroupsIn, {"group_ids": ["g1"], "by": "pigeon"})
    assert "choose text message or email" in how.message
    many = refused(
        workflow.parse, case.SendGroupsIn, {"group_ids": [f"g{n}" for n in range(11)], "by": "sms"}
    )
    assert "at most 10" in many.message
    once = workflow.parse(case.SendGroupsIn, {"group_ids": ["g1", " g1 ", "g2"], "by": "email"})
    assert once.group_ids == ["g1", "g2"] and once.to is None


# The contact log


def test_a_contact_is_logged_and_is_the_first_contact(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, SAM) as desk:
        record = caseload.log_contact(desk, reference, phoned())
    assert record.contact_count == 1 and record.minutes_total == 15
    line = record.contacts[0]
    assert (line.how, line.how_label, line.minutes, line.by, line.automatic) == (
        "phone",
        "Phone call",
        15,
        "Sam Jones",
        False,
    )
    assert line.what_happened == "Rang Margaret; she would like a lunch club."
    assert line.at_text.startswith("today ")
    with desk_for(console_store, SAM) as desk:
        detail = workflow.view(desk, reference)
    assert detail.status == "in_progress" and detail.contacted and detail.first_contact_at
    with session_scope(console_store) as session:
        actions = session.execute(sa.select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("contact", "phone") in actions


def test_a_contact_made_earlier_keeps_the_promise_from_when_it_happened(
    console_store: str,
) -> None:
    made = utcnow() - timedelta(days=5)  # routine: first contact was due 2 working days later
    reference = claimed(console_store, created_at=made)
    rang = (made + timedelta(hours=3)).replace(microsecond=0)
    with desk_for(console_store, SAM) as desk:
        caseload.log_contact(desk, reference, phoned(happened_at=f"{rang.isoformat()}Z"))
        detail = workflow.view(desk, reference)
    assert detail.contacted and not detail.overdue
    assert detail.first_contact_at == rang.isoformat(timespec="seconds") + "Z"


def test_a_time_without_a_zone_is_uk_time() -> None:
    summer = datetime(2025, 7, 1, 10, 30)  # 10:30 in London is 09:30 UTC in summer
    assert caseload._as_utc(summer) == datetime(2025, 7, 1, 9, 30)
    assert caseload._as_utc(datetime(2025, 1, 6, 10, 30)) == datetime(2025, 1, 6, 10, 30)


def test_a_contact_in_the_future_or_before_the_referral_is_refused(console_store: str) -> None:
    reference = claimed(console_store)
    for when, says in (
        (utcnow() + timedelta(hours=2), "cannot be in the future"),
        (utcnow() - timedelta(days=3), "cannot be before the referral was made"),
    ):
        with desk_for(console_store, SAM) as desk:
            error = refused(
                caseload.log_contact, desk, reference, phoned(happened_at=f"{when.isoformat()}Z")
            )
        assert (error.kind, error.status) == ("not_allowed", 400)
        assert says in error.message and "check the date and time" in error.message


def test_only_the_holder_or_a_manager_logs_contacts_and_sets_tasks(console_store: str) -> None:
    reference = claimed(console_store)
    tomorrow = store.local_today() + timedelta(days=1)
    with desk_for(console_store, ALEX) as desk:
        assert refused(caseload.log_contact, desk, reference, phoned()).status == 409
        assert refused(caseload.add_task, desk, reference, task("Ring", tomorrow)).status == 409
    with desk_for(console_store, PAT) as desk:
        record = caseload.log_contact(desk, reference, phoned(5, "Manager rang"))
    assert record.contacts[0].by == "Pat Manager"
    unclaimed = add_referral(console_store)
    with desk_for(console_store, SAM) as desk:
        error = refused(caseload.log_contact, desk, unclaimed, phoned())
        assert (error.status, error.message) == (400, f"{unclaimed} has not been claimed")
        assert refused(caseload.case_record, desk, "FD-NOPE99").status == 404


# Follow-up tasks


def test_tasks_are_set_shown_in_order_and_ticked_off_once(console_store: str) -> None:
    reference = claimed(console_store)
    today = store.local_today()
    with desk_for(console_store, SAM) as desk:
        caseload.add_task(desk, reference, task("Send the lunch club's timetable", today))
        record = caseload.add_task(desk, reference, task("Ring back", today + timedelta(days=3)))
    assert [t.what for t in record.tasks] == ["Send the lunch club's timetable", "Ring back"]
    first, later = record.tasks
    assert (first.due, first.overdue, first.due_text, first.set_by) == (
        True,
        False,
        "today",
        "Sam Jones",
    )
    assert (later.due, later.done) == (False, False) and record.tasks_due == 1
    with desk_for(console_store, SAM) as desk:
        done = caseload.complete_task(desk, reference, case.TaskDoneIn(task=first.id))
    assert [t.what for t in done.tasks] == ["Ring back", "Send the lunch club's timetable"]
    ticked = done.tasks[1]
    assert ticked.done and ticked.done_by == "Sam Jones" and not ticked.due
    assert done.tasks_due == 0
    with desk_for(console_store, SAM) as desk:
        again = refused(caseload.complete_task, desk, reference, case.TaskDoneIn(task=first.id))
        assert (again.status, again.message) == (409, "this task is already done")


def test_a_task_of_another_referral_or_none_is_not_found(console_store: str) -> None:
    mine, other = claimed(console_store), claimed(console_store)
    with desk_for(console_store, SAM) as desk:
        record = caseload.add_task(desk, other, task("Ring", store.local_today()))
        wrong = case.TaskDoneIn(task=record.tasks[0].id)
        assert refused(caseload.complete_task, desk, mine, wrong).status == 404
        assert (
            refused(caseload.complete_task, desk, mine, case.TaskDoneIn(task=99999)).status == 404
        )


def test_a_task_due_in_the_past_is_refused(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, SAM) as desk:
        yesterday = store.local_today() - timedelta(days=1)
        error = refused(caseload.add_task, desk, reference, task("Ring", yesterday))
    assert error.status == 400
    assert error.message == "the due date is in the past: choose today or a later day"


# The caseload


def set_overdue_task(url: str, reference: str, what: str, days_ago: int) -> None:
    """A task set some days ago that fell due then and is still to do."""
    with session_scope(url) as session:
        referral = referral_row(session, reference)
        sam = work.worker_by_email(session, SAM)
        assert sam is not None
        was = store.local_today() - timedelta(days=days_ago)
        store.add_task(session, referral, sam, what, was, today=was)


def test_my_caseload_is_my_open_cases_with_the_next_step(console_store: str) -> None:
    claimed(console_store, urgency="urgent", contact_name="Ann")  # first contact due today
    overdue = claimed(console_store, contact_name="Bob")
    later = claimed(console_store, contact_name="Cath")
    contacted = claimed(console_store, contact_name="Dev")
    closed = claimed(console_store, contact_name="Eve")
    claimed(console_store, ALEX, contact_name="Alex's resident")
    add_referral(console_store, contact_name="Not claimed")
    set_overdue_task(console_store, overdue, "Ring Bob about the choir", 2)
    set_overdue_task(console_store, overdue, "Post Bob the leaflet", 1)
    with desk_for(console_store, SAM) as desk:
        caseload.add_task(desk, later, task("Check Cath went", store.local_today() + timedelta(7)))
        caseload.log_contact(desk, contacted, phoned(10))
        caseload.log_contact(desk, contacted, phoned(25, "In person at the library"))
        workflow.close(desk, closed, schemas.CloseIn(outcome="declined"))
        mine = caseload.caseload(desk)
    assert [c.contact_name for c in mine.cases] == ["Bob", "Ann", "Cath", "Dev"]
    bob, ann, cath, dev = mine.cases
    assert mine.tasks_due == 2 and bob.tasks_due == 2
    assert (bob.next_step.what, bob.next_step.due, bob.next_step.overdue) == (
        "Ring Bob about the choir",
        True,
        True,
    )
    assert ann.next_step.what == "Make first contact" and ann.next_step.due  # urgent: today
    assert ann.next_step.due_text == "today" and ann.tasks_due == 0
    assert not cath.next_step.due and not cath.next_step.overdue
    assert cath.next_step.due_on == store.local_today() + timedelta(7)
    assert (dev.next_step.what, dev.next_step.due_on, dev.contacts, dev.minutes) == (
        "No next step set",
        None,
        2,
        35,
    )
    assert dev.last_contact_text.startswith("today ") and bob.last_contact_text == "None yet"
    with desk_for(console_store, SAM) as desk:
        assert caseload.tasks_due(desk) == 2
    with desk_for(console_store, ALEX) as desk:
        assert [c.contact_name for c in caseload.caseload(desk).cases] == ["Alex's resident"]
        assert caseload.tasks_due(desk) == 0


def test_a_closed_case_s_tasks_no_longer_count(console_store: str) -> None:
    reference = claimed(console_store)
    set_overdue_task(console_store, reference, "Ring back", 1)
    with desk_for(console_store, SAM) as desk:
        assert caseload.tasks_due(desk) == 1
        workflow.close(desk, reference, schemas.CloseIn(outcome="could_not_contact"))
        assert caseload.tasks_due(desk) == 0
        assert caseload.caseload(desk).cases == []


# The report, and deleting a resident's details


def test_the_report_counts_contacts_and_minutes_per_case(console_store: str) -> None:
    one, two = claimed(console_store), claimed(console_store)
    claimed(console_store)  # no contact logged: not in the averages
    old = claimed(console_store, created_at=utcnow() - timedelta(weeks=30))
    with desk_for(console_store, SAM) as desk:
        caseload.log_contact(desk, one, phoned(10))
        caseload.log_contact(desk, one, phoned(20))
        caseload.log_contact(desk, two, phoned(15))
        caseload.log_contact(desk, old, phoned(50))  # its referral is before the period
    with session_scope(console_store) as session:
        report = build_report(session, weeks=12)
    assert (report.contacts_logged, report.contact_minutes, report.cases_with_contacts) == (
        3,
        45,
        2,
    )
    assert (report.contacts_per_case, report.minutes_per_case) == (1.5, 22.5)
    lines = report_csv(report).splitlines()
    assert "contacts,contacts logged,3" in lines and "contacts,minutes,45" in lines
    assert "contacts,contacts per referral (average),1.5" in lines
    assert "contacts,minutes per referral (average),22.5" in lines


def test_the_report_has_no_averages_before_any_contact(console_store: str) -> None:
    with session_scope(console_store) as session:
        report = build_report(session)
    assert (report.contacts_logged, report.contacts_per_case, report.minutes_per_case) == (
        0,
        None,
        None,
    )
    assert "contacts,minutes per referral (average)," in report_csv(report).splitlines()


def test_erasing_blanks_what_link_workers_wrote_and_keeps_the_counts(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, SAM) as desk:
        caseload.log_contact(desk, reference, phoned(12, "Margaret's son Derek answered"))
        caseload.add_task(desk, reference, task("Ring Derek", store.local_today()))
    with session_scope(console_store) as session:
        store.erase_caseload_of(session, referral_row(session, reference))
    with session_scope(console_store) as session:
        contact = session.execute(sa.select(CaseContact)).scalar_one()
        kept = session.execute(sa.select(CaseTask)).scalar_one()
        assert (contact.what_happened, contact.minutes, contact.how) == (
            work.NOTE_ERASED,
            12,
            "phone",
        )
        assert kept.what == work.NOTE_ERASED


# The store on both databases


def test_the_store_keeps_contacts_and_tasks_on_each_database(store_url: str) -> None:
    add_team(store_url)
    reference = add_referral(store_url)
    today = store.local_today()
    with session_scope(store_url) as session:
        referral = referral_row(session, reference)
        sam = work.worker_by_email(session, SAM)
        assert sam is not None
        work.claim(session, referral, sam)
        store.log_contact(session, referral, sam, "letter", 30, "Wrote with the timetable")
        store.log_contact(session, referral, sam, "in_person", 45, "Met at the library")
        due_id = store.add_task(session, referral, sam, "Ring after the first session", today).id
        store.add_task(session, referral, sam, "Close if settled", today + timedelta(days=14))
    with session_scope(store_url) as session:
        referral = referral_row(session, reference)
        sam = work.worker_by_email(session, SAM)
        assert sam is not None
        assert store.tasks_due_count(session, SAM, today) == 1
        [found] = store.caseload(session, SAM, today)
        assert (found.tasks_due, found.totals.contacts, found.totals.minutes) == (1, 2, 75)
        assert found.next_task is not None and found.next_task.id == due_id
        due = store.task_of(session, referral, due_id)
        assert due is not None
        store.complete_task(session, referral, sam, due)
        assert store.tasks_due_count(session, SAM, today) == 0
        with pytest.raises(work.Conflict):
            store.complete_task(session, referral, sam, due)
        handling = session.get(ReferralWork, referral.id)
        assert handling is not None and handling.first_contact_at is not None
        figures = store.contact_figures(session, utcnow() - timedelta(days=1))
        assert (figures.contacts, figures.minutes, figures.cases) == (2, 75, 1)
        referral_id, sam_id = referral.id, sam.id
    with pytest.raises(sa.exc.IntegrityError), session_scope(store_url) as session:
        session.add(
            CaseContact(
                referral_id=referral_id,
                link_worker_id=sam_id,
                happened_at=utcnow(),
                how="pigeon",
                minutes=5,
                what_happened="",
            )
        )
