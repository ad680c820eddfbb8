"""An ambiguity fallback between two intents that lead to the same step is taken back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.compatible_intents import CompatibleIntents


def parsed(ranking: list[tuple[str, float]]) -> Message:
    """A message as the FallbackClassifier leaves it when the best two are too close."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={"text": "walking groups grantham"})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.4}, add_to_output=True)
    message.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.4}, *intents])
    return message


def intent_after(ranking: list[tuple[str, float]]) -> str:
    message = parsed(ranking)
    CompatibleIntents({}).process([message])
    return message.get("intent")["name"]


def read(
    text: str,
    intent: str,
    confidence: float = 0.7,
    entities: list[dict[str, Any]] | None = None,
) -> Message:
    """A message as the intent model left it, after this component."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    message.set("entities", entities or [], add_to_output=True)
    CompatibleIntents({}).process([message])
    return message


def read_intents(texts: Iterable[str], intent: str, confidence: float = 0.7) -> dict[str, str]:
    """Each text, as the intent model read it, to the intent it has after this component."""
    return {text: read(text, intent, confidence).get("intent")["name"] for text in texts}


def test_a_request_or_a_plain_answer_that_both_start_a_search_is_not_ambiguous() -> None:
    assert intent_after([("inform", 0.52), ("find_group", 0.43)]) == "inform"
    assert intent_after([("find_group", 0.48), ("inform", 0.45)]) == "find_group"


def test_other_ambiguities_and_low_confidence_still_fall_back() -> None:
    assert intent_after([("affirm", 0.5), ("deny", 0.45)]) == "nlu_fallback"
    assert intent_after([("inform", 0.35), ("find_group", 0.3)]) == "nlu_fallback"
    assert intent_after([("inform", 0.5), ("need_guidance", 0.45)]) == "nlu_fallback"


def test_a_confident_intent_is_left_alone() -> None:
    message = read("a choir in Louth", "find_group", 0.9)
    assert message.get("intent") == {"name": "find_group", "confidence": 0.9}


def test_help_to_choose_with_a_kind_of_group_named_is_a_search() -> None:
    def after(intent: str, entities: list[dict[str, Any]]) -> str:
        text = "I'm lonely. Is there a lunch club I could go to?"
        return read(text, intent, 0.57, entities).get("intent")["name"]

    lunch = [{"entity": "activity", "value": "lunch club"}]
    assert after("need_guidance", lunch) == "find_group"
    assert after("need_guidance", [{"entity": "town", "value": "Louth"}]) == "need_guidance"
    assert after("need_support", lunch) == "need_support"  # they asked for a person


def test_a_service_question_with_no_question_in_it_is_the_answer_typed() -> None:
    answered = {
        "chatting with the neighbours again": "ask_cost",
        "after tea when the kids are in bed": "ask_times",
    }
    asked = {
        "how much is it": "ask_cost",
        "cost": "ask_cost",
        "I'm on a pension so it has to be free": "ask_cost",
        "is there a ramp": "ask_access",
        "I don't drive": "ask_transport",
        "what happens after this": "ask_what_next",
        "before I agree, will my family know": "ask_confidential",
        "you keep my details?": "ask_data_kept",
        "tell me about social prescribing": "ask_what_is_this",
    }
    typed = answered | asked
    after = {text: read(text, intent).get("intent")["name"] for text, intent in typed.items()}
    assert after == dict.fromkeys(answered, "nlu_fallback") | asked


def test_someone_to_phone_or_visit_for_company_is_a_search_for_befriending() -> None:
    phoned = read("could a volunteer ring my dad once a week for a natter", "need_support")
    assert phoned.get("intent")["name"] == "find_group"
    assert {"entity": "activity", "value": "telephone befriending"} in [
        {k: e[k] for k in ("entity", "value")} for e in phoned.get("entities")
    ]
    visited = read("she'd like somebody to visit for company", "need_guidance")
    assert [e["value"] for e in visited.get("entities")] == ["befriending"]
    named = read(
        "someone to visit now and again, or a lunch club",
        "need_guidance",
        entities=[{"entity": "activity", "value": "lunch club"}],
    )
    assert [e["value"] for e in named.get("entities")] == ["lunch club"]
    people = (
        "can someone from the team ring me for a chat about my benefits",
        "please phone me, I need help",
    )
    assert read_intents(people, "need_support") == dict.fromkeys(people, "need_support")


# What the intent model read a message as (and how sure it was), and what each message is
# after this component, by what the component does.
READINGS: dict[str, tuple[str, float, dict[str, str]]] = {
    "words in a script the classifier never learnt are not understood": (
        "goodbye",
        0.93,
        {
            "فاطمة الزهراء": "nlu_fallback",
            "王芳": "nlu_fallback",
            "Мария Иванова": "nlu_fallback",
            "Siobhán Ó Briain": "goodbye",
            "bye": "goodbye",
            "07700 900123 ok": "goodbye",
        },
    ),
    "a fallback that starts with a plain yes or no is that answer": (
        "nlu_fallback",
        0.3,
        {
            "not yet thanks, I'll show her the groups first": "deny",
            "no, maybe another time when I feel better": "deny",
            "yes, phone is better for me": "affirm",
            "no idea really": "nlu_fallback",
            "yes but only on Mondays": "nlu_fallback",
            "nothing like that round here": "nlu_fallback",
        },
    ),
    "a no read as a wish for a person is a no unless it asks for one": (
        "need_support",
        0.6,
        {
            "no I'll try on my own first thank you": "deny",
            "no, can someone ring me instead": "need_support",
            "I'd like someone to ring me": "need_support",
        },
    ),
    "a no read as a wish for guidance is a no, and no one or nobody is not a no": (
        "need_guidance",
        0.6,
        {
            "not yet, I'll see how I get on": "deny",
            "No one visits me any more": "need_guidance",
            "nobody comes round": "need_guidance",
            "no friends left here": "need_guidance",
        },
    ),
    "a yes that starts with a plain no is a no; no problem, no worries are still a yes": (
        "affirm",
        0.8,
        {
            "no, that's fine": "deny",
            "No thank you, I'm ok": "deny",
            "nah I'm alright thanks": "deny",
            "no problem": "affirm",
            "no worries, go ahead": "affirm",
            "yes that's fine": "affirm",
            "nobody minds, yes": "affirm",
        },
    ),
    "a no read as a search stays a search": (
        "find_group",
        0.6,
        {"no thanks, just the groups": "find_group"},
    ),
    "help to choose that asks to be contacted is asking for a person": (
        "need_guidance",
        0.7,
        {
            "I'm so tired of it all, can somebody ring me?": "need_support",
            "I don't know what would help, could someone get in touch": "need_support",
            "can I talk to a real person about it": "need_support",
            "I'm not sure what would suit me": "need_guidance",
        },
    ),
    "a wish to meet people without asking to choose is a search": (
        "need_guidance",
        0.7,
        {
            "I'd love to make some new friends": "find_group",
            "we moved here in the spring and I don't know a soul": "find_group",
            "want to meet other people my age": "find_group",
            "I want to meet people but I don't know what would suit me": "need_guidance",
            "I feel so alone, I need some ideas": "need_guidance",
        },
    ),
}


@pytest.mark.parametrize("behaviour", READINGS)
def test_each_message_has_the_intent_it_means(behaviour: str) -> None:
    intent, confidence, after = READINGS[behaviour]
    assert read_intents(after, intent, confidence) == after
