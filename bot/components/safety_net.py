"""The safety net: the last word on every message's intent, before any dialogue step.

It is trained with the assistant: a risk classifier over sentence embeddings learns from
data/safety (crisis and hard negatives, by kind) and from the NLU intents, and its threshold
comes from cross-validation. When it runs, the curated lexicon and the classifier judge each
message together (frontdoor.safety.judge); the intent classifier's own crisis guesses carry
no weight, so a confident model can no longer raise a false alarm on words it never saw.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Self

from rasa.engine.graph import ExecutionContext
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

from bot.components.common import Component, Placement
from frontdoor.embeddings import MODEL_SHA256
from frontdoor.safety import Judgement, judge
from frontdoor.safety import categories as categories_module
from frontdoor.safety import model as model_module
from frontdoor.safety import ngrams as ngrams_module
from frontdoor.safety import training as training_module
from frontdoor.safety.categories import CRISIS_PREFIX, intent_of
from frontdoor.safety.lexicon import LEXICON_FILE
from frontdoor.safety.model import RiskModel, fit
from frontdoor.safety.training import folder_examples, intent_examples

logger = logging.getLogger(__name__)
SAFETY_KEY = "safety"
CRISIS_CHECK = "safety_check"  # risk found but not sure: ask whether they are safe


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyNet(Component, IntentClassifier):
    """Combine the curated lexicon with the risk classifier; risk wins over everything. It
    needs no other component to train (it learns from the data alone); bot/config.yml puts it
    last."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "risk_data": "data/safety",  # training examples by kind, beside data/nlu
            "target_recall": 0.97,  # of crisis examples, out of fold: the check thresholds
            "alarm_false_alarms": 0.02,  # of other examples, out of fold: the alarm thresholds
            "regularisation": 10.0,  # C of the support vector machine
            "fallback_threshold": 0.4,  # as the FallbackClassifier: below it, nlu_fallback
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Train again when the risk data, the lexicon, the encoder or the fitting changes."""
        digest = hashlib.sha256(MODEL_SHA256.encode() + LEXICON_FILE.read_bytes())
        for module in (model_module, ngrams_module, training_module, categories_module):
            digest.update(Path(module.__file__ or "").read_bytes())  # how it is fitted
        for path in sorted(Path(config.get("risk_data", "data/safety")).glob("**/*.yml")):
            digest.update(path.as_posix().encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: RiskModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def built(cls, config: dict[str, Any], placement: Placement) -> Self:
        return cls(config, placement.model_storage, placement.resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyNet:
        try:
            with model_storage.read_from(resource) as folder:
                model = RiskModel.load(folder)
        except (ValueError, FileNotFoundError):
            logger.error("the risk classifier is missing from the model: the lexicon works alone")
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (m.get(INTENT), m.get(TEXT))
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT)
        ]
        examples = folder_examples(Path(self.config["risk_data"])) + intent_examples(pairs)
        self.model = fit(
            examples,
            c=float(self.config["regularisation"]),
            target_recall=float(self.config["target_recall"]),
            alarm_false_alarms=float(self.config["alarm_false_alarms"]),
        )
        logger.info("risk classifier: %s", self.model.figures)
        with self._model_storage.write_to(self._resource) as folder:
            self.model.save(folder)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.check(message)
        return messages

    def check(self, message: Message) -> None:
        """Set a crisis intent when sure of risk, the safety check when unsure; otherwise take
        away any crisis guess."""
        verdict = judge(message.get(TEXT) or "", self.model)
        if verdict.category is not None:  # risk found (verdict.crisis), sure or not
            name = intent_of(verdict.category) if verdict.sure else CRISIS_CHECK
            self._mark_crisis(message, verdict, name)
        elif _is_crisis(_intent_name(message)):
            self._fall_back_to_ordinary_intent(message)
        else:
            _drop_crisis_from_ranking(message)

    def _mark_crisis(self, message: Message, verdict: Judgement, name: str) -> None:
        """The crisis intent `name`, with the safety net's findings."""
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        ordinary = _ordinary_ranking(message)
        safety = verdict.as_dict()
        if ordinary and ordinary[0].get(PREDICTED_CONFIDENCE_KEY, 0) >= self._fallback:
            safety["request"] = ordinary[0].get(INTENT_NAME_KEY)  # what else they asked for
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ordinary], add_to_output=True)
        message.set(SAFETY_KEY, safety, add_to_output=True)

    def _fall_back_to_ordinary_intent(self, message: Message) -> None:
        """No risk: the best intent that is not a crisis, or nlu_fallback if it is unsure."""
        ranking = _ordinary_ranking(message)
        best = ranking[0] if ranking else None
        if best is None or best.get(PREDICTED_CONFIDENCE_KEY, 0) < self._fallback:
            best = {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @property
    def _fallback(self) -> float:
        return float(self.config["fallback_threshold"])


def _intent_name(message: Message) -> str:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""


def _is_crisis(name: str) -> bool:
    return name.startswith(CRISIS_PREFIX)


def _ordinary_ranking(message: Message) -> list[dict[str, Any]]:
    return [
        r
        for r in message.get(INTENT_RANKING_KEY) or []
        if not _is_crisis(r.get(INTENT_NAME_KEY) or "")
    ]


def _drop_crisis_from_ranking(message: Message) -> None:
    if message.get(INTENT_RANKING_KEY):
        message.set(INTENT_RANKING_KEY, _ordinary_ranking(message), add_to_output=True)
