"""The safety net: the last word on every message's intent, before any dialogue step."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety_while_paused import CRISIS_PREFIX, answer_crisis_while_paused
from frontdoor.safety import Assessment, assess

SAFETY_KEY = "safety"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    """Combine the curated lexicon with the model's view; risk wins over everything."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"model_threshold": 0.6}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config.get("model_threshold", 0.6))
        answer_crisis_while_paused()  # a link worker holding the chat must not hide a crisis

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.check(message)
        return messages

    def check(self, message: Message) -> None:
        """Set a crisis intent when there is risk; undo the model's crisis on a figure of speech."""
        found = assess(message.get(TEXT) or "")
        model_category = self._model_category(message)
        if found.category or (model_category and not found.figure_of_speech):
            self._mark_crisis(message, found, model_category)
        elif _is_crisis(_intent_name(message)):
            _fall_back_to_ordinary_intent(message)

    def _model_category(self, message: Message) -> str | None:
        """The model's crisis category: its top intent, or any it is confident of."""
        if _is_crisis(_intent_name(message)):
            return _intent_name(message)[len(CRISIS_PREFIX) :]
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            name = ranked.get(INTENT_NAME_KEY) or ""
            if _is_crisis(name) and ranked.get(PREDICTED_CONFIDENCE_KEY, 0) >= self.threshold:
                return name[len(CRISIS_PREFIX) :]
        return None

    @staticmethod
    def _mark_crisis(message: Message, found: Assessment, model_category: str | None) -> None:
        category = found.category or model_category
        source = (
            "both"
            if found.category and model_category
            else ("lexicon" if found.category else "model")
        )
        intent = {INTENT_NAME_KEY: CRISIS_PREFIX + category, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            r
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        message.set(
            SAFETY_KEY,
            {"category": category, "source": source, "under_19": found.under_19},
            add_to_output=True,
        )


def _intent_name(message: Message) -> str:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""


def _is_crisis(name: str) -> bool:
    return name.startswith(CRISIS_PREFIX)


def _fall_back_to_ordinary_intent(message: Message) -> None:
    """A figure of speech: take the model's best intent that is not a crisis."""
    ranking = [
        r
        for r in message.get(INTENT_RANKING_KEY) or []
        if not _is_crisis(r.get(INTENT_NAME_KEY) or "")
    ]
    fallback = {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, ranking[0] if ranking else fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
