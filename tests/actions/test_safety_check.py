"""The safety check: possible risk the safety net is not sure of gets 999 first and one
question; "yes" brings the crisis reply for what was found, "no" goes back to the form."""

from __future__ import annotations

from action_helpers import run, slots_set, tracker

from actions.safety import ActionCheckSafety, ActionCrisisResponse, ActionSafetyCleared

FOUND = {
    "category": "domestic_abuse",
    "source": "model",
    "words": "he checks my phone every night",
    "probability": 0.31,
    "under_19": False,
    "sure": False,
}


def unsure():
    state = tracker(text="he checks my phone every night", intent="safety_check")
    state.latest_message["safety"] = dict(FOUND)
    return state


def test_the_check_gives_999_first_and_asks_about_the_risk_found() -> None:
    messages, events = run(ActionCheckSafety(), unsure())
    [message] = messages
    assert message["text"].startswith("I want to check you are safe. If anyone is in danger now")
    assert "999" in message["text"]
    assert "at home hurting you, scaring you or controlling you?" in message["text"]
    assert message["text"].endswith("Reply yes or no.")
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    assert slots_set(events) == {"risk_check": FOUND}


def test_yes_to_the_check_brings_the_crisis_reply_for_what_was_found() -> None:
    answered = tracker({"risk_check": dict(FOUND), "paused_form": "referral_form"}, text="yes")
    answered.latest_message["intent"] = {"name": "affirm", "confidence": 1.0}
    messages, events = run(ActionCrisisResponse(), answered)
    assert "National Domestic Abuse Helpline" in messages[0]["text"]
    slots = slots_set(events)
    assert slots["risk"] == "domestic_abuse"
    assert (slots["risk_check"], slots["paused_form"]) == (None, None)


def test_no_to_the_check_thanks_them_and_forgets_it() -> None:
    answered = tracker({"risk_check": dict(FOUND)}, text="no", intent="deny")
    messages, events = run(ActionSafetyCleared(), answered)
    assert messages[0]["text"].startswith("Thank you for telling me.")
    assert "116 123" in messages[0]["text"]
    assert slots_set(events) == {"risk_check": None}


def test_a_crisis_said_outright_is_answered_for_itself_not_for_an_old_check() -> None:
    state = tracker({"risk_check": dict(FOUND)}, text="I took all my pills", intent="crisis_x")
    state.latest_message["intent"] = {"name": "crisis_danger_now", "confidence": 1.0}
    state.latest_message["safety"] = {"category": "danger_now", "source": "both"}
    messages, _ = run(ActionCrisisResponse(), state)
    assert messages[0]["text"].startswith("Please call 999 now")


def after_a_check(request: str | None, entities: list[dict] | None = None):
    """A tracker where a message raised the safety check and the resident said no."""
    safety = {**FOUND, **({"request": request} if request else {})}
    checked = {
        "event": "user",
        "text": "the message that was checked",
        "parse_data": {
            "intent": {"name": "safety_check", "confidence": 1.0},
            "entities": entities or [],
            "safety": safety,
        },
    }
    state = tracker(text="no, I'm fine", intent="deny")
    state.events = [checked, {"event": "action", "name": "action_check_safety"}]
    return state


def test_after_no_the_resident_gets_what_the_checked_message_asked_for() -> None:
    from rasa_sdk.events import FollowupAction

    from actions.safety import ActionCarryOn

    messages, events = run(ActionCarryOn(), after_a_check("need_support"))
    assert "friendly person from the council" in messages[0]["text"]
    assert FollowupAction("referral_form") in events
    assert slots_set(events)["triage_level"] == 3

    places = [{"entity": "town", "value": "Skegness"}, {"entity": "activity", "value": "darts"}]
    messages, events = run(ActionCarryOn(), after_a_check("find_group", places))
    assert messages == [] and FollowupAction("group_search_form") in events
    assert slots_set(events) == {"town": "Skegness", "activity": "darts"}

    messages, events = run(ActionCarryOn(), after_a_check("need_guidance"))
    assert messages[0]["response"] == "utter_what_matters_intro"
    assert FollowupAction("what_matters_form") in events


def test_after_no_with_nothing_asked_for_the_way_back() -> None:
    from actions.safety import ActionCarryOn

    messages, events = run(ActionCarryOn(), after_a_check(None))
    assert [m["response"] for m in messages] == ["utter_way_back"] and events == []
