"""The safety net component has the last word on a message's intent."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_net import SafetyNet


def message(text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as the classifiers before the safety net leave it."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    msg = Message(data={"text": text})
    msg.set("intent", intents[0], add_to_output=True)
    msg.set("intent_ranking", intents, add_to_output=True)
    return msg


@pytest.fixture()
def net() -> SafetyNet:
    return SafetyNet({"model_threshold": 0.6})


def output(msg: Message) -> dict:
    return msg.as_dict(only_output_properties=True)


def test_lexicon_overrides_the_model(net: SafetyNet) -> None:
    msg = message("i wanna kms", [("greet", 0.7), ("crisis_self_harm", 0.2)])
    net.process([msg])
    assert msg.get("intent") == {"name": "crisis_self_harm", "confidence": 1.0}
    assert msg.get("intent_ranking")[0]["name"] == "crisis_self_harm"
    assert output(msg)["safety"] == {
        "category": "self_harm",
        "source": "lexicon",
        "under_19": False,
    }


def test_lexicon_and_model_agree(net: SafetyNet) -> None:
    msg = message("I want to end my life", [("crisis_self_harm", 0.9), ("greet", 0.1)])
    net.process([msg])
    assert output(msg)["safety"]["source"] == "both"


def test_lexicon_alone_is_enough(net: SafetyNet) -> None:
    msg = message("my partner hits me", [("inform", 0.9), ("affirm", 0.1)])
    net.process([msg])
    assert msg.get("intent")["name"] == "crisis_domestic_abuse"
    assert output(msg)["safety"]["source"] == "lexicon"


def test_lexicon_overrides_nlu_fallback(net: SafetyNet) -> None:
    msg = message("he's not breathing", [("nlu_fallback", 0.4), ("inform", 0.3)])
    net.process([msg])
    assert msg.get("intent")["name"] == "crisis_medical"


def test_model_alone_above_threshold(net: SafetyNet) -> None:
    msg = message(
        "everything feels pointless and dark", [("need_guidance", 0.3), ("crisis_self_harm", 0.65)]
    )
    net.process([msg])
    assert msg.get("intent")["name"] == "crisis_self_harm"
    assert output(msg)["safety"]["source"] == "model"


def test_model_below_threshold_is_not_enough(net: SafetyNet) -> None:
    msg = message("everything is a bit grey", [("need_guidance", 0.55), ("crisis_self_harm", 0.3)])
    net.process([msg])
    assert msg.get("intent")["name"] == "need_guidance"
    assert "safety" not in output(msg)


def test_figure_of_speech_vetoes_the_models_crisis(net: SafetyNet) -> None:
    msg = message("this weather is killing me", [("crisis_self_harm", 0.8), ("out_of_scope", 0.15)])
    net.process([msg])
    assert msg.get("intent")["name"] == "out_of_scope"
    assert all(not r["name"].startswith("crisis_") for r in msg.get("intent_ranking"))
    assert "safety" not in output(msg)


def test_ordinary_messages_are_left_alone(net: SafetyNet) -> None:
    msg = message("I'd like a walking group", [("find_group", 0.95), ("inform", 0.05)])
    net.process([msg])
    assert msg.get("intent") == {"name": "find_group", "confidence": 0.95}
    assert "safety" not in output(msg)


def test_under_19_is_passed_on(net: SafetyNet) -> None:
    msg = message("im 15 and i want to die", [("crisis_self_harm", 0.9)])
    net.process([msg])
    assert output(msg)["safety"]["under_19"] is True
