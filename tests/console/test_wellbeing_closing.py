"""Wellbeing at closing, without HTTP: the signed links residents are sent, the close step
keeping the link worker's answers as the end, the resident answering once by a link, and the
start and end side by side; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from console_helpers import FakeRasa, add_referral, add_team

from frontdoor.console import schemas, workflow
from frontdoor.console.wellbeing_schemas import WellbeingIn
from frontdoor.console.workflow import Actor, Desk, WorkflowError
from frontdoor.console.workflow.wellbeing import (
    ANSWERED,
    closing_fields,
    link_state,
    take_answers,
)
from frontdoor.settings import get_settings
from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent
from frontdoor.store.db import session_scope
from frontdoor.store.models import Referral, WellbeingScore, utcnow
from frontdoor.store.wellbeing import record_wellbeing
from frontdoor.wellbeing_link import LIFETIME, LinkRefused, issue, read

SAM = "sam@example.org"
SECRET = "a secret for the tests"
START = {"life_satisfied": 4, "worthwhile": 5, "happy": 3, "anxious": 8, "left_out": 3}
NOW = datetime(2026, 3, 2, 10, 0, 0)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    """A store with the console's team, on each database the service supports."""
    return add_team(
        request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    )


@contextmanager
def desk_for(url: str, email: str = SAM) -> Iterator[Desk]:
    with session_scope(url) as session:
        worker = work.worker_by_email(session, email)
        assert worker is not None
        yield Desk(session, Actor.of(worker, "token"), FakeRasa(), url, get_settings())


def claimed_with_start(url: str, **extra: object) -> str:
    """A referral Sam claimed, whose resident answered the questions at the start."""
    reference = add_referral(url, **extra)
    with desk_for(url) as desk:
        referral = workflow.claim(desk, reference)
        record_wellbeing(desk.session, referral.conversation_id, "start", "assistant", START)
    return reference


def referral_id(url: str, reference: str) -> int:
    with session_scope(url) as session:
        found = session.execute(sa.select(Referral.id).where(Referral.reference == reference))
        return int(found.scalar_one())


def end_rows(url: str) -> list[tuple[str, int | None, int | None]]:
    with session_scope(url) as session:
        rows = session.scalars(
            sa.select(WellbeingScore)
            .where(WellbeingScore.stage == "end")
            .order_by(WellbeingScore.id)
        )
        return [(row.recorded_by, row.happy, row.isolated) for row in rows]


# The links


def test_a_link_says_which_referral_and_when_until_it_runs_out() -> None:
    token = issue(SECRET, 42, NOW)
    link = read(SECRET, token, NOW + LIFETIME - timedelta(seconds=1))
    assert (link.referral_id, link.issued_at, link.expires_at) == (42, NOW, NOW + LIFETIME)
    assert timedelta(days=14) == LIFETIME
    with pytest.raises(LinkRefused) as late:
        read(SECRET, token, NOW + LIFETIME)
    assert late.value.why == "expired"


def test_a_link_is_short_enough_for_a_text_and_names_no_one() -> None:
    token = issue(SECRET, 1234567, NOW)
    assert len(token) <= 40 and token.startswith("1234567.")
    assert token.replace(".", "").replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize(
    "change",
    [
        lambda t: "43" + t[2:],  # another referral
        lambda t: t[:3] + ("b" if t[3] != "b" else "c") + t[4:],  # another time
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: t + "x",
        lambda t: "",
        lambda t: "../../admin",
    ],
)
def test_a_changed_link_is_refused(change) -> None:
    with pytest.raises(LinkRefused) as refused:
        read(SECRET, change(issue(SECRET, 42, NOW)), NOW)
    assert refused.value.why == "tampered"


def test_a_link_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(LinkRefused):
        read(SECRET, issue("another secret", 42, NOW), NOW)


# Closing with the link worker's answers


def test_answers_at_closing_are_kept_as_the_end_and_shown_beside_the_start(url: str) -> None:
    reference = claimed_with_start(url)
    closing = schemas.CloseIn(
        outcome="connected_to_group",
        wellbeing=WellbeingIn(life_satisfied=7, anxious=5, left_out=1, isolated=2),
    )
    with desk_for(url) as desk:
        detail = workflow.close(desk, reference, closing)
    assert detail.status == "closed" and detail.wellbeing is not None
    lines = {line.question: line for line in detail.wellbeing.lines}
    satisfied, anxious, left_out = lines["life_satisfied"], lines["anxious"], lines["left_out"]
    assert (satisfied.start, satisfied.end, satisfied.change) == (4, 7, 3)
    assert satisfied.direction == "better" and satisfied.label.startswith("Satisfied with life")
    assert (anxious.change, anxious.direction) == (-3, "better")  # lower anxiety is better
    assert (left_out.change, left_out.direction) == (-2, "better")
    assert (lines["happy"].start, lines["happy"].end, lines["happy"].change) == (3, None, None)
    assert lines["ucla_total"].start is None  # the start had one of the three
    assert detail.wellbeing.start_by == "the resident, in the chat"
    assert detail.wellbeing.end_by == "the link worker"
    assert end_rows(url) == [("link_worker", None, 2)]
    with session_scope(url) as session:
        row = session.scalars(sa.select(WellbeingScore).where(WellbeingScore.stage == "end")).one()
        assert row.referral_id == referral_id(url, reference)


def test_questions_not_asked_at_closing_keep_nothing(url: str) -> None:
    reference = claimed_with_start(url)
    with desk_for(url) as desk:
        detail = workflow.close(desk, reference, schemas.CloseIn(outcome="declined"))
        assert detail.wellbeing is not None and detail.wellbeing.end_by is None
        other = add_referral(url)
        workflow.claim(desk, other)
        none_asked = schemas.CloseIn(outcome="declined", wellbeing=WellbeingIn())
        assert workflow.close(desk, other, none_asked).wellbeing is None
    assert end_rows(url) == []


def test_answers_and_the_questions_sent_at_once_are_refused_and_nothing_is_closed(
    url: str,
) -> None:
    reference = claimed_with_start(url)
    both = schemas.CloseIn(
        outcome="connected_to_group", wellbeing={"happy": 6}, send_wellbeing="sms"
    )
    with desk_for(url) as desk, pytest.raises(WorkflowError) as refused:
        workflow.close(desk, reference, both)
    assert refused.value.kind == "invalid" and "not both" in refused.value.message
    with desk_for(url) as desk:
        assert workflow.view(desk, reference).status == "claimed"


def test_questions_are_not_sent_where_the_resident_gave_no_address(url: str) -> None:
    reference = claimed_with_start(url)
    with desk_for(url) as desk, pytest.raises(WorkflowError) as refused:
        workflow.close(
            desk, reference, schemas.CloseIn(outcome="connected_to_group", send_wellbeing="email")
        )
    assert refused.value.kind == "not_allowed" and "no email address" in refused.value.message


def test_answers_out_of_range_or_unknown_are_refused_by_the_input_model() -> None:
    for answers in ({"happy": 11}, {"anxious": -1}, {"left_out": 4}, {"isolated": 0}, {"mood": 3}):
        with pytest.raises(WorkflowError) as refused:
            workflow.parse(schemas.CloseIn, {"outcome": "connected_to_group", "wellbeing": answers})
        assert refused.value.kind == "invalid"


def test_the_close_form_reads_not_asked_as_left_out_and_sends_only_when_ticked() -> None:
    form = {"wellbeing_happy": "0", "wellbeing_isolated": "3", "wellbeing_anxious": ""}
    assert closing_fields(form) == {
        "wellbeing": {"happy": "0", "isolated": "3"},
        "send_wellbeing": None,
    }
    assert closing_fields({"send_wellbeing_by": "email"})["send_wellbeing"] is None
    ticked = {"send_wellbeing": "yes", "send_wellbeing_by": "email"}
    assert closing_fields(ticked) == {"wellbeing": None, "send_wellbeing": "email"}
    assert closing_fields({"send_wellbeing": "yes"})["send_wellbeing"] == "sms"


# The resident answering by the link


def test_the_resident_answers_once_and_the_link_then_takes_no_more(url: str) -> None:
    reference = claimed_with_start(url)
    token = issue(SECRET, referral_id(url, reference), utcnow())
    with session_scope(url) as session:
        assert link_state(session, SECRET, token, utcnow()).kind == "open"
        answers = {"happy": "6", "isolated": "1", "worthwhile": "", "nonsense": "9"}
        assert take_answers(session, SECRET, token, answers, utcnow()).kind == "answered"
    with session_scope(url) as session:
        assert link_state(session, SECRET, token, utcnow()).kind == "used"
        again = take_answers(session, SECRET, token, {"happy": "1"}, utcnow())
        assert again.kind == "used"
    assert end_rows(url) == [("resident", 6, 1)]
    with session_scope(url) as session:
        [event] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == ANSWERED))
        assert (event.actor, event.reference) == ("resident", reference)
        assert event.detail == "2 of 7 questions answered"
    with desk_for(url) as desk:
        shown = workflow.view(desk, reference).wellbeing
    assert shown is not None and shown.end_by == "the resident, by the link sent"


def test_a_link_sent_after_an_answer_takes_answers_again(url: str) -> None:
    reference = claimed_with_start(url)
    first = issue(SECRET, referral_id(url, reference), utcnow() - timedelta(days=3))
    with session_scope(url) as session:
        take_answers(session, SECRET, first, {"happy": "5"}, utcnow())
    later = issue(SECRET, referral_id(url, reference), utcnow() + timedelta(seconds=2))
    with session_scope(url) as session:
        assert link_state(session, SECRET, later, utcnow() + timedelta(seconds=3)).kind == "open"


def test_every_question_left_out_still_uses_the_link_and_keeps_nothing(url: str) -> None:
    reference = claimed_with_start(url)
    token = issue(SECRET, referral_id(url, reference), utcnow())
    with session_scope(url) as session:
        assert take_answers(session, SECRET, token, {"happy": ""}, utcnow()).kind == "answered"
    with session_scope(url) as session:
        assert link_state(session, SECRET, token, utcnow()).kind == "used"
    assert end_rows(url) == []


def test_an_answer_not_on_the_page_is_refused_kindly_and_the_link_still_works(url: str) -> None:
    reference = claimed_with_start(url)
    token = issue(SECRET, referral_id(url, reference), utcnow())
    with session_scope(url) as session:
        state = take_answers(session, SECRET, token, {"happy": "11"}, utcnow())
    assert state.kind == "open" and state.problem.startswith("Please choose one of the answers")
    with session_scope(url) as session:
        assert link_state(session, SECRET, token, utcnow()).kind == "open"
    assert end_rows(url) == []


def test_expired_tampered_and_unknown_links_take_nothing(url: str) -> None:
    reference = claimed_with_start(url)
    known = referral_id(url, reference)
    old = issue(SECRET, known, utcnow() - LIFETIME - timedelta(minutes=1))
    with session_scope(url) as session:
        assert take_answers(session, SECRET, old, {"happy": "5"}, utcnow()).kind == "expired"
        forged = issue("not our secret", known, utcnow())
        assert take_answers(session, SECRET, forged, {"happy": "5"}, utcnow()).kind == "tampered"
        nobody = issue(SECRET, known + 1000, utcnow())
        assert link_state(session, SECRET, nobody, utcnow()).kind == "tampered"
    assert end_rows(url) == []
