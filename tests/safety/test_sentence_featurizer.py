"""The dense featurizer gives every message one sentence-level embedding for DIET."""

from __future__ import annotations

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_featurizer import SentenceEmbeddingFeaturizer
from frontdoor.embeddings import DIMENSIONS, encoder


def featurizer(tmp_path) -> SentenceEmbeddingFeaturizer:
    return SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("sentence_featurizer"),
        ExecutionContext(graph_schema=None, node_name="sentence_featurizer"),  # type: ignore[arg-type]
    )


def test_each_message_gets_the_sentence_vector_and_no_sequence(tmp_path) -> None:
    message = Message(data={"text": "is there a choir in Louth"})
    featurizer(tmp_path).process([message])
    sequence, sentence = message.get_dense_features("text")
    assert sequence is None
    assert sentence.features.shape == (1, DIMENSIONS)
    assert np.allclose(sentence.features[0], encoder().encode_one("is there a choir in Louth"))


def test_training_examples_are_featurized_too(tmp_path) -> None:
    examples = [Message(data={"text": "hello", "intent": "greet"}), Message(data={"intent": "x"})]
    featurizer(tmp_path).process_training_data(TrainingData(examples))
    assert examples[0].get_dense_features("text")[1].features.shape == (1, DIMENSIONS)
    assert examples[1].get_dense_features("text") == (None, None)
