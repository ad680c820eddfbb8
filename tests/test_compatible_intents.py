"""An ambiguity fallback between two intents that lead to the same step is taken back."""

from __future__ import annotations

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


def test_a_request_or_a_plain_answer_that_both_start_a_search_is_not_ambiguous() -> None:
    assert intent_after([("inform", 0.52), ("find_group", 0.43)]) == "inform"
    assert intent_after([("find_group", 0.48), ("inform", 0.45)]) == "find_group"


def test_other_ambiguities_and_low_confidence_still_fall_back() -> None:
    assert intent_after([("affirm", 0.5), ("deny", 0.45)]) == "nlu_fallback"
    assert intent_after([("inform", 0.35), ("find_group", 0.3)]) == "nlu_fallback"
    assert intent_after([("inform", 0.5), ("need_guidance", 0.45)]) == "nlu_fallback"


def test_a_confident_intent_is_left_alone() -> None:
    message = Message(data={"text": "a choir in Louth"})
    message.set("intent", {"name": "find_group", "confidence": 0.9}, add_to_output=True)
    message.set("intent_ranking", [{"name": "find_group", "confidence": 0.9}])
    CompatibleIntents({}).process([message])
    assert message.get("intent") == {"name": "find_group", "confidence": 0.9}


def test_words_in_a_script_the_classifier_never_learnt_are_not_understood() -> None:
    for typed in ("فاطمة الزهراء", "王芳", "Мария Иванова"):
        message = Message(data={"text": typed})
        message.set("intent", {"name": "goodbye", "confidence": 0.93}, add_to_output=True)
        message.set("intent_ranking", [{"name": "goodbye", "confidence": 0.93}])
        CompatibleIntents({}).process([message])
        assert message.get("intent")["name"] == "nlu_fallback", typed
    for latin in ("Siobhán Ó Briain", "bye", "07700 900123 ok"):
        message = Message(data={"text": latin})
        message.set("intent", {"name": "goodbye", "confidence": 0.93}, add_to_output=True)
        CompatibleIntents({}).process([message])
        assert message.get("intent")["name"] == "goodbye", latin


def test_a_fallback_that_starts_with_a_plain_yes_or_no_is_that_answer() -> None:
    def after(text: str) -> str:
        message = Message(data={"text": text})
        message.set("intent", {"name": "nlu_fallback", "confidence": 0.3}, add_to_output=True)
        message.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.3}])
        CompatibleIntents({}).process([message])
        return message.get("intent")["name"]

    assert after("not yet thanks, I'll show her the groups first") == "deny"
    assert after("no, maybe another time when I feel better") == "deny"
    assert after("yes, phone is better for me") == "affirm"
    assert after("no idea really") == "nlu_fallback"
    assert after("yes but only on Mondays") == "nlu_fallback"
    assert after("nothing like that round here") == "nlu_fallback"


def test_help_to_choose_with_a_kind_of_group_named_is_a_search() -> None:
    def after(intent: str, entities: list[dict]) -> str:
        message = Message(data={"text": "I'm lonely. Is there a lunch club I could go to?"})
        message.set("intent", {"name": intent, "confidence": 0.57}, add_to_output=True)
        message.set("entities", entities, add_to_output=True)
        CompatibleIntents({}).process([message])
        return message.get("intent")["name"]

    lunch = [{"entity": "activity", "value": "lunch club"}]
    assert after("need_guidance", lunch) == "find_group"
    assert after("need_guidance", [{"entity": "town", "value": "Louth"}]) == "need_guidance"
    assert after("need_support", lunch) == "need_support"  # they asked for a person


def test_a_no_read_as_a_wish_for_a_person_is_a_no_unless_it_asks_for_one() -> None:
    def after(text: str, intent: str) -> str:
        message = Message(data={"text": text})
        message.set("intent", {"name": intent, "confidence": 0.6}, add_to_output=True)
        message.set("intent_ranking", [{"name": intent, "confidence": 0.6}])
        CompatibleIntents({}).process([message])
        return message.get("intent")["name"]

    assert after("no I'll try on my own first thank you", "need_support") == "deny"
    assert after("not yet, I'll see how I get on", "need_guidance") == "deny"
    assert after("no, can someone ring me instead", "need_support") == "need_support"
    assert after("I'd like someone to ring me", "need_support") == "need_support"
    assert after("no thanks, just the groups", "find_group") == "find_group"
    for lonely in ("No one visits me any more", "nobody comes round", "no friends left here"):
        assert after(lonely, "need_guidance") == "need_guidance", lonely  # not a no


def read(text: str, intent: str, entities: list[dict] | None = None) -> Message:
    """A message as the intent model left it, after this component."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.7}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": 0.7}])
    message.set("entities", entities or [], add_to_output=True)
    CompatibleIntents({}).process([message])
    return message


def test_a_service_question_with_no_question_in_it_is_the_answer_typed() -> None:
    assert read("chatting with the neighbours again", "ask_cost").get("intent")["name"] == (
        "nlu_fallback"
    )
    assert read("after tea when the kids are in bed", "ask_times").get("intent")["name"] == (
        "nlu_fallback"
    )
    asked = [
        ("how much is it", "ask_cost"),
        ("cost", "ask_cost"),
        ("I'm on a pension so it has to be free", "ask_cost"),
        ("is there a ramp", "ask_access"),
        ("I don't drive", "ask_transport"),
        ("what happens after this", "ask_what_next"),
        ("before I agree, will my family know", "ask_confidential"),
        ("you keep my details?", "ask_data_kept"),
        ("tell me about social prescribing", "ask_what_is_this"),
    ]
    for text, intent in asked:
        assert read(text, intent).get("intent")["name"] == intent, text


def test_help_to_choose_that_asks_to_be_contacted_is_asking_for_a_person() -> None:
    for text in (
        "I'm so tired of it all, can somebody ring me?",
        "I don't know what would help, could someone get in touch",
        "can I talk to a real person about it",
    ):
        assert read(text, "need_guidance").get("intent")["name"] == "need_support", text
    assert read("I'm not sure what would suit me", "need_guidance").get("intent")["name"] == (
        "need_guidance"
    )


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
        [{"entity": "activity", "value": "lunch club"}],
    )
    assert [e["value"] for e in named.get("entities")] == ["lunch club"]
    for person in (
        "can someone from the team ring me for a chat about my benefits",
        "please phone me, I need help",
    ):
        assert read(person, "need_support").get("intent")["name"] == "need_support", person


def test_a_wish_to_meet_people_without_asking_to_choose_is_a_search() -> None:
    for text in (
        "I'd love to make some new friends",
        "we moved here in the spring and I don't know a soul",
        "want to meet other people my age",
    ):
        assert read(text, "need_guidance").get("intent")["name"] == "find_group", text
    for text in (
        "I want to meet people but I don't know what would suit me",
        "I feel so alone, I need some ideas",
    ):
        assert read(text, "need_guidance").get("intent")["name"] == "need_guidance", text
