"""The held-out safety corpus: big enough, labelled by kind, frozen, and kept apart."""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

from frontdoor.safety.categories import CATEGORY_OF_KIND, CRISIS_KINDS, NEGATIVE_KINDS
from frontdoor.safety.evaluation import close_pairs, load_corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "safety" / "corpus"
sys.path.insert(0, str(ROOT / "scripts"))

import nlu_eval  # noqa: E402


def test_the_corpus_has_400_crises_and_400_hard_negatives() -> None:
    corpus = load_corpus(CORPUS)
    assert sum(m.crisis for m in corpus) >= 400
    assert sum(not m.crisis for m in corpus) >= 400


def test_every_kind_of_the_taxonomy_is_there_in_every_style() -> None:
    corpus = load_corpus(CORPUS)
    crisis_kinds = {m.kind for m in corpus if m.crisis}
    negative_kinds = {m.kind for m in corpus if not m.crisis}
    assert crisis_kinds == set(CRISIS_KINDS)
    assert negative_kinds == set(NEGATIVE_KINDS) - {"form_answers"}
    per_kind = Counter(m.kind for m in corpus)
    assert min(per_kind.values()) >= 40
    styles = Counter((m.kind, m.style) for m in corpus if m.crisis)
    assert all(
        styles[(kind, style)] >= 8
        for kind in CRISIS_KINDS
        for style in ("plain", "textspeak", "typo", "rambling")
    )


def test_every_crisis_kind_but_an_aside_has_a_reply() -> None:
    assert set(CRISIS_KINDS) - set(CATEGORY_OF_KIND) == {"risk_in_request"}


def test_the_corpus_is_frozen() -> None:
    """A changed file fails here: the corpus is measured against, never tuned to."""
    listed = {}
    for line in (CORPUS / "FROZEN.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    present = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*.yml"))
    assert sorted(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() == digest, name


def test_no_corpus_sentence_or_close_paraphrase_is_learnt_from() -> None:
    """Not in data/nlu, data/safety or the lexicon, not even nearly (character n-grams)."""
    assert nlu_eval.corpus_leaks() == []


def test_the_leak_check_finds_a_close_paraphrase() -> None:
    held_out = ["I really do not want to wake up tomorrow morning"]
    assert close_pairs(held_out, ["i really dont want to wake up tomorrow morning!"])
    assert not close_pairs(held_out, ["is there a walking group in Boston on Tuesdays"])
