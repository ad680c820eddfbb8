"""Shared form behaviour: a slot cleared by starting a form is not an answer to check."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from action_helpers import rendered
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import fresh_referral
from actions.referrals import ValidateReferralForm

FORM_SLOTS = ["consent_share", "contact_name", "contact_method", "contact_detail"]


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    return Domain.load("bot/domain").as_dict()


def validate(
    events: list[dict[str, Any]], slots: dict[str, Any], said: dict[str, Any] | None = None
) -> tuple[list, dict]:
    """(messages, slots set) from the real validation action, as Rasa calls it."""
    state = Tracker(
        sender_id="test-resident",
        slots=slots,
        latest_message=said or {"text": "yes please", "intent": {"name": "affirm"}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "referral_form"},
        latest_action_name="action_start_handover",
    )
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ValidateReferralForm().run(dispatcher, state, domain()))
    sent = [rendered(m, state.current_slot_values()) for m in dispatcher.messages]
    return sent, {e["name"]: e["value"] for e in returned if e["event"] == "slot"}


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


def answer(
    slot: str, value: str, slots: dict[str, Any], channel: str = "rest", intent: str = "inform"
) -> tuple:
    """(messages, slots set) when the resident answers the form's question for slot."""
    events = [
        {"event": "user", "text": value, "input_channel": channel},
        {"event": "slot", "name": slot, "value": value},
    ]
    said = {"text": value, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
    return validate(events, {"consent_share": True, **slots, slot: value}, said)


def test_a_landline_given_for_texts_is_called_instead() -> None:
    messages, found = answer("contact_detail", "01632 960123", {"contact_method": "text"})
    assert found["contact_detail"] == "01632 960123"
    assert found["contact_method"] == "phone"
    assert "landline" in messages[0]["text"]


def test_this_number_over_sms_is_the_number_they_text_from(sqlite_url: str) -> None:
    from frontdoor.store.db import session_scope
    from frontdoor.store.messaging import link_conversation

    with session_scope(sqlite_url) as session:
        link_conversation(session, "test-resident", "+447700900123")
    messages, found = answer("contact_detail", "this number", {"contact_method": "text"}, "sms")
    assert (messages, found["contact_detail"]) == ([], "07700 900123")
    messages, found = answer("contact_detail", "this number", {"contact_method": "text"}, "rest")
    assert found["contact_detail"] is None
    assert "type it" in messages[0]["text"]


def test_yes_is_not_a_name_and_any_script_is() -> None:
    messages, found = answer("contact_name", "yes please", {})
    assert found["contact_name"] is None and messages
    messages, found = answer("contact_name", "my name is \u738b\u5c0f\u660e", {})
    assert (messages, found["contact_name"]) == ([], "\u738b\u5c0f\u660e")


def test_the_words_before_a_name_are_not_kept_as_part_of_it() -> None:
    for typed in ("oh sorry, it's Gwen Ashby", "no, my name is Gwen Ashby", "Gwen Ashby."):
        messages, found = answer("contact_name", typed, {})
        assert (messages, found["contact_name"]) == ([], "Gwen Ashby"), typed
    messages, found = answer("contact_name", "Imran Khan", {})
    assert found["contact_name"] == "Imran Khan"  # "Im" at the start of a name stays


def test_a_question_typed_for_an_answer_is_answered_and_asked_again() -> None:
    messages, found = answer("contact_name", "is this confidential?", {}, intent="ask_confidential")
    assert found["contact_name"] is None and not found.get("form_failures")
    assert [m.get("response") for m in messages] == ["utter_answer_confidential"], messages
    messages, found = answer("contact_time", "how much does it cost?", {}, intent="ask_cost")
    assert found["contact_time"] is None
    assert "free" in messages[0]["text"].lower(), messages


def _what_matters_answer(text: str, intent: str, asking: str = "what_matters") -> dict:
    from actions.what_matters import ValidateWhatMattersForm

    state = Tracker(
        sender_id="r",
        slots={"requested_slot": asking},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "what_matters_form"},
        latest_action_name="action_listen",
    )
    form = ValidateWhatMattersForm()
    return asyncio.run(form.get_extraction_events(CollectingDispatcher(), state, domain()))


def test_an_answer_about_wanting_company_stays_in_the_plan() -> None:
    for text in ["having someone to talk to", "a reason to get dressed in the morning"]:
        events = _what_matters_answer(text, "need_support")
        assert [(e["name"], e["value"]) for e in events] == [
            ("what_matters", text),
            ("triage_level", 2),  # still the what-matters level, not a request for a person
        ]
    events = _what_matters_answer("more people to chat to", "need_support", asking="enjoys")
    assert ("enjoys", "more people to chat to") in [(e["name"], e["value"]) for e in events]


def test_a_pastime_read_as_finding_reading_hard_is_an_answer_but_the_difficulty_is_not() -> None:
    for text in [
        "I used to love reading",
        "writing letters to my grandson",
        "crosswords and books",
    ]:
        events = _what_matters_answer(text, "need_other_way", asking="enjoys")
        assert ("enjoys", text) in [(e["name"], e["value"]) for e in events], text
    for text in ["reading is hard for me", "I can't see the screen", "I'm dyslexic"]:
        assert _what_matters_answer(text, "need_other_way", asking="enjoys") == [], text


def test_asking_for_a_person_mid_plan_still_changes_the_path() -> None:
    for text in ["can someone ring me please", "I want a link worker", "can I talk to someone"]:
        assert _what_matters_answer(text, "need_support") == [], text
    assert _what_matters_answer("gardening", "inform") == []  # the from_text mapping has it


READ_BACK = {
    "consent_share": True,
    "contact_name": "Malcolm Reed",
    "contact_method": "text",
    "contact_detail": "07700 900528",
    "contact_time": "weekday afternoons",
    "requested_slot": "referral_confirmed",
}


def at_read_back(text: str, intent: str, mapped: bool | None) -> tuple[list, dict]:
    """(messages, slots set) when the resident answers the read-back with text."""
    events: list[dict[str, Any]] = [{"event": "user", "text": text, "input_channel": "rest"}]
    slots = dict(READ_BACK)
    if mapped is not None:  # what the from_intent mapping set (affirm or deny)
        events.append({"event": "slot", "name": "referral_confirmed", "value": mapped})
        slots["referral_confirmed"] = mapped
    said = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return validate(events, slots, said)


def test_a_correction_at_the_read_back_changes_only_what_it_corrects() -> None:
    _, found = at_read_back("no the number is wrong, it should be 07700 900582", "deny", False)
    assert found["contact_detail"] == "07700 900582"
    assert found.get("referral_confirmed") is None
    assert "contact_name" not in found and "contact_time" not in found
    _, found = at_read_back("no, please call me Mal", "deny", False)
    assert found["contact_name"] == "Mal" and "contact_detail" not in found
    _, found = at_read_back("yes but the number should be 07700 900582", "affirm", True)
    assert found["contact_detail"] == "07700 900582" and found["referral_confirmed"] is None


def test_a_detail_said_to_be_wrong_is_asked_for_again_alone() -> None:
    _, found = at_read_back("the number is wrong", "inform", None)
    assert found["contact_detail"] is None
    assert "contact_name" not in found and "contact_method" not in found


def test_a_plain_no_at_the_read_back_asks_for_the_details_again() -> None:
    messages, found = at_read_back("no", "deny", False)
    assert found["contact_name"] is None and found["contact_detail"] is None
    _, found = at_read_back("yes that's right", "affirm", True)
    assert found["referral_confirmed"] is True


def test_the_person_asked_for_is_kept_when_a_form_starts() -> None:
    from actions.what_matters import ValidateWhatMattersForm

    def state(events: list[dict[str, Any]], slots: dict[str, Any]) -> Tracker:
        return Tracker(
            sender_id="r",
            slots={"requested_slot": None, **slots},
            latest_message={"text": "yes please", "intent": {"name": "affirm"}},
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": "what_matters_form"},
            latest_action_name="action_listen",
        )

    said = [
        {"event": "user", "text": "I'm looking for something for my mum in Louth"},
        {"event": "restart"},
        {"event": "user", "text": "I'd like some ideas for my dad"},
    ]
    form = ValidateWhatMattersForm()
    events = asyncio.run(
        form.get_extraction_events(CollectingDispatcher(), state(said, {}), domain())
    )
    assert [(e["name"], e["value"]) for e in events] == [("for_whom", "dad")]
    kept = state(said, {"for_whom": "dad"})
    again = asyncio.run(form.get_extraction_events(CollectingDispatcher(), kept, domain()))
    assert not [e for e in again if e["name"] == "for_whom"]


def test_a_typed_choice_of_another_path_hands_the_turn_back() -> None:
    import pytest
    from rasa_sdk.interfaces import ActionExecutionRejection

    from actions.groups import ValidateGroupSearchForm
    from actions.what_matters import ValidateWhatMattersForm

    def state(text: str) -> Tracker:
        return Tracker(
            sender_id="r",
            slots={"requested_slot": "what_matters", "what_matters": text},
            latest_message={"text": text, "intent": {"name": "find_group"}, "entities": []},
            events=[
                {"event": "user", "text": text},
                {"event": "slot", "name": "what_matters", "value": text},
            ],
            paused=False,
            followup_action=None,
            active_loop={"name": "what_matters_form"},
            latest_action_name="action_listen",
        )

    with pytest.raises(ActionExecutionRejection):
        asyncio.run(
            ValidateWhatMattersForm().run(CollectingDispatcher(), state("Find a group"), domain())
        )
    kept = asyncio.run(
        ValidateWhatMattersForm().run(CollectingDispatcher(), state("gardening"), domain())
    )
    assert {"event": "slot", "name": "what_matters", "value": "gardening"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in kept if e["event"] == "slot"
    ]
    same_path = state("find a group")
    asyncio.run(ValidateGroupSearchForm().run(CollectingDispatcher(), same_path, domain()))


def test_details_given_in_the_request_are_not_asked_for_again() -> None:
    said = "Can someone ring me on 07700900845 please, my name is Alan Webb"
    request = {"text": said, "intent": {"name": "need_support"}, "entities": []}
    events = [{"event": "user", "text": said, "parse_data": request}]
    _, found = validate(list(events), {"requested_slot": None}, request)
    assert found["contact_name"] == "Alan Webb"
    assert (found["contact_method"], found["contact_detail"]) == ("phone", "07700 900845")
    later = {"requested_slot": "contact_time", "contact_name": None}
    _, found = validate(events, later, {"text": "mornings", "intent": {"name": "inform"}})
    assert "contact_name" not in found  # only when the form starts: a cleared name stays cleared


def test_a_search_chosen_instead_of_the_plan_is_level_1_and_one_inside_a_plan_stays_2() -> None:
    from actions.groups import ValidateGroupSearchForm

    def level_after(slots: dict[str, Any]) -> list:
        state = Tracker("r", slots, {}, [], False, None, {}, "action_listen")
        return [(e["name"], e["value"]) for e in ValidateGroupSearchForm()._level(state)]

    assert level_after({"triage_level": 2}) == [("triage_level", 1)]
    assert level_after({"triage_level": 2, "plan": {"text": "Here is your plan."}}) == []
    assert level_after({"triage_level": 3}) == []
    assert level_after({}) == [("triage_level", 1)]
    assert level_after({"triage_level": 1}) == []
