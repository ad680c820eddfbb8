"""The held-out NLU test set stays apart from the training data and covers every intent."""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import nlu_eval  # noqa: E402


def domain_intents() -> set[str]:
    intents: set[str] = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        intents |= set((yaml.safe_load(path.read_text()) or {}).get("intents", []))
    return intents - {"nlu_fallback"}


def test_no_test_example_is_a_training_example() -> None:
    assert nlu_eval.overlap() == set()


def test_every_ordinary_intent_is_tested() -> None:
    """Crisis intents and the safety check (both set by the safety net, never by the intent
    classifier) are measured on the safety corpus (tests/safety/test_corpus.py)."""
    tested = {intent for intent, _ in nlu_eval.examples(nlu_eval.TEST_SET)}
    by_safety_net = {nlu_eval.CHECK}
    ordinary = {i for i in domain_intents() if not i.startswith("crisis_")} - by_safety_net
    assert ordinary - tested == set()


def test_every_tested_intent_has_at_least_8_examples() -> None:
    counts: dict[str, int] = {}
    for intent, _ in nlu_eval.examples(nlu_eval.TEST_SET):
        counts[intent] = counts.get(intent, 0) + 1
    assert all(n >= 8 for n in counts.values())


def test_scores_count_right_and_wrong() -> None:
    table = nlu_eval.scores([("a", "a"), ("a", "b"), ("b", "b")])
    assert table["a"] == (1.0, 0.5, 2 / 3, 2)
    assert table["b"] == (0.5, 1.0, 2 / 3, 1)
