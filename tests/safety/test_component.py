"""The safety net component has the last word on a message's intent."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_net import SafetyNet
from frontdoor.embeddings import DIMENSIONS
from frontdoor.safety.categories import CATEGORIES
from frontdoor.safety.model import RiskModel


def message(text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as the classifiers before the safety net leave it."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    msg = Message(data={"text": text})
    msg.set("intent", intents[0], add_to_output=True)
    msg.set("intent_ranking", intents, add_to_output=True)
    return msg


def constant_model(
    probability: float, category: str = "self_harm", alarm: float = 0.5, alarm_floor: float = 0.05
) -> RiskModel:
    """A classifier that gives every message the same risk and category; it checks from 0.5
    (0.02 with the lexicon) and is sure from `alarm` (`alarm_floor` with the lexicon)."""
    bias = float(np.log(probability / (1 - probability)))
    category_bias = np.array([1.0 if c == category else 0.0 for c in CATEGORIES])
    return RiskModel(
        support_vectors=np.zeros((1, DIMENSIONS)),
        dual_coef=np.zeros(1),
        intercept=bias,
        gamma=1.0,
        platt=(1.0, 0.0),
        category_weights=np.zeros((len(CATEGORIES), DIMENSIONS)),
        category_bias=category_bias,
        threshold=0.5,
        lexicon_floor=0.02,
        alarm_threshold=alarm,
        alarm_floor=alarm_floor,
    )


def net_with(model: RiskModel | None) -> SafetyNet:
    return SafetyNet({}, model_storage=None, resource=None, model=model)  # type: ignore[arg-type]


def output(msg: Message) -> dict:
    return msg.as_dict(only_output_properties=True)


def test_lexicon_and_a_doubtful_model_make_a_crisis() -> None:
    msg = message("i wanna kms", [("greet", 0.7), ("crisis_self_harm", 0.2)])
    net_with(constant_model(0.1)).process([msg])
    assert msg.get("intent") == {"name": "crisis_self_harm", "confidence": 1.0}
    assert msg.get("intent_ranking")[0]["name"] == "crisis_self_harm"
    safety = output(msg)["safety"]
    assert (safety["category"], safety["source"], safety["words"]) == (
        "self_harm",
        "lexicon",
        "kms",
    )
    assert safety["under_19"] is False


def test_lexicon_and_a_sure_model_agree() -> None:
    msg = message("I want to end my life", [("need_guidance", 0.9), ("greet", 0.1)])
    net_with(constant_model(0.9)).process([msg])
    assert output(msg)["safety"]["source"] == "both"
    assert output(msg)["safety"]["request"] == "need_guidance"


def test_a_lexicon_match_the_model_is_sure_of_is_let_go() -> None:
    """'I self-harmed years ago, I'm well now': the words match, the meaning does not."""
    msg = message("I used to self harm years ago, doing well now", [("inform", 0.8)])
    net_with(constant_model(0.001)).process([msg])
    assert msg.get("intent")["name"] == "inform"
    assert "safety" not in output(msg)


def test_the_model_alone_finds_risk_in_words_the_lexicon_lacks() -> None:
    msg = message("everything is a bit grey", [("need_guidance", 0.55), ("affirm", 0.3)])
    net_with(constant_model(0.95, "danger_now")).process([msg])
    assert msg.get("intent")["name"] == "crisis_danger_now"
    assert output(msg)["safety"]["source"] == "model"
    assert output(msg)["safety"]["words"] == "everything is a bit grey"


def test_the_intent_classifiers_crisis_guess_carries_no_weight() -> None:
    msg = message("my husband does the driving", [("crisis_domestic_abuse", 1.0), ("inform", 0.6)])
    net_with(constant_model(0.05)).process([msg])
    assert msg.get("intent") == {"name": "inform", "confidence": 0.6}
    assert all(not r["name"].startswith("crisis_") for r in msg.get("intent_ranking"))
    assert "safety" not in output(msg)


def test_an_unsure_ordinary_intent_becomes_fallback() -> None:
    msg = message("blah blah wibble", [("crisis_medical", 0.9), ("greet", 0.05)])
    net_with(constant_model(0.05)).process([msg])
    assert msg.get("intent")["name"] == "nlu_fallback"


def test_ordinary_messages_are_left_alone() -> None:
    msg = message("I'd like a walking group", [("find_group", 0.95), ("inform", 0.05)])
    net_with(constant_model(0.01)).process([msg])
    assert msg.get("intent") == {"name": "find_group", "confidence": 0.95}
    assert "safety" not in output(msg)


def test_without_a_model_the_lexicon_still_answers() -> None:
    msg = message("he's not breathing", [("nlu_fallback", 0.4), ("inform", 0.3)])
    net_with(None).process([msg])
    assert msg.get("intent")["name"] == "crisis_medical"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I have taken too many tablets", "danger_now"),
        ("my son takes my pension every week", "adult_at_risk"),
        ("my friend says she is going to kill herself", "someone_else"),
    ],
)
def test_the_lexicons_category_names_the_reply_when_it_alone_found_risk(
    text: str, category: str
) -> None:
    msg = message(text, [("inform", 0.9)])
    net_with(constant_model(0.1, "self_harm")).process([msg])
    assert msg.get("intent")["name"] == f"crisis_{category}"


def test_the_classifiers_category_names_the_reply_when_it_found_risk_too() -> None:
    msg = message("I have taken too many tablets", [("inform", 0.9)])
    net_with(constant_model(0.9, "medical")).process([msg])
    assert msg.get("intent")["name"] == "crisis_medical"
    assert output(msg)["safety"]["source"] == "both"


def test_under_19_is_passed_on() -> None:
    msg = message("im 15 and i want to die", [("crisis_self_harm", 0.9)])
    net_with(constant_model(0.9)).process([msg])
    assert output(msg)["safety"]["under_19"] is True


def test_the_classifier_trains_again_when_its_data_changes(tmp_path) -> None:
    (tmp_path / "a.yml").write_text("category: nonsense\nkind: negative\nexamples: [x]\n")
    before = SafetyNet.fingerprint_addon({"risk_data": str(tmp_path)})
    assert SafetyNet.fingerprint_addon({"risk_data": str(tmp_path)}) == before
    (tmp_path / "a.yml").write_text("category: nonsense\nkind: negative\nexamples: [y]\n")
    assert SafetyNet.fingerprint_addon({"risk_data": str(tmp_path)}) != before


def test_risk_the_classifier_is_not_sure_of_asks_the_safety_check() -> None:
    msg = message("he goes through my phone every night", [("inform", 0.7), ("greet", 0.1)])
    net_with(constant_model(0.6, "domestic_abuse", alarm=0.8)).process([msg])
    assert msg.get("intent") == {"name": "safety_check", "confidence": 1.0}
    safety = output(msg)["safety"]
    assert (safety["category"], safety["source"], safety["sure"]) == (
        "domestic_abuse",
        "model",
        False,
    )
    assert safety["request"] == "inform"


def test_words_from_the_lexicon_with_a_doubtful_classifier_ask_the_safety_check() -> None:
    msg = message("i wanna kms", [("greet", 0.7)])
    net_with(constant_model(0.1, alarm=0.8, alarm_floor=0.3)).process([msg])
    assert msg.get("intent")["name"] == "safety_check"
    assert output(msg)["safety"]["words"] == "kms"


def test_the_classifier_sure_of_risk_gives_the_crisis_reply_at_once() -> None:
    msg = message("he goes through my phone every night", [("inform", 0.7)])
    net_with(constant_model(0.85, "domestic_abuse", alarm=0.8)).process([msg])
    assert msg.get("intent")["name"] == "crisis_domestic_abuse"
    assert output(msg)["safety"]["sure"] is True


def test_rasa_creates_the_net_untrained_and_loads_what_training_stored(tmp_path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("safety_net")
    context = ExecutionContext(graph_schema=None, node_name="safety_net")  # type: ignore[arg-type]
    created = SafetyNet.create({"fallback_threshold": 0.9}, storage, resource, context)
    assert created.model is None
    assert created.config["fallback_threshold"] == 0.9
    assert created.config["target_recall"] == 0.97
    with storage.write_to(resource) as folder:
        constant_model(0.95, "danger_now").save(folder)
    loaded = SafetyNet.load({}, storage, resource, context)
    msg = message("everything is a bit grey", [("need_guidance", 0.55)])
    loaded.process([msg])
    assert msg.get("intent")["name"] == "crisis_danger_now"
