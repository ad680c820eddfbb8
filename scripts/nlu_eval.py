"""Score the trained model on the held-out NLU test set and the safety net on crises.

Prints per-intent precision, recall and F1, the intent macro-F1, the safety net's catch
rate and its false alarms on figures of speech. Exits non-zero when macro-F1 is below
0.90, when any crisis example is missed, when any figure of speech is taken for a crisis,
or when the test set overlaps the training data.

    python scripts/nlu_eval.py --model models/frontdoor.tar.gz
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
TRAINING = ROOT / "data" / "nlu"
MIN_MACRO_F1 = 0.90


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
    return trained & tested


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

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "frontdoor.tar.gz")
    args = parser.parse_args()

    shared = overlap()
    tests = examples(TEST_SET)
    figures = yaml.safe_load(FIGURES.read_text())["figures_of_speech"]
    parsed = asyncio.run(parse_all(args.model, [t for _, t in tests] + figures))
    guesses = [p["intent"]["name"] for p in parsed]
    test_guesses, figure_guesses = guesses[: len(tests)], guesses[len(tests) :]

    table = scores([(truth, guess) for (truth, _), guess in zip(tests, test_guesses, strict=True)])
    print(f"{'intent':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>5}")
    for intent, (p, r, f, n) in table.items():
        print(f"{intent:<24}{p:>10.2f}{r:>8.2f}{f:>7.2f}{n:>5}")
    macro_f1 = sum(f for _, _, f, _ in table.values()) / len(table)

    crisis = [
        (t, text, g)
        for (t, text), g in zip(tests, test_guesses, strict=True)
        if t.startswith("crisis_")
    ]
    missed = [(t, text, g) for t, text, g in crisis if not g.startswith("crisis_")]
    wrong_kind = [(t, text, g) for t, text, g in crisis if g.startswith("crisis_") and g != t]
    false_alarms = [
        (text, g)
        for text, g in zip(figures, figure_guesses, strict=True)
        if g.startswith("crisis_")
    ]

    print(f"\nintent macro-F1: {macro_f1:.3f} (at least {MIN_MACRO_F1})")
    print(
        f"safety net catch rate: {len(crisis) - len(missed)}/{len(crisis)} "
        f"({(len(crisis) - len(missed)) / len(crisis):.1%}); right kind: "
        f"{len(crisis) - len(missed) - len(wrong_kind)}/{len(crisis)}"
    )
    print(f"false alarms on figures of speech: {len(false_alarms)}/{len(figures)}")
    for truth, text, guess in missed:
        print(f"  MISSED {truth}: {text!r} -> {guess}")
    for truth, text, guess in wrong_kind:
        print(f"  other kind {truth}: {text!r} -> {guess}")
    for text, guess in false_alarms:
        print(f"  FALSE ALARM: {text!r} -> {guess}")
    for (truth, text), guess in zip(tests, test_guesses, strict=True):
        if guess != truth and not truth.startswith("crisis_"):
            print(f"  confused {truth}: {text!r} -> {guess}")
    for text in sorted(shared):
        print(f"  OVERLAP with training data: {text!r}")

    failed = macro_f1 < MIN_MACRO_F1 or missed or false_alarms or shared
    print("NLU evaluation " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
