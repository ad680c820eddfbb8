"""The risk classifier's n-gram features: the same as scikit-learn's, computed without it."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from frontdoor.safety.ngrams import SparseColumns, TextFeatures, char_grams, word_grams

TEXTS = [
    "I can't leave him on his own",
    "i cant go on   any more",
    "Knit and natter in Bourne?",
    "x",
    "my mum can't manage her post",
]


def test_the_analysers_are_scikit_learns() -> None:
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    words = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b").build_analyzer()
    for text in TEXTS:
        assert char_grams(text) == chars(text)
        assert word_grams(text) == words(text)


def test_similarity_is_the_mean_of_the_two_cosines() -> None:
    features = TextFeatures.fit(TEXTS * 2)  # every n-gram seen twice: none dropped by min_df
    matrix = features.matrix(TEXTS)
    stored = SparseColumns.of(matrix)
    for text in TEXTS:
        expected = (matrix @ features.matrix([text]).T).toarray().ravel()
        assert np.allclose(stored.similarity(*features.vector(text)), expected)
    same = stored.similarity(*features.vector(TEXTS[0]))[0]
    assert np.isclose(same, 1.0)  # each block is a unit vector times the square root of 0.5
    assert stored.similarity(*features.vector("zzzz qqqq")).max() < 0.2


def test_words_never_seen_give_no_features() -> None:
    features = TextFeatures.fit(TEXTS)
    columns, values = features.vector("")
    assert len(columns) == 0 and len(values) == 0
