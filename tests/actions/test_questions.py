"""Common questions: answers about the groups just shown come from their directory records;
with none shown, a general answer; a phone call for a resident who finds typing hard."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from action_helpers import run, slots_set, tracker
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor

from actions.groups import ActionSuggestGroups
from actions.questions import (
    ANSWERS,
    ActionAnswerWhatNext,
    ActionOfferPhoneCall,
    ActionPhoneCallDeclined,
    shown_group_ids,
)
from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.directory.importer import import_services
from frontdoor.responses import filled
from frontdoor.sms import is_gsm7
from frontdoor.store.db import session_scope

SAMPLE = json.loads(SAMPLE_DIRECTORY.read_text(encoding="utf-8"))
BY_NAME = {record["name"]: record for record in SAMPLE}
KNIT = BY_NAME["Bourne Knit and Natter"]
ONLINE = BY_NAME["Lincs Online Chat Cafe"]
PAID = next(r for r in SAMPLE if r["fees"] == "3 pounds a session" and r.get("schedules"))


def asked(slots: dict[str, Any], text: str, events: list[dict] | None = None, **kw: Any) -> Tracker:
    """A tracker where the resident has just asked `text`."""
    state = tracker(slots, text=text, **kw)
    state.events = events or []
    return state


def answer_text(action: Any, state: Tracker) -> str:
    [message] = run(action, state)[0]
    return message["text"]


def only_line(text: str, name: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith(name)]
    return line


def kinds(events: list[dict]) -> list[tuple[str, Any]]:
    return [(e["event"], e.get("name")) for e in events]


def shown(*records: dict) -> dict[str, Any]:
    return {"suggested_groups": [r["id"] for r in records]}


def test_times_after_a_search_are_those_of_the_groups_shown(directory_url: str) -> None:
    slots = {"activity": "knit and natter", "town": "Bourne"}
    messages, events = run(ActionSuggestGroups(), tracker(slots))
    offered = slots_set(events)["suggested_groups"]
    bot = {"event": "bot", "text": messages[0]["text"], "data": {"custom": messages[0]["custom"]}}
    state = asked({**slots, "suggested_groups": offered}, "what time does it start", [bot])
    text = answer_text(ANSWERS["times"](), state)
    assert KNIT["id"] in offered
    assert "Bourne Knit and Natter meets Fridays, 1.30pm to 3.30pm." in text.splitlines()
    for group_id in offered:
        record = next(r for r in SAMPLE if r["id"] == group_id)
        assert record["schedules"][0]["description"].split(",")[1].strip() in text
    assert len(text.splitlines()) == len(offered) and is_gsm7(text)


def test_the_groups_of_the_latest_message_are_the_ones_asked_about() -> None:
    first = {"event": "bot", "data": {"custom": {"type": "groups", "groups": [{"id": "a"}]}}}
    latest = {"event": "bot", "data": {"custom": {"type": "groups", "groups": [{"id": "d"}]}}}
    other = {"event": "bot", "text": "You can also ask for free ones."}
    state = asked({"suggested_groups": ["a", "b", "c", "d"]}, "when", [first, latest, other])
    assert shown_group_ids(state) == ["d"]
    assert shown_group_ids(asked({"suggested_groups": list("abcde")}, "when")) == ["c", "d", "e"]
    assert shown_group_ids(asked({"suggested_groups": []}, "when", [latest])) == []


def test_cost_is_the_directory_fee(directory_url: str) -> None:
    text = answer_text(ANSWERS["cost"](), asked(shown(KNIT, PAID), "how much is it"))
    assert text.splitlines() == [
        "Bourne Knit and Natter is free.",
        f"{PAID['name']}: 3 pounds a session.",
    ]


def test_transport_gives_the_address_and_the_bus_route(directory_url: str) -> None:
    text = answer_text(ANSWERS["transport"](), asked(shown(KNIT), "how do I get there"))
    assert only_line(text, "Bourne Knit and Natter") == (
        "Bourne Knit and Natter meets at Bourne Methodist Church Hall, 109 Queen Street, "
        "Bourne PE10 4ZZ. It is on a bus route."
    )
    assert "talk to a person" in text and is_gsm7(text)


def test_access_is_the_directory_wording_and_a_carer_is_for_the_group_to_say(
    directory_url: str,
) -> None:
    plain = answer_text(ANSWERS["access"](), asked(shown(KNIT), "is it wheelchair accessible"))
    assert plain == (
        "Bourne Knit and Natter: Some steps at the entrance; please ask for help. "
        "Also: on a bus route."
    )
    carer = answer_text(ANSWERS["access"](), asked(shown(KNIT), "can I bring my carer"))
    assert carer.splitlines()[-1] == "Each group can tell you about bringing a carer or a friend."


def test_an_online_group_needs_no_journey(directory_url: str) -> None:
    state = asked(shown(ONLINE), "how do I get there")
    assert only_line(answer_text(ANSWERS["transport"](), state), ONLINE["name"]) == (
        "Lincs Online Chat Cafe is online, so there is no journey."
    )
    times = answer_text(ANSWERS["times"](), asked(shown(ONLINE), "when is it"))
    assert times == "Lincs Online Chat Cafe runs online Wednesdays, 2pm to 3pm."


@pytest.fixture()
def sparse_group(directory_url: str) -> dict:
    """A group whose record says nothing of times, cost, access or address."""
    record = copy.deepcopy(KNIT)
    record.update(id="sparse-1", name="Quiet Corner Group", fees="", schedules=[])
    record.pop("cost_options", None)
    place = record["service_at_locations"][0]
    place["id"] = "sparse-sal-1"
    place["location"] = {"id": "sparse-loc-1", "latitude": 52.77, "longitude": -0.38}
    record["contacts"][0]["id"] = "sparse-contact-1"
    record["contacts"][0]["phones"] = [{"id": "sparse-phone-1", "number": "01632 960999"}]
    with session_scope() as session:
        report = import_services(session, [record], full=False)
    assert not report.rejected
    return record


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ANSWERS["times"](), "the group can tell you when it meets. Call them on 01632 960999."),
        (ANSWERS["cost"](), "the group can tell you the cost. Call them on 01632 960999."),
        (ANSWERS["access"](), "the group can tell you about access. Call them on 01632 960999."),
        (
            ANSWERS["transport"](),
            "the group can tell you where it meets. Call them on 01632 960999.",
        ),
    ],
)
def test_what_the_directory_does_not_say_is_left_to_the_group(
    sparse_group: dict, action: Any, expected: str
) -> None:
    text = answer_text(action, asked(shown(sparse_group), "tell me"))
    assert only_line(text, "Quiet Corner Group") == f"Quiet Corner Group: {expected}"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (ANSWERS["cost"](), "cost_general"),
        (ANSWERS["times"](), "times_general"),
        (ANSWERS["access"](), "access_general"),
        (ANSWERS["transport"](), "transport_general"),
    ],
)
def test_with_no_groups_shown_the_answer_is_general(
    directory_url: str, action: Any, message: str
) -> None:
    [sent] = run(action, asked({"suggested_groups": []}, "how much"))[0]
    assert sent["text"] == filled(f"utter_{message}")


def test_cost_in_general_says_a_link_worker_is_free(directory_url: str) -> None:
    [sent] = run(ANSWERS["cost"](), asked({}, "do I pay for the link worker"))[0]
    assert sent["text"].startswith("Talking to a link worker is free.")


def test_what_next_after_a_referral_gives_the_reference_and_when(directory_url: str) -> None:
    routine = {"referral_reference": "FD-7K3Q9M", "urgency": "routine"}
    [sent] = run(ActionAnswerWhatNext(), asked(routine, "what happens next"))[0]
    assert sent["text"].startswith("A link worker will contact you within 2 working days.")
    assert "FD-7K3Q9M" in sent["text"]
    urgent = {**routine, "urgency": "urgent"}
    [sent] = run(ActionAnswerWhatNext(), asked(urgent, "what happens next"))[0]
    assert sent["text"].startswith("A link worker will contact you today.")


@pytest.mark.parametrize(
    ("slots", "loop", "message"),
    [
        ({}, "group_search_form", "what_next_search"),
        ({"referral_reference": "FD-OLD"}, "what_matters_form", "what_next_what_matters"),
        ({}, "referral_form", "what_next_referral"),
        ({"suggested_groups": ["a"]}, None, "what_next_groups"),
        ({}, None, "what_next_general"),
    ],
)
def test_what_next_fits_where_the_resident_is(slots: dict, loop: str | None, message: str) -> None:
    [sent] = run(ActionAnswerWhatNext(), asked(slots, "what now", active_loop=loop))[0]
    assert sent["text"] == filled(f"utter_{message}")


def test_a_phone_call_offer_sets_a_search_aside() -> None:
    messages, events = run(
        ActionOfferPhoneCall(), asked({}, "I can't read well", active_loop="group_search_form")
    )
    assert messages[0]["text"].endswith("Would you like that? Reply yes or no.")
    assert ("active_loop", None) in kinds(events)
    assert slots_set(events)["paused_form"] == "group_search_form"
    _, events = run(ActionOfferPhoneCall(), asked({}, "I can't use computers"))
    assert slots_set(events) == {"paused_form": None}
    assert not [e for e in events if e["event"] == "active_loop"]


def test_no_phone_call_goes_back_to_the_form_set_aside() -> None:
    messages, events = run(
        ActionPhoneCallDeclined(), asked({"paused_form": "what_matters_form"}, "no thanks")
    )
    assert messages[0]["text"] == filled("utter_phone_call_declined")
    assert ("followup", "what_matters_form") in kinds(events)
    assert slots_set(events) == {"paused_form": None}
    messages, events = run(ActionPhoneCallDeclined(), asked({}, "no"))
    assert messages[1]["response"] == "utter_way_back" and events == []


def test_the_answers_are_registered_with_the_action_server() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    names = {
        "action_answer_cost",
        "action_answer_times",
        "action_answer_access",
        "action_answer_transport",
        "action_answer_what_next",
        "action_offer_phone_call",
        "action_phone_call_declined",
    }
    assert names <= set(executor.actions)


def test_every_answer_about_groups_is_gsm7_with_no_question(directory_url: str) -> None:
    groups = shown(KNIT, PAID, ONLINE)
    for action in (ANSWERS["cost"](), ANSWERS["times"](), ANSWERS["access"]()):
        text = answer_text(action, asked(groups, "can I bring my carer"))
        assert is_gsm7(text) and "?" not in text
    text = answer_text(ANSWERS["transport"](), asked(groups, "how do I get there"))
    assert is_gsm7(text) and "?" not in text


def test_questions_are_worded_for_the_person_asked_for() -> None:
    from actions.conversation import QUESTIONS

    asks = {cls().name(): cls() for cls in QUESTIONS}
    for name, expected in [
        ("action_ask_what_matters", "What matters most to your mum right now?"),
        ("action_ask_enjoys", "What does your mum enjoy"),
        ("action_ask_consent_share", "Please check your mum is happy for you to ask."),
    ]:
        messages, _ = run(asks[name], tracker({"for_whom": "mum"}))
        assert expected in messages[0]["text"], messages
        messages, _ = run(asks[name], tracker({}))
        assert "mum" not in messages[0]["text"]
