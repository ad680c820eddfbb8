"""The console's workflow on its own, without HTTP: the input models the pages and the API share,
and each step's answer or its one kind of error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import get_args

import pytest
import sqlalchemy as sa
from console_helpers import FakeRasa, add_referral
from pydantic import ValidationError

from frontdoor.console import schemas, workflow
from frontdoor.console.workflow import Actor, Desk, WorkflowError
from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent
from frontdoor.store.db import session_scope
from frontdoor.store.models import RiskEvent
from frontdoor.store.referrals import record_risk

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"


@contextmanager
def desk_for(url: str, email: str, rasa: FakeRasa | None = None) -> Iterator[Desk]:
    """A desk for this person on the store at url, committed when the block ends."""
    with session_scope(url) as session:
        worker = work.worker_by_email(session, email)
        assert worker is not None
        yield Desk(session, Actor.of(worker, "token"), rasa or FakeRasa(), url)


def refused(run, *args) -> WorkflowError:
    """The error a step raised (the test fails if it raised none)."""
    with pytest.raises(WorkflowError) as caught:
        run(*args)
    return caught.value


def claimed(url: str, email: str = SAM, **extra) -> str:
    reference = add_referral(url, **extra)
    with desk_for(url, email) as desk:
        workflow.claim(desk, reference)
    return reference


# The input models, as a page's form is read into them


@pytest.mark.parametrize("how", ["phone", "text", "email", "chat", "in_person"])
def test_every_contact_method_is_accepted_from_a_form(how: str) -> None:
    assert workflow.parse(schemas.ContactIn, {"how": how, "note": " rang "}).how == how


@pytest.mark.parametrize("how", ["", "pigeon", "Phone", "in person"])
def test_an_unknown_contact_method_is_refused_not_taken_for_a_phone_call(how: str) -> None:
    """Pages used to record any unknown method as a phone call; now, as in the API, it is an
    error that says what is allowed."""
    error = refused(workflow.parse, schemas.ContactIn, {"how": how})
    assert (error.kind, error.status) == ("invalid", 422)
    assert error.sentence.startswith("Please check how you reached the resident: ")
    assert "'in_person'" in error.message and error.sentence.endswith(".")


def test_a_form_is_checked_exactly_as_the_api_checks_its_body() -> None:
    for fields in ({"how": "pigeon"}, {"how": "chat"}, {"how": "phone", "note": "x" * 1001}):
        try:
            schemas.ContactIn.parse_obj(fields)
        except ValidationError:
            with pytest.raises(WorkflowError):
                workflow.parse(schemas.ContactIn, fields)
        else:
            assert workflow.parse(schemas.ContactIn, fields) == schemas.ContactIn.parse_obj(fields)


def test_text_is_cleaned_and_limits_are_kept() -> None:
    reply = workflow.parse(schemas.ReplyIn, {"text": "  Hello\x00 Margaret \n"})
    assert reply.text == "Hello Margaret"
    long = refused(workflow.parse, schemas.ReplyIn, {"text": "x" * 1001})
    assert long.kind == "invalid" and "the message to the resident" in long.message
    assert "at most 1000 characters" in long.message
    assert (
        refused(workflow.parse, schemas.NoteIn, {}).message
        == "please check the note: field required"
    )


def test_closing_cleans_each_group_and_refuses_too_many() -> None:
    closing = workflow.parse(
        schemas.CloseIn,
        {"outcome": "declined", "groups_joined": [" Choir ", "x" * 300], "snomed_code": " "},
    )
    assert closing.groups_joined == ["Choir", "x" * schemas.GROUP_NAME_LENGTH]
    assert closing.snomed_code == ""
    many = refused(
        workflow.parse, schemas.CloseIn, {"outcome": "declined", "groups_joined": ["g"] * 21}
    )
    assert "groups the resident joined" in many.message
    outcome = refused(workflow.parse, schemas.CloseIn, {"outcome": "fine"})
    assert outcome.message.startswith("please check how the referral ended: ")


def test_queue_query_cleans_its_words() -> None:
    query = workflow.parse(schemas.QueueQuery, {"town": "  ", "channel": " sms ", "level": None})
    assert (query.status, query.town, query.channel, query.level) == ("new", None, "sms", None)
    assert refused(workflow.parse, schemas.QueueQuery, {"status": "lost"}).kind == "invalid"


def test_an_error_reads_as_a_sentence_on_a_page() -> None:
    assert WorkflowError("conflict", "FD-1 is claimed by x").sentence == "FD-1 is claimed by x."
    assert WorkflowError("not_found", "There is no referral FD-2.").sentence == (
        "There is no referral FD-2."
    )
    assert [WorkflowError(kind, "m").status for kind in get_args(workflow.ErrorKind)] == [
        400,
        403,
        404,
        409,
        422,
        502,
    ]


# The steps


def test_claim_answers_with_the_referral_and_a_second_claim_is_a_conflict(
    console_store: str,
) -> None:
    reference = add_referral(console_store)
    with desk_for(console_store, SAM) as desk:
        detail = workflow.claim(desk, reference)
    assert (detail.reference, detail.status, detail.claimed_by) == (reference, "claimed", SAM)
    assert [h.status for h in detail.history] == ["new", "claimed"]
    with desk_for(console_store, ALEX) as desk:
        late = refused(workflow.claim, desk, reference)
    assert (late.kind, late.status) == ("conflict", 409)
    assert late.message == f"{reference} has already been claimed by Sam Jones"


def test_a_missing_referral_is_not_found(console_store: str) -> None:
    with desk_for(console_store, SAM) as desk:
        for step in (workflow.view, workflow.claim, workflow.take_over, workflow.risk_flags):
            missing = refused(step, desk, "FD-NOPE99")
            assert (missing.kind, missing.message) == (
                "not_found",
                "There is no referral FD-NOPE99.",
            )


def test_recording_contact_keeps_the_method_and_starts_the_work(console_store: str) -> None:
    reference = claimed(console_store)
    contact = workflow.parse(schemas.ContactIn, {"how": "in_person", "note": "at the library"})
    with desk_for(console_store, SAM) as desk:
        detail = workflow.record_contact(desk, reference, contact)
    assert detail.status == "in_progress" and detail.first_contact_at is not None
    assert detail.history[-1].note == "contacted by in_person"
    with session_scope(console_store) as session:
        details = session.execute(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "contact")
        ).scalars()
        assert list(details) == ["in_person: at the library"]


def test_recording_contact_on_someone_elses_referral_is_a_conflict(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, ALEX) as desk:
        other = refused(
            workflow.record_contact, desk, reference, schemas.ContactIn(how="phone", note="")
        )
    assert (other.kind, other.message) == ("conflict", f"{reference} is claimed by Sam Jones")


def test_reply_needs_words_and_the_chat(console_store: str) -> None:
    reference = claimed(console_store)
    rasa = FakeRasa()
    with desk_for(console_store, SAM, rasa) as desk:
        empty = refused(
            workflow.reply, desk, reference, workflow.parse(schemas.ReplyIn, {"text": " "})
        )
        assert (empty.kind, empty.message) == ("not_allowed", "the message is empty")
        hello = schemas.ReplyIn(text="Hello")
        not_held = refused(workflow.reply, desk, reference, hello)
        assert "take over the conversation" in not_held.message
        workflow.take_over(desk, reference)
        detail = workflow.reply(desk, reference, hello)
    assert detail.chat_held_by == SAM and detail.first_contact_at is not None
    assert [call[0] for call in rasa.calls] == ["take_over", "reply"]


def test_the_assistant_out_of_reach_undoes_the_take_over(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, SAM, FakeRasa(fail=True)) as desk:
        down = refused(workflow.take_over, desk, reference)
    assert (down.kind, down.status) == ("unavailable", 502)
    with desk_for(console_store, SAM) as desk:
        assert workflow.view(desk, reference).chat_held_by is None


def test_only_a_manager_reassigns_and_only_to_someone_known(console_store: str) -> None:
    reference = claimed(console_store)
    to_alex = schemas.ReassignIn(email=ALEX)
    with desk_for(console_store, SAM) as desk:
        denied = refused(workflow.reassign, desk, reference, to_alex)
    assert (denied.kind, denied.status) == ("forbidden", 403)
    with desk_for(console_store, PAT) as desk:
        unknown = refused(workflow.reassign, desk, reference, schemas.ReassignIn(email="x@y.org"))
        assert unknown.kind == "not_allowed" and "x@y.org" in unknown.message
        assert workflow.reassign(desk, reference, to_alex).claimed_by == ALEX


def test_notes_and_closing_go_through_the_store_rules(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, ALEX) as desk:
        note = refused(workflow.add_note, desk, reference, schemas.NoteIn(text="Mine"))
    assert note.kind == "conflict" and note.message.endswith("only they or a manager can add notes")
    bad_code = schemas.CloseIn(outcome="declined", snomed_code="abc")
    with desk_for(console_store, SAM) as desk:
        workflow.add_note(desk, reference, schemas.NoteIn(text="Rang, no answer"))
        code = refused(workflow.close, desk, reference, bad_code)
        assert code.kind == "not_allowed" and "SNOMED" in code.message
        closing = workflow.parse(schemas.CloseIn, {"outcome": "declined", "note": " moved away "})
        detail = workflow.close(desk, reference, closing)
    assert [n.text for n in detail.notes] == ["Rang, no answer"]
    assert detail.outcome is not None
    assert (detail.outcome.label, detail.outcome.snomed_code, detail.outcome.note) == (
        "Declined",
        "871711000000103",
        "moved away",
    )


def test_reviewing_a_flag_of_another_conversation_is_not_found(console_store: str) -> None:
    reference = claimed(console_store, conversation_id="sms-1", urgency="crisis")
    with session_scope(console_store) as session:
        record_risk(session, "sms-1", "sms", "danger_now", source="both", words="tablets")
        record_risk(session, "someone-else", "sms", "medical")
    with desk_for(console_store, SAM) as desk:
        mine, theirs = desk.session.execute(
            sa.select(RiskEvent.id).order_by(RiskEvent.id)
        ).scalars()
        clear = schemas.RiskReviewIn(decision="clear", note="a film")
        missing = refused(workflow.review_risk_flag, desk, reference, theirs, clear)
        assert (missing.kind, missing.message) == (
            "not_found",
            f"Referral {reference} has no risk flag {theirs}.",
        )
        detail = workflow.review_risk_flag(desk, reference, mine, clear)
    assert (detail.risk_flags[0].status, detail.risk_flags[0].review_note) == ("cleared", "a film")
    assert detail.uncleared_flags == []


@pytest.mark.parametrize("text", ["", "abc", "0", "-1", "1.5", "²", str(2**31)])
def test_a_form_names_a_risk_flag_only_by_a_number_the_database_holds(text: str) -> None:
    error = refused(workflow.flag_id, text)
    assert (error.kind, error.message) == ("not_found", "There is no such risk flag.")


def test_a_form_names_a_risk_flag_by_its_number() -> None:
    assert workflow.flag_id("2147483647") == 2**31 - 1


def test_the_audit_trail_is_for_managers(console_store: str) -> None:
    reference = claimed(console_store)
    with desk_for(console_store, SAM) as desk:
        assert refused(workflow.audit_trail, desk, None, 10).kind == "forbidden"
    with desk_for(console_store, PAT) as desk:
        lines = workflow.audit_trail(desk, f" {reference.lower()} ", 10)
    assert [(line.actor, line.action) for line in lines] == [(SAM, "claim")]
    assert lines[0].at.endswith("Z")


def test_the_queue_and_the_report_download(console_store: str) -> None:
    mine = claimed(console_store, town="Louth")
    add_referral(console_store, town="Boston")
    with desk_for(console_store, SAM) as desk:
        assert [r.reference for r in workflow.queue(desk, schemas.QueueQuery(mine=True))] == []
        open_mine = workflow.parse(schemas.QueueQuery, {"status": "open", "mine": True})
        assert [r.reference for r in workflow.queue(desk, open_mine)] == [mine]
        assert workflow.queue_choices(desk).towns == ["Boston", "Louth"]
        csv = workflow.report_download(desk, 4)
    assert (csv.filename, csv.media_type) == ("frontdoor-report.csv", "text/csv")
    assert csv.text.splitlines()[0] == "section,item,value"
    assert "referrals,total,2" in csv.text.splitlines()
