"""Measuring the safety net: recall and false alarms by kind, with Wilson intervals, and the
check that keeps the held-out corpus apart from everything the safety net learns from."""

from __future__ import annotations

import math
import re
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from frontdoor.safety.model import RiskModel
from frontdoor.safety.training import load_kind_file


@dataclass(frozen=True)
class Gates:
    """Least recall overall and per crisis kind (a crisis caught: the crisis reply, or the
    safety check that gives 999 and asks), most false alarms over all hard negatives (the
    crisis reply where there is no risk), and most safety checks asked of them."""

    recall: float
    kind_recall: float
    false_alarms: float
    checks: float = 1.0


# What the service must reach (issue #8): printed on every run until it is met.
TARGETS = Gates(recall=0.98, kind_recall=0.95, false_alarms=0.03, checks=0.10)
# What CI enforces today: the release measured on the corpus less a message or two
# (2026-11-28: recall 0.967, lowest kind 0.875, false alarms 0.269; 2026-11-29, with the
# pieces of harmless messages learnt as harmless: 0.971, 0.925, 0.234; 2026-12-04, one kernel
# over embeddings and n-grams: 0.988, 0.95, 0.114; later that day, the crisis reply only
# above the alarm thresholds and the safety check between: 0.988, 0.95, 0.026, with safety
# checks asked of 0.088 of the hard negatives). A change that makes the safety net worse
# fails; never lower these. Every figure now stands at or within its target.
FLOORS = TARGETS
CLOSE_PARAPHRASE = 0.8  # cosine of character n-grams at which two sentences count as one
MIN_WORDS_TO_COPY = 4  # "hello" in both sets is shared vocabulary, not a copied sentence


@dataclass(frozen=True)
class CorpusMessage:
    text: str
    kind: str
    crisis: bool
    style: str


def risk_model_in(archive: Path) -> RiskModel:
    """The risk classifier inside a trained assistant (models/frontdoor.tar.gz)."""
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as folder:
        for member in tar.getmembers():
            if Path(member.name).name.startswith("risk_model"):  # every file it saved
                member.name = Path(member.name).name
                tar.extract(member, folder)
        return RiskModel.load(Path(folder))


def load_corpus(folder: Path) -> list[CorpusMessage]:
    """Every message of the held-out corpus (tests/safety/corpus/{crisis,negatives})."""
    import yaml

    found = []
    for path in sorted(folder.glob("**/*.yml")):
        kind, label, _ = load_kind_file(path)
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            found.append(
                CorpusMessage(item["text"].strip(), kind, label == "crisis", item["style"])
            )
    return found


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator))


@dataclass(frozen=True)
class Row:
    """One line of a table: a kind, how many were flagged of how many, and the interval."""

    kind: str
    flagged: int
    total: int

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.flagged, self.total)


def table(kinds: Sequence[str], flagged: Sequence[bool]) -> list[Row]:
    """Rows by kind, in first-seen order, then one for all of them."""
    order: dict[str, list[bool]] = {}
    for kind, hit in zip(kinds, flagged, strict=True):
        order.setdefault(kind, []).append(hit)
    rows = [Row(kind, sum(hits), len(hits)) for kind, hits in order.items()]
    return [*rows, Row("all", sum(r.flagged for r in rows), sum(r.total for r in rows))]


def format_table(rows: list[Row], heading: str, measure: str) -> str:
    lines = [f"{heading:<26}{measure:>10}{'95% interval':>16}{'n':>6}"]
    for row in rows:
        low, high = row.interval
        lines.append(
            f"{row.kind:<26}{row.rate:>10.3f}{f'{low:.3f} to {high:.3f}':>16}{row.total:>6}"
        )
    return "\n".join(lines)


def gate_failures(
    crisis_rows: list[Row],
    negative_rows: list[Row],
    gates: Gates = FLOORS,
    check_rows: list[Row] | None = None,
) -> list[str]:
    """Where the figures fall short of the gates: recall overall and by kind, false alarms,
    and the safety checks asked of messages with no risk."""
    failures = []
    overall = crisis_rows[-1]
    if overall.rate < gates.recall:
        failures.append(f"recall {overall.rate:.3f} is below {gates.recall}")
    for row in crisis_rows[:-1]:
        if row.rate < gates.kind_recall:
            failures.append(f"recall of {row.kind} {row.rate:.3f} is below {gates.kind_recall}")
    if negative_rows[-1].rate > gates.false_alarms:
        failures.append(f"false alarms {negative_rows[-1].rate:.3f} are above {gates.false_alarms}")
    if check_rows and check_rows[-1].rate > gates.checks:
        failures.append(f"safety checks {check_rows[-1].rate:.3f} are above {gates.checks}")
    return failures


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def close_pairs(
    held_out: Sequence[str], learnt: Iterable[str], threshold: float = CLOSE_PARAPHRASE
) -> list[tuple[str, str, float]]:
    """Held-out sentences that are the same as, or a close paraphrase of, a learnt one."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    learnt = [t for t in learnt if squash(t)]
    held_out = [t for t in held_out if len(squash(t).split()) >= MIN_WORDS_TO_COPY]
    if not held_out or not learnt:
        return []
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=squash)
    vectoriser.fit(list(held_out) + learnt)
    held = vectoriser.transform(held_out)
    similarity = held @ vectoriser.transform(learnt).T
    similarity = similarity.tocoo()
    return sorted(
        (held_out[i], learnt[j], float(v))
        for i, j, v in zip(similarity.row, similarity.col, similarity.data, strict=True)
        if v >= threshold
    )


def pattern_skeleton(pattern: str) -> str:
    """A lexicon pattern's literal words, such as 'i want wish to die'."""
    return squash(re.sub(r"\\[bBwsdW]|\(\?[!=<][^)]*\)|[\\^$.*+?{}\[\]|()]", " ", pattern))
