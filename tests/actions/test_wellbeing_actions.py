"""Wellbeing at the start, in the action server: offered once, about the resident's own life,
never after a crisis; each answer checked as the real form checks it; "stop" ends the
questions; the answers kept, or the resident told they were not."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

import pytest
import sqlalchemy as sa
from action_helpers import READY, rendered, run, slots_set, tracker
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.wellbeing as wellbeing_actions
from actions.referrals import ActionCreateReferral
from actions.wellbeing import (
    QUESTION_SLOTS,
    ActionPlanNoLinkWorker,
    ActionSaveWellbeing,
    ValidateWellbeingForm,
)
from frontdoor.sms import is_gsm7
from frontdoor.store.db import session_scope
from frontdoor.store.models import WellbeingScore
from frontdoor.wellbeing import STOPPED


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    return Domain.load("bot/domain").as_dict()


def answer(
    slot: str, typed: str, slots: dict[str, Any] | None = None, intent: str = "inform"
) -> tuple[list, dict]:
    """(messages, slots set) when the resident types an answer to slot's question."""
    current = {**(slots or {}), slot: typed, "requested_slot": slot}
    said = {"text": typed, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
    state = Tracker(
        sender_id="test-resident",
        slots=current,
        latest_message=said,
        events=[{"event": "slot", "name": slot, "value": typed}],
        paused=False,
        followup_action=None,
        active_loop={"name": "wellbeing_form"},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ValidateWellbeingForm().run(dispatcher, state, domain()))
    sent = [rendered(m, current) for m in dispatcher.messages]
    return sent, {e["name"]: e["value"] for e in returned if e["event"] == "slot"}


def followups(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


def test_a_score_is_kept_and_a_word_that_is_not_one_asks_again() -> None:
    _, kept = answer("wellbeing_happy", "about a six")
    assert kept["wellbeing_happy"] == 6
    said, refused = answer("wellbeing_happy", "sort of ok")
    assert refused["wellbeing_happy"] is None
    assert "number from 0 to 10" in said[0]["text"] and is_gsm7(said[0]["text"])


def test_a_question_instead_of_an_answer_is_answered_and_asked_again() -> None:
    reference = {"referral_reference": "FD-ABC123", "urgency": "routine"}
    said, kept = answer("wellbeing_happy", "what happens now?", reference, "ask_what_next")
    assert kept["wellbeing_happy"] is None
    assert len(said) == 1 and "FD-ABC123" in said[0]["text"], said


def test_stop_passes_on_every_question_left_and_keeps_those_answered() -> None:
    given = {"wellbeing_life_satisfied": 5, "wellbeing_worthwhile": 6}
    _, kept = answer("wellbeing_happy", "stop please", given)
    assert {s: kept.get(s) for s in QUESTION_SLOTS[2:]} == dict.fromkeys(
        QUESTION_SLOTS[2:], STOPPED
    )
    assert "wellbeing_life_satisfied" not in kept  # answered before: left as it was


def test_the_answers_are_kept_with_the_conversation(sqlite_url: str) -> None:
    slots = {"wellbeing_life_satisfied": 4, "wellbeing_happy": "skipped", "wellbeing_isolated": 3}
    messages, events = run(ActionSaveWellbeing(), tracker(slots))
    assert "Thank you" in messages[0]["text"]
    assert all(value is None for value in slots_set(events).values())
    with session_scope(sqlite_url) as session:
        row = session.scalars(sa.select(WellbeingScore)).one()
        assert (row.conversation_id, row.stage, row.recorded_by) == (
            "test-resident",
            "start",
            "assistant",
        )
        assert (row.life_satisfied, row.happy, row.isolated) == (4, None, 3)


def test_all_passed_on_keeps_nothing_and_says_so(sqlite_url: str) -> None:
    messages, _ = run(ActionSaveWellbeing(), tracker(dict.fromkeys(QUESTION_SLOTS, "skipped")))
    assert "not kept any answers" in messages[0]["text"]
    with session_scope(sqlite_url) as session:
        assert session.scalar(sa.select(sa.func.count(WellbeingScore.id))) == 0


def test_a_store_failure_is_said_plainly(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise sa.exc.OperationalError("insert", {}, Exception("database is locked"))

    monkeypatch.setattr(wellbeing_actions, "record_wellbeing", broken)
    messages, _ = run(ActionSaveWellbeing(), tracker({"wellbeing_happy": 5}))
    assert "were not kept" in messages[0]["text"]


def test_offered_after_a_routine_referral_but_never_after_a_crisis(sqlite_url: str) -> None:
    _, events = run(ActionCreateReferral(), tracker(READY, intent="affirm"))
    assert followups(events) == ["utter_offer_wellbeing"]
    assert slots_set(events)["wellbeing_offered"] is True
    crisis = {**READY, "urgency": "crisis", "risk": "self_harm"}
    _, events = run(ActionCreateReferral(), tracker(crisis, intent="affirm"))
    assert followups(events) == [] and "wellbeing_offered" not in slots_set(events)


@pytest.mark.parametrize(
    ("slots", "offered"),
    [({}, True), ({"for_whom": "mum"}, False), ({"wellbeing_offered": True}, False)],
)
def test_offered_at_the_end_of_a_plan_once_about_the_residents_own_life(
    slots: dict[str, Any], offered: bool
) -> None:
    messages, events = run(ActionPlanNoLinkWorker(), tracker(slots, intent="deny"))
    assert "contact the groups yourself" in messages[0]["text"]
    assert followups(events) == (["utter_offer_wellbeing"] if offered else [])
