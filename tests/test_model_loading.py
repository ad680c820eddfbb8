"""The trained model loaded for prediction without Rasa's training step (bot/model_loading.py)
understands every message exactly as Rasa's own loading makes it: the same intents, in the
same order, with the same confidences, and the same entities."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot import model_loading
from frontdoor.runner import DEFAULT_MODEL

# Everyday and hard messages, written here (none is a training or held-out sentence).
MESSAGES = [
    "hello",
    "is there a walking group near Boston on Tuesdays",
    "my mum is lonely and I look after her, what is there for carers",
    "I don't really know what I want",
    "can I talk to a real person please",
    "yes",
    "no thanks",
    "something in Skegness for someone in a wheelchair",
    "I want to end it all",
    "my partner hits me",
    "knitting",
    "bye",
]


def understood(agent: Agent) -> list[dict[str, Any]]:
    """What the model made of each message: intents with confidences, and entities."""

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in MESSAGES]

    return [
        {
            "intents": [(i["name"], i["confidence"]) for i in parsed["intent_ranking"]],
            "entities": [(e["entity"], e["value"], e.get("extractor")) for e in parsed["entities"]],
        }
        for parsed in asyncio.run(parse_all())
    ]


@pytest.fixture()
def rasas_own_load() -> Iterator[None]:
    model_loading.uninstall()
    yield
    model_loading.uninstall()


def test_the_quick_load_predicts_exactly_as_rasas_own(rasas_own_load: None) -> None:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does)")
    rasas = understood(Agent.load(str(DEFAULT_MODEL)))
    model_loading.install()
    assert RasaModel.load.__func__ is model_loading.load  # type: ignore[attr-defined]
    quick = understood(Agent.load(str(DEFAULT_MODEL)))
    assert [m["intents"][0][0] for m in quick] == [m["intents"][0][0] for m in rasas]
    for ours, theirs in zip(quick, rasas, strict=True):
        assert [name for name, _ in ours["intents"]] == [name for name, _ in theirs["intents"]]
        assert [c for _, c in ours["intents"]] == pytest.approx(
            [c for _, c in theirs["intents"]], abs=1e-6
        )
        assert ours["entities"] == theirs["entities"]


def test_other_models_and_fine_tuning_keep_rasas_own_load(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[type, bool]] = []

    def rasas(
        cls: type,
        name: str,
        example: Any,
        predict: Any = None,
        finetune: bool = False,
        *a: Any,
        **k: Any,
    ) -> str:
        calls.append((cls, finetune))
        return "rasa's"

    monkeypatch.setattr(model_loading, "RASAS_LOAD", rasas)

    class OtherModel(RasaModel):
        pass

    from rasa.nlu.classifiers.diet_classifier import DIET

    example = RasaModelData()
    assert model_loading.load(OtherModel, "f", example, example) == "rasa's"
    assert model_loading.load(DIET, "f", example, example, True) == "rasa's"
    assert model_loading.load(DIET, "f", example, None) == "rasa's"
    assert calls == [(OtherModel, False), (DIET, True), (DIET, False)]
