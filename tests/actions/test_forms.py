"""Shared form behaviour: a slot cleared by starting a form is not an answer to check."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import fresh_referral
from actions.referrals import ValidateReferralForm

FORM_SLOTS = ["consent_share", "contact_name", "contact_method", "contact_detail"]


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    return Domain.load("bot/domain").as_dict()


def validate(events: list[dict[str, Any]], slots: dict[str, Any]) -> tuple[list, dict]:
    """(messages, slots set) from the real validation action, as Rasa calls it."""
    state = Tracker(
        sender_id="test-resident",
        slots=slots,
        latest_message={"text": "yes please", "intent": {"name": "affirm"}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "referral_form"},
        latest_action_name="action_start_handover",
    )
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ValidateReferralForm().run(dispatcher, state, domain()))
    return dispatcher.messages, {e["name"]: e["value"] for e in returned if e["event"] == "slot"}


def test_slots_cleared_when_a_referral_starts_are_not_checked_as_answers() -> None:
    """After level 2's plan, "yes please" starts the referral form with every slot cleared:
    each used to be checked as a wrong answer (errors, consent refused, no referral)."""
    cleared = [e for e in fresh_referral("routine") if e.get("event") == "slot"]
    messages, slots = validate(
        [{"event": "user", "text": "yes please"}, *cleared], dict.fromkeys(FORM_SLOTS)
    )
    assert messages == []
    assert slots.get("consent_share") is None


def test_an_answer_given_this_turn_is_still_checked() -> None:
    answered = [{"event": "slot", "name": "contact_name", "value": "?"}]
    slots = {"consent_share": True, "contact_name": "?"}
    messages, found = validate([{"event": "user", "text": "?"}, *answered], slots)
    assert found["contact_name"] is None
    assert any("name" in (m.get("text") or "") for m in messages)
