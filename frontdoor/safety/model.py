"""The risk classifier: a support vector machine over sentence embeddings and word and
character n-grams together (one kernel, the sum of the two similarities: meaning from the
embeddings, the exact words from the n-grams), calibrated by cross-validation, judged beside
the lexicon.

Fitted with scikit-learn when the assistant is trained; used with numpy alone when it runs.
A message is scored whole and sentence by sentence, and its risk is the highest score, so
risk said in passing inside a long request is not averaged away; so that a sentence taken
out of a carer's or a recovery story is not read as risk on its own, the pieces of every
example of no risk are learnt as no risk too.

Two pairs of thresholds come from cross-validation on the training data, each pair one for
the classifier alone and one for a message the curated lexicon also matched. The check pair
reaches the recall asked for with the fewest false alarms: at or above it the resident is
asked whether they are safe. The alarm pair, higher, keeps false alarms under the rate asked
for with the most recall: at or above it the crisis reply is given at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, cast

import numpy as np
from numpy.typing import NDArray

from frontdoor.embeddings import Encoder, Vectors, encoder
from frontdoor.safety.categories import CATEGORIES
from frontdoor.safety.lexicon import assess
from frontdoor.safety.ngrams import SparseColumns, TextFeatures, Vocabulary
from frontdoor.safety.training import Example

MAX_PIECES = 12
GAMMA_SCALE = 2.0  # the embedding kernel's width, times 1 / (dimensions x variance)
TEXT_WEIGHT = 1.0  # the n-gram similarity's weight beside the embedding kernel
_SPLIT = re.compile(
    r"(?<=[.!?;:])\s+|\n+|\s+-\s+|,?\s+\b(?:but|also|and also|anyway|btw|tbh|oh and|plus)\b\s+",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:and|but|also|anyway|btw|tbh|plus|oh and|so)\b[\s,]*", re.IGNORECASE)
Floats = NDArray[np.float64]
Flags = NDArray[np.bool_]  # one a message: is it a crisis, did the lexicon match, ...
Rows = list[int] | NDArray[np.int64]  # which of the examples


def pieces(text: str) -> list[str]:
    """The whole message, then its sentences and clauses of three words or more."""
    parts = [_LEADING.sub("", p.strip(" ,.")) for p in _SPLIT.split(text or "")]
    parts = [p for p in parts if len(p.split()) >= 3 and p != text.strip()]
    return [text, *parts[: MAX_PIECES - 1]]


@dataclass(frozen=True)
class RiskScore:
    """The highest risk over a message's pieces, the piece that gave it, and its category."""

    probability: float
    piece: str
    category: str


class Figures(TypedDict, total=False):
    """What cross-validation found when the model was fitted (none for a model made by hand)."""

    cv_recall: float
    cv_false_alarm_rate: float
    cv_alarm_recall: float
    cv_alarm_false_alarm_rate: float
    crisis_examples: int
    other_examples: int
    folds: int
    c: float
    target_recall: float
    alarm_false_alarms: float
    flagged_by_kind: dict[str, list[int]]  # kind -> [flagged, examples]
    alarmed_by_kind: dict[str, list[int]]  # kind -> [alarmed, examples]


class CrossValidation(TypedDict):
    """Out-of-fold findings, one a training example."""

    decisions: Floats  # the highest decision value over the message's pieces
    labels: Flags  # crisis or not
    kinds: NDArray[np.str_]
    lexicon: Flags  # the lexicon matched


@dataclass
class RiskModel:
    """The two heads (risk, and which reply) and the thresholds chosen by cross-validation."""

    support_vectors: Vectors  # (n, d) unit vectors
    dual_coef: Floats  # (n,)
    intercept: float
    gamma: float
    platt: tuple[float, float]  # decision value -> probability
    category_weights: Floats
    category_bias: Floats
    text: TextFeatures | None = None  # the n-gram features, when the kernel has them
    text_support: SparseColumns | None = None  # the support vectors' n-grams
    text_weight: float = TEXT_WEIGHT
    categories: tuple[str, ...] = CATEGORIES
    threshold: float = 0.5
    lexicon_floor: float = 0.05
    alarm_threshold: float = 0.5
    alarm_floor: float = 0.05
    figures: Figures = field(default_factory=Figures)

    def decisions(self, texts: list[str], vectors: Vectors) -> Floats:
        """The support vector machine's raw decision values (above 0: risk)."""
        distances = np.clip(2.0 - 2.0 * vectors @ self.support_vectors.T, 0.0, None)
        kernel = np.exp(-self.gamma * distances)
        if self.text is not None and self.text_support is not None:
            similar = [self.text_support.similarity(*self.text.vector(t)) for t in texts]
            kernel = kernel + self.text_weight * np.vstack(similar)
        values: Floats = kernel @ self.dual_coef + self.intercept
        return values

    def probabilities(self, texts: list[str], vectors: Vectors) -> Floats:
        slope, offset = self.platt
        risk: Floats = 1.0 / (1.0 + np.exp(-(slope * self.decisions(texts, vectors) + offset)))
        return risk

    def category(self, vector: Vectors) -> str:
        return self.categories[int(np.argmax(self.category_weights @ vector + self.category_bias))]

    def score(self, text: str, enc: Encoder | None = None) -> RiskScore:
        parts = pieces(text)
        vectors = (enc or encoder()).encode(parts)
        probs = self.probabilities(parts, vectors)
        best = int(np.argmax(probs))
        return RiskScore(float(probs[best]), parts[best], self.category(vectors[best]))

    def save(self, folder: Path) -> None:
        arrays: dict[str, NDArray[np.generic]] = {
            "support_vectors": self.support_vectors,
            "dual_coef": self.dual_coef,
            "category_weights": self.category_weights,
            "category_bias": self.category_bias,
        }
        if self.text is not None and self.text_support is not None:
            arrays |= {
                "char_idf": self.text.chars.idf,
                "word_idf": self.text.words.idf,
                "text_pointers": self.text_support.pointers,
                "text_rows": self.text_support.rows,
                "text_values": self.text_support.values,
            }
            grams = {"chars": self.text.chars.grams, "words": self.text.words.grams}
            (folder / "risk_model_grams.json").write_text(json.dumps(grams))
        np.savez(folder / "risk_model.npz", **arrays)
        meta = {
            "intercept": self.intercept,
            "gamma": self.gamma,
            "text_weight": self.text_weight,
            "platt": list(self.platt),
            "categories": list(self.categories),
            "threshold": self.threshold,
            "lexicon_floor": self.lexicon_floor,
            "alarm_threshold": self.alarm_threshold,
            "alarm_floor": self.alarm_floor,
            "figures": self.figures,
        }
        (folder / "risk_model.json").write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, folder: Path) -> RiskModel:
        arrays = np.load(folder / "risk_model.npz")
        meta = json.loads((folder / "risk_model.json").read_text())
        text = text_support = None
        if (folder / "risk_model_grams.json").exists():
            grams = json.loads((folder / "risk_model_grams.json").read_text())
            text = TextFeatures(
                Vocabulary(grams["chars"], arrays["char_idf"]),
                Vocabulary(grams["words"], arrays["word_idf"]),
            )
            text_support = SparseColumns(
                arrays["text_pointers"],
                arrays["text_rows"],
                arrays["text_values"],
                len(arrays["dual_coef"]),
            )
        return cls(
            support_vectors=arrays["support_vectors"],
            dual_coef=arrays["dual_coef"],
            intercept=float(meta["intercept"]),
            gamma=float(meta["gamma"]),
            platt=(float(meta["platt"][0]), float(meta["platt"][1])),
            category_weights=arrays["category_weights"],
            category_bias=arrays["category_bias"],
            text=text,
            text_support=text_support,
            text_weight=float(meta.get("text_weight", TEXT_WEIGHT)),
            categories=tuple(meta["categories"]),
            threshold=float(meta["threshold"]),
            lexicon_floor=float(meta["lexicon_floor"]),
            alarm_threshold=float(meta.get("alarm_threshold", meta["threshold"])),
            alarm_floor=float(meta.get("alarm_floor", meta["lexicon_floor"])),
            figures=cast(Figures, dict(meta.get("figures") or {})),
        )


def _fit(
    texts: list[str], vectors: Vectors, labels: Flags, examples: list[Example], c: float
) -> RiskModel:
    """Both heads: risk on every text given (whole messages, and the pieces of messages of
    no risk), the reply category on the whole messages of risk (the first rows); Platt
    scaling and thresholds are set by the caller."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    gamma = GAMMA_SCALE / (vectors.shape[1] * vectors.var())
    text = TextFeatures.fit(texts)
    grams = text.matrix(texts)
    unit = vectors.astype(np.float64)
    kernel = np.exp(-gamma * np.clip(2.0 - 2.0 * unit @ unit.T, 0.0, None))
    kernel += TEXT_WEIGHT * (grams @ grams.T).toarray()
    risk = SVC(C=c, kernel="precomputed", class_weight="balanced").fit(kernel, labels)
    sign = 1.0 if risk.classes_[1] else -1.0  # decision > 0 means the second class
    support = risk.support_
    known = [(i, e.category) for i, e in enumerate(examples) if e.category]
    names = tuple(sorted({category for _, category in known}))
    rows, targets = [i for i, _ in known], [names.index(category) for _, category in known]
    kinds = LogisticRegression(C=16.0, class_weight="balanced", max_iter=5000)
    kinds.fit(vectors[rows], targets)
    return RiskModel(
        support_vectors=vectors[support].astype(np.float32),
        dual_coef=sign * risk.dual_coef_[0],
        intercept=sign * float(risk.intercept_[0]),
        gamma=float(gamma),
        platt=(1.0, 0.0),
        category_weights=kinds.coef_,
        category_bias=kinds.intercept_,
        text=text,
        text_support=SparseColumns.of(grams[support]),
        categories=names,
    )


class Bank:
    """Every example's pieces, encoded once: what fitting and cross-validation read."""

    def __init__(self, examples: list[Example], enc: Encoder | None = None) -> None:
        self.examples = examples
        self.pieces = [pieces(e.text) for e in examples]
        texts = sorted({t for parts in self.pieces for t in parts})
        vectors = (enc or encoder()).encode(texts)
        self._row = {t: i for i, t in enumerate(texts)}
        self._vectors = vectors

    def vectors(self, texts: list[str]) -> Vectors:
        vectors: Vectors = self._vectors[[self._row[t] for t in texts]]
        return vectors

    def negative_parts(self, rows: Rows) -> list[str]:
        """The sentences and clauses of the messages of no risk among these rows: none of
        them is risk either, and the classifier scores pieces when it runs."""
        return [t for i in rows if not self.examples[i].crisis for t in self.pieces[i][1:]]

    def fit(self, rows: Rows, c: float) -> RiskModel:
        examples = [self.examples[i] for i in rows]
        parts = self.negative_parts(rows)
        texts = [e.text for e in examples] + parts
        labels = np.array([e.crisis for e in examples] + [False] * len(parts))
        return _fit(texts, self.vectors(texts), labels, examples, c)

    def decision(self, model: RiskModel, row: int) -> float:
        """The highest raw decision value over one example's pieces."""
        parts = self.pieces[row]
        return float(model.decisions(parts, self.vectors(parts)).max())


@dataclass(frozen=True)
class Calibration:
    """From cross-validated decision values: Platt scaling, both pairs of thresholds, and
    what each pair flags."""

    platt: tuple[float, float]
    threshold: float
    lexicon_floor: float
    alarm_threshold: float
    alarm_floor: float
    flagged: Flags
    alarmed: Flags


def calibrate(cv: CrossValidation, target_recall: float, alarm_false_alarms: float) -> Calibration:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e4)
    platt.fit(cv["decisions"][:, None], cv["labels"])
    slope, offset = float(platt.coef_[0][0]), float(platt.intercept_[0])
    probabilities = 1.0 / (1.0 + np.exp(-(slope * cv["decisions"] + offset)))
    labels, lexicon = cv["labels"], cv["lexicon"]
    threshold, floor = thresholds(probabilities, labels, lexicon, target_recall)
    alarm, alarm_floor = alarm_thresholds(probabilities, labels, lexicon, alarm_false_alarms)
    alarm, alarm_floor = max(alarm, threshold), max(alarm_floor, floor)
    return Calibration(
        (slope, offset),
        threshold,
        floor,
        alarm,
        alarm_floor,
        flagged=np.where(lexicon, probabilities >= floor, probabilities >= threshold),
        alarmed=np.where(lexicon, probabilities >= alarm_floor, probabilities >= alarm),
    )


def by_kind(kinds: NDArray[np.str_], hits: Flags) -> dict[str, list[int]]:
    """kind -> [hits, examples]."""
    counts: dict[str, list[int]] = {}
    for kind, hit in zip(kinds, hits, strict=True):
        counts.setdefault(str(kind), [0, 0])
        counts[str(kind)][0] += int(hit)
        counts[str(kind)][1] += 1
    return counts


def fit(
    examples: list[Example],
    c: float = 10.0,
    target_recall: float = 0.97,
    alarm_false_alarms: float = 0.02,
    folds: int = 5,
) -> RiskModel:
    """Fit on every example; calibration and thresholds come from cross-validated scores."""
    bank = Bank(examples)
    cv = cross_validate(bank, c=c, folds=folds)
    calibration = calibrate(cv, target_recall, alarm_false_alarms)
    model = bank.fit(np.arange(len(examples)), c)
    model.platt = calibration.platt
    model.threshold, model.lexicon_floor = calibration.threshold, calibration.lexicon_floor
    model.alarm_threshold, model.alarm_floor = calibration.alarm_threshold, calibration.alarm_floor
    labels, flagged, alarmed = cv["labels"], calibration.flagged, calibration.alarmed
    model.figures = {
        "cv_recall": float(flagged[labels].mean()),
        "cv_false_alarm_rate": float(flagged[~labels].mean()),
        "cv_alarm_recall": float(alarmed[labels].mean()),
        "cv_alarm_false_alarm_rate": float(alarmed[~labels].mean()),
        "crisis_examples": int(labels.sum()),
        "other_examples": int((~labels).sum()),
        "folds": folds,
        "c": c,
        "target_recall": target_recall,
        "alarm_false_alarms": alarm_false_alarms,
        "flagged_by_kind": by_kind(cv["kinds"], flagged),  # kind -> [flagged, examples]
        "alarmed_by_kind": by_kind(cv["kinds"], alarmed),  # out of fold, both
    }
    return model


def cross_validate(bank: Bank, c: float = 10.0, folds: int = 5) -> CrossValidation:
    """Out-of-fold decision values (highest over each message's pieces), stratified by kind."""
    from sklearn.model_selection import StratifiedKFold

    examples = bank.examples
    labels = np.array([e.crisis for e in examples])
    kinds = [e.kind for e in examples]
    decisions = np.zeros(len(examples))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    blank = np.zeros(len(kinds))  # the split reads the kinds alone
    for train, test in splitter.split(blank, kinds):
        model = bank.fit(train, c)
        for i in test:
            decisions[i] = bank.decision(model, i)
    lexicon = np.array([assess(e.text).category is not None for e in examples])
    return {"decisions": decisions, "labels": labels, "kinds": np.array(kinds), "lexicon": lexicon}


def threshold_for_recall(scores: Floats, labels: Flags, recall: float) -> float:
    """The highest threshold that still catches `recall` of the crisis examples."""
    positives = np.sort(scores[labels])
    missed = int(np.floor((1.0 - recall) * len(positives)))
    return float(positives[missed]) if len(positives) else 0.5


def thresholds(
    probabilities: Floats, labels: Flags, lexicon: Flags, recall: float
) -> tuple[float, float]:
    """(alone, with the lexicon): the pair reaching `recall` with the fewest false alarms."""
    candidates = np.unique(np.quantile(probabilities, np.linspace(0, 1, 401)))
    alone = threshold_for_recall(probabilities, labels, recall)
    best = (float(((probabilities >= alone) & ~labels).sum()), alone, alone)
    for high in candidates:
        for low in candidates[candidates <= high][::-1]:  # highest floor first
            flagged = np.where(lexicon, probabilities >= low, probabilities >= high)
            if flagged[labels].mean() >= recall:
                alarms = float(flagged[~labels].sum())
                if alarms < best[0]:
                    best = (alarms, float(high), float(low))
                break  # a lower floor only adds alarms
    return best[1], best[2]


def alarm_thresholds(
    probabilities: Floats, labels: Flags, lexicon: Flags, false_alarms: float
) -> tuple[float, float]:
    """(alone, with the lexicon): the pair with the most recall whose false alarms stay at or
    under the rate given."""
    candidates = np.unique(np.quantile(probabilities, np.linspace(0, 1, 401)))

    def at_or_above(mask: Flags) -> NDArray[np.int64]:
        """For each candidate threshold, how many of these examples reach it."""
        ordered = np.sort(probabilities[mask])
        counts: NDArray[np.int64] = len(ordered) - np.searchsorted(ordered, candidates, side="left")
        return counts

    negatives_alone, negatives_lexicon = (
        at_or_above(~labels & ~lexicon),
        at_or_above(~labels & lexicon),
    )
    positives_alone, positives_lexicon = (
        at_or_above(labels & ~lexicon),
        at_or_above(labels & lexicon),
    )
    allowed = np.floor(false_alarms * (~labels).sum())
    best = (-1, 1.0, 1.0)
    for high in range(len(candidates)):
        budget = allowed - negatives_alone[high]
        fits = np.flatnonzero(negatives_lexicon[: high + 1] <= budget)  # floors up to high
        if len(fits) == 0:
            continue
        low = int(fits[0])  # the lowest floor that fits catches the most
        caught = int(positives_alone[high] + positives_lexicon[low])
        if caught > best[0]:
            best = (caught, float(candidates[high]), float(candidates[low]))
    return best[1], best[2]
