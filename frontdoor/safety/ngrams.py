"""Word and character n-gram TF-IDF for the risk classifier, fitted with scikit-learn and
computed with numpy alone when the assistant runs (the analysers below are scikit-learn's
"char_wb" 2-5 and word 1-2 analysers, written out so the running assistant needs no
fitted scikit-learn object)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

TOKEN = re.compile(r"(?u)\b\w+\b")
CHAR_RANGE = (2, 5)
Columns = NDArray[np.int64]  # the features a message has, by column
Weights = NDArray[np.float64]  # and their values


def char_grams(text: str, low: int = CHAR_RANGE[0], high: int = CHAR_RANGE[1]) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space."""
    grams: list[str] = []
    for word in re.sub(r"\s\s+", " ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams += [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
            if len(padded) <= n:
                break
    return grams


def word_grams(text: str) -> list[str]:
    """Words and pairs of words."""
    tokens = TOKEN.findall(text.lower())
    return tokens + [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]


@dataclass
class Vocabulary:
    """One block of features: its n-grams (in column order) and their idf weights."""

    grams: list[str]
    idf: Weights

    def __post_init__(self) -> None:
        self.index = {g: i for i, g in enumerate(self.grams)}

    def vector(self, grams: list[str]) -> tuple[Columns, Weights]:
        """(columns, values): sublinear tf times idf, L2-normalised."""
        counts = Counter(g for g in grams if g in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        columns = np.fromiter((self.index[g] for g in counts), np.int64, len(counts))
        values: Weights = (
            1.0 + np.log(np.fromiter(counts.values(), float, len(counts)))
        ) * self.idf[columns]
        return columns, values / np.linalg.norm(values)


@dataclass
class TextFeatures:
    """Characters and words, each block normalised; the text similarity of two messages is
    the mean of the two cosines."""

    chars: Vocabulary
    words: Vocabulary

    @classmethod
    def fit(cls, texts: list[str]) -> TextFeatures:
        from sklearn.feature_extraction.text import TfidfVectorizer

        blocks = []
        for analyzer in (char_grams, word_grams):
            fitted = TfidfVectorizer(
                analyzer=analyzer, min_df=2 if analyzer is char_grams else 1, sublinear_tf=True
            ).fit(texts)
            order = sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__)
            blocks.append(Vocabulary(order, fitted.idf_.astype(np.float64)))
        return cls(*blocks)

    @property
    def width(self) -> int:
        return len(self.chars.grams) + len(self.words.grams)

    def vector(self, text: str) -> tuple[Columns, Weights]:
        """One message's sparse features (columns, values), scaled so that the dot product
        of two messages is their text similarity."""
        chars = self.chars.vector(char_grams(text))
        words = self.words.vector(word_grams(text))
        columns: Columns = np.concatenate([chars[0], words[0] + len(self.chars.grams)])
        values: Weights = np.concatenate([chars[1], words[1]]) * np.sqrt(0.5)
        return columns, values

    def matrix(self, texts: list[str]) -> csr_matrix:
        """Every message's features as a scipy CSR matrix (for fitting)."""
        from scipy.sparse import csr_matrix

        rows = [self.vector(t) for t in texts]
        pointers = np.cumsum([0] + [len(c) for c, _ in rows])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        shape = (len(texts), self.width)
        # scipy: no types
        return csr_matrix((values, columns, pointers), shape=shape)


@dataclass
class SparseColumns:
    """The support vectors' text features, stored by column, for fast similarity to one
    message without scipy."""

    pointers: Columns  # (width + 1,)
    rows: NDArray[np.int32]
    values: Weights
    count: int  # how many support vectors

    @classmethod
    def of(cls, matrix: csr_matrix) -> SparseColumns:
        by_column = matrix.tocsc()
        by_column.sort_indices()
        return cls(
            by_column.indptr.astype(np.int64),
            by_column.indices.astype(np.int32),
            by_column.data.astype(np.float64),
            matrix.shape[0],
        )

    def similarity(self, columns: Columns, values: Weights) -> Weights:
        """Dot product of one sparse vector with every stored row."""
        if len(columns) == 0:
            return np.zeros(self.count)
        starts = self.pointers[columns]
        lengths = self.pointers[columns + 1] - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum()
        )
        weights = self.values[positions] * np.repeat(values, lengths)
        sums = np.bincount(self.rows[positions], weights=weights, minlength=self.count)
        return cast(Weights, sums)  # with weights, the sums are floats (numpy's types say int)
