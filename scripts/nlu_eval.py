"""Score the trained model on the held-out NLU test set and the safety net on the corpus.

Prints per-intent precision, recall and F1 and the intent macro-F1 (crisis intents are
measured by the safety corpus instead); then the safety net's recall per crisis kind and its
false-alarm rate per kind of hard negative on the held-out corpus (tests/safety/corpus), with
95% Wilson intervals; then the same by 5-fold cross-validation of the risk classifier on its
own training data. Exits non-zero when macro-F1 is below 0.90, when the safety net falls
below the floors in frontdoor/safety/evaluation.py (recall overall and per kind, false
alarms), or when a held-out sentence (NLU test set or safety corpus) is in the training
data or the lexicon, or close to one. Where the figures fall short of the targets (recall
0.98 overall and 0.95 per kind, false alarms 3%), it says so.

    python scripts/nlu_eval.py --model models/frontdoor.tar.gz [--no-cv]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # nothing leaves the machine

ROOT = Path(__file__).resolve().parents[1]
TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
FIGURES = ROOT / "tests" / "nlu" / "figures_of_speech.yml"
ANOTHER_KIND = ROOT / "tests" / "nlu" / "another_kind.yml"
TRAINING = ROOT / "data" / "nlu"
SAFETY_TRAINING = ROOT / "data" / "safety"
CORPUS = ROOT / "tests" / "safety" / "corpus"
MIN_MACRO_F1 = 0.90
CHECK = "safety_check"  # the safety net's intent for possible risk it is not sure of


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, plain text) pairs from a Rasa NLU YAML file, entity markup removed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], plain(line[2:])))
    return pairs


def plain(text: str) -> str:
    """'[Boston](town)' and '[Tues]{"entity": ...}' become 'Boston' and 'Tues'."""
    return re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text)


def key(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def overlap() -> set[str]:
    """Test examples that also appear in the training data."""
    trained = {key(t) for path in TRAINING.glob("*.yml") for _, t in examples(path)}
    tested = {key(t) for _, t in examples(TEST_SET)}
    tested |= {key(t) for t in yaml.safe_load(FIGURES.read_text())["figures_of_speech"]}
    tested |= {key(t) for t in another_kind_messages()}
    return trained & tested


def another_kind_messages() -> list[str]:
    """Messages asking for another kind of group right after suggestions."""
    data = yaml.safe_load(ANOTHER_KIND.read_text(encoding="utf-8"))
    return [item["text"] for item in data["another_kind_after_suggestions"]]


SEARCH_INTENTS = frozenset({"find_group", "inform", "new_search"})


def another_kind_report(texts: list[str], parsed: list[dict]) -> None:
    """How many messages asking for another kind of group after suggestions are read as a new
    search: a search intent, or by action_another_kind's reading of their words."""
    from frontdoor.directory.vocabulary import kind_instead

    read = 0
    for text, parse in zip(texts, parsed, strict=True):
        intent = parse["intent"]["name"]
        ok = intent in SEARCH_INTENTS or kind_instead(intent, text, None) is not None
        read += ok
        if not ok:
            print(f"  not read as another kind: {text!r} -> {intent}")
    print(f"another kind of group after suggestions, read as a new search: {read}/{len(texts)}")


def learnt_sentences() -> list[str]:
    """Everything the NLU model and the risk classifier learn from."""
    from frontdoor.safety.training import folder_examples

    learnt = [t for path in TRAINING.glob("*.yml") for _, t in examples(path)]
    return learnt + [e.text for e in folder_examples(SAFETY_TRAINING)]


def lexicon_phrases() -> list[str]:
    """The literal words of every lexicon pattern."""
    from frontdoor.safety.evaluation import pattern_skeleton
    from frontdoor.safety.lexicon import LEXICON_FILE

    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    patterns = [p for group in data["categories"].values() for p in group or []]
    patterns += data["figures_of_speech"]
    return [pattern_skeleton(p) for p in patterns]


def corpus_leaks() -> list[tuple[str, str, float]]:
    """Held-out corpus sentences that are, or nearly are, training sentences or lexicon phrases."""
    from frontdoor.safety.evaluation import close_pairs, load_corpus

    held_out = [m.text for m in load_corpus(CORPUS)]
    return close_pairs(held_out, learnt_sentences() + lexicon_phrases())


def scores(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, float, int]]:
    """precision, recall, F1 and support per true intent."""
    true_pos: dict[str, int] = defaultdict(int)
    predicted: dict[str, int] = defaultdict(int)
    support: dict[str, int] = defaultdict(int)
    for truth, guess in pairs:
        support[truth] += 1
        predicted[guess] += 1
        true_pos[truth] += truth == guess
    result = {}
    for intent in sorted(support):
        p = true_pos[intent] / predicted[intent] if predicted[intent] else 0.0
        r = true_pos[intent] / support[intent]
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[intent] = (p, r, f, support[intent])
    return result


async def parse_all(model: Path, texts: list[str]) -> list[dict]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)

    from bot import model_loading

    model_loading.install()  # loaded as the Rasa server loads it (bot/rasa_overrides.py)
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def safety_report(
    corpus: list,
    parsed: list[dict],
    tests: list,
    test_guesses: list[str],
    figures: list[str],
    figure_guesses: list[str],
) -> list[str]:
    """Print the corpus tables (plus the NLU test set's crises and figures); return failures.

    A crisis is caught when it gets the crisis reply or the safety check (999, then one
    question whose "yes" brings the crisis reply); a false alarm is the crisis reply given
    where there is no risk; a safety check asked where there is none is counted apart."""
    from frontdoor.safety.evaluation import TARGETS, format_table, gate_failures, table

    names = [p["intent"]["name"] for p in parsed]
    alarmed = [n.startswith("crisis_") for n in names]
    flagged = [a or n == CHECK for a, n in zip(alarmed, names, strict=True)]
    checked = [n == CHECK for n in names]

    def rows(hits: list[bool], crisis: bool) -> list:
        pairs = [(m.kind, h) for m, h in zip(corpus, hits, strict=True) if m.crisis == crisis]
        return table(*zip(*pairs, strict=True))

    crisis_rows, negative_rows = rows(flagged, True), rows(alarmed, False)
    check_rows = rows(checked, False)
    print("\nSafety net on the held-out corpus (tests/safety/corpus): the release gates")
    print(format_table(crisis_rows, "crisis kind", "recall"))
    print()
    print(format_table(negative_rows, "negative kind", "false alarm"))
    print()
    print(format_table(check_rows, "negative kind", "checked"))
    print("\nof the crises, the crisis reply at once (the rest were asked the safety check)")
    print(format_table(rows(alarmed, True), "crisis kind", "at once"))
    _print_styles(corpus, flagged)
    _print_wrong_reply(corpus, parsed)
    own = [
        ("crisis (caught)", g.startswith("crisis_") or g == CHECK)
        for (t, _), g in zip(tests, test_guesses, strict=True)
        if t.startswith("crisis_")
    ]
    own += [("figures (alarm)", g.startswith("crisis_")) for g in figure_guesses]
    own += [("figures (checked)", g == CHECK) for g in figure_guesses]
    own += [
        ("other (alarm)", g.startswith("crisis_"))
        for (t, _), g in zip(tests, test_guesses, strict=True)
        if not t.startswith("crisis_")
    ]
    print("\nSafety net on the team's own NLU test set (tests/nlu), for reference")
    print(format_table(table(*zip(*own, strict=True))[:-1], "kind", "rate"))
    for shortfall in gate_failures(crisis_rows, negative_rows, TARGETS, check_rows):
        print(f"  TARGET NOT YET MET (issue #8): {shortfall}")
    return gate_failures(crisis_rows, negative_rows, check_rows=check_rows)


def _print_styles(corpus: list, flagged: list[bool]) -> None:
    from frontdoor.safety.evaluation import format_table, table

    crisis = [(m.style, f) for m, f in zip(corpus, flagged, strict=True) if m.crisis]
    print()
    print(format_table(table(*zip(*crisis, strict=True)), "crisis by style", "recall"))


def _print_wrong_reply(corpus: list, parsed: list[dict]) -> None:
    """How often a caught crisis got the reply meant for its kind (no gate: words differ)."""
    from frontdoor.safety.categories import CATEGORY_OF_KIND

    right: dict[str, list[bool]] = defaultdict(list)
    for message, p in zip(corpus, parsed, strict=True):
        wanted = CATEGORY_OF_KIND.get(message.kind)
        name = p["intent"]["name"]
        if message.crisis and wanted and name.startswith("crisis_"):
            right[message.kind].append(name == "crisis_" + wanted)
    print("\nright reply for the kind, of those caught")
    for kind, hits in right.items():
        print(f"  {kind:<24}{sum(hits):>4}/{len(hits)}")


def cross_validation_report(model: Path) -> None:
    """The risk classifier's 5-fold cross-validation, as measured when it was trained."""
    from frontdoor.safety.categories import CRISIS_KINDS
    from frontdoor.safety.evaluation import Row, format_table, risk_model_in

    risk = risk_model_in(model)
    figures = risk.figures

    def rows(crisis: bool, counts: dict[str, list[int]]) -> list[Row]:
        kinds = [k for k in counts if (k in CRISIS_KINDS or k.startswith("crisis_")) == crisis]
        found = [Row(k, *counts[k]) for k in kinds]
        return [*found, Row("all", sum(r.flagged for r in found), sum(r.total for r in found))]

    print(
        f"\nRisk classifier, {figures['folds']}-fold cross-validation on its training data when "
        f"it was trained (target recall {figures['target_recall']}: check threshold "
        f"{risk.threshold:.3f}, with the lexicon {risk.lexicon_floor:.3f}; alarm threshold "
        f"{risk.alarm_threshold:.3f}, with the lexicon {risk.alarm_floor:.3f}, for at most "
        f"{figures.get('alarm_false_alarms', 0):.0%} false alarms)"
    )
    flagged, alarmed = figures["flagged_by_kind"], figures.get("alarmed_by_kind")
    print(format_table(rows(True, flagged), "crisis kind", "recall"))
    print()
    print(format_table(rows(False, flagged), "other kind", "flagged"))
    if alarmed:
        print()
        print(format_table(rows(True, alarmed), "crisis kind", "at once"))
        print()
        print(format_table(rows(False, alarmed), "other kind", "false alarm"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "frontdoor.tar.gz")
    parser.add_argument("--no-cv", action="store_true", help="leave out the cross-validation")
    args = parser.parse_args()

    from frontdoor.safety.evaluation import load_corpus

    shared = overlap()
    leaks = corpus_leaks()
    tests = examples(TEST_SET)
    figures = yaml.safe_load(FIGURES.read_text())["figures_of_speech"]
    corpus = load_corpus(CORPUS)
    other_kinds = another_kind_messages()
    texts = [t for _, t in tests] + figures + [m.text for m in corpus] + other_kinds
    parsed = asyncio.run(parse_all(args.model, texts))
    other_parsed = parsed[len(parsed) - len(other_kinds) :]
    parsed = parsed[: len(parsed) - len(other_kinds)]
    guesses = [p["intent"]["name"] for p in parsed]
    test_guesses = guesses[: len(tests)]
    figure_guesses = guesses[len(tests) : len(tests) + len(figures)]
    corpus_parsed = parsed[len(tests) + len(figures) :]

    table = scores(
        [
            (truth, guess)
            for (truth, _), guess in zip(tests, test_guesses, strict=True)
            if not truth.startswith("crisis_")
        ]
    )
    print(f"{'intent':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>5}")
    for intent, (p, r, f, n) in table.items():
        print(f"{intent:<24}{p:>10.2f}{r:>8.2f}{f:>7.2f}{n:>5}")
    macro_f1 = sum(f for _, _, f, _ in table.values()) / len(table)

    print(f"\nintent macro-F1: {macro_f1:.3f} (at least {MIN_MACRO_F1})")
    for (truth, text), guess in zip(tests, test_guesses, strict=True):
        if guess != truth and not truth.startswith("crisis_"):
            print(f"  confused {truth}: {text!r} -> {guess}")
    for text in sorted(shared):
        print(f"  OVERLAP with training data: {text!r}")
    print()
    another_kind_report(other_kinds, other_parsed)

    failures = safety_report(corpus, corpus_parsed, tests, test_guesses, figures, figure_guesses)
    for held_out, learnt, similarity in leaks:
        failures.append(f"corpus sentence {held_out!r} is close ({similarity:.2f}) to {learnt!r}")
    if macro_f1 < MIN_MACRO_F1:
        failures.append(f"intent macro-F1 {macro_f1:.3f} is below {MIN_MACRO_F1}")
    if shared:
        failures.append(f"{len(shared)} NLU test examples are training examples")
    if not args.no_cv:
        cross_validation_report(args.model)
    for failure in failures:
        print(f"  GATE: {failure}")
    print("NLU evaluation " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
