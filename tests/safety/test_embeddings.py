"""The offline sentence encoder: the checked files, unit vectors, and meaning over wording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from frontdoor.embeddings import DIMENSIONS, Encoder, EncoderError, encoder, model_file


def test_vectors_are_unit_length_and_paraphrases_lie_close() -> None:
    vectors = encoder().encode(
        [
            "I wish I could sleep and never wake up",
            "I want to die",
            "I'd like to join a walking group",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.3


def test_the_same_text_gives_the_same_vector_cached_or_not() -> None:
    enc = encoder()
    first = enc.encode(["a knitting group in Louth"])[0]
    batch = enc.encode(["something else entirely", "a knitting group in Louth"])[1]
    assert np.allclose(first, batch, atol=1e-6)


def test_a_long_message_is_cut_not_refused() -> None:
    vector = encoder().encode_one("lonely " * 5000)
    assert vector.shape == (DIMENSIONS,)


def test_a_model_file_that_is_not_the_checked_one_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(EncoderError, match="sha256"):
        Encoder(model=fake)


def test_the_model_comes_from_the_installed_package() -> None:
    assert model_file().name == "model.onnx"
    assert model_file().is_file()


def test_a_long_message_is_not_batched_with_its_short_sentences() -> None:
    from frontdoor.embeddings import _batches

    assert _batches([0, 1, 2, 3], [10, 12, 15, 400], 32) == [[0, 1, 2], [3]]
    assert _batches([0, 1, 2], [5, 5, 5], 2) == [[0, 1], [2]]


def test_vectors_do_not_depend_on_the_batch() -> None:
    texts = ["hi", "a much longer message about a walking group in Boston on a Tuesday " * 3]
    together = Encoder(cache_size=0).encode(texts)
    alone = [Encoder(cache_size=0).encode([t])[0] for t in texts]
    assert np.allclose(together, np.array(alone), atol=1e-5)
