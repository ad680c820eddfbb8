"""The risk classifier's training examples: data/safety (by kind) and the NLU intents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from frontdoor.safety.categories import (
    CATEGORY_OF_KIND,
    CRISIS_KINDS,
    NEGATIVE_KINDS,
    category_of_intent,
)


@dataclass(frozen=True)
class Example:
    """One labelled sentence: its kind, and the reply category when it is a crisis."""

    text: str
    kind: str
    category: str | None  # None: no risk; a crisis kind said inside a request has no category

    @property
    def crisis(self) -> bool:
        return self.kind in CRISIS_KINDS or self.kind.startswith("crisis_")


def load_kind_file(path: Path) -> tuple[str, str, list[str]]:
    """(kind, 'crisis' or 'negative', texts) from one file of data/safety or the corpus."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    kind, label = str(data["category"]), str(data["kind"])
    known = CRISIS_KINDS if label == "crisis" else NEGATIVE_KINDS
    if kind not in known:
        raise ValueError(f"{path}: unknown {label} kind {kind!r}")
    items = data.get("examples") or data.get("messages") or []
    texts = [item["text"] if isinstance(item, dict) else str(item) for item in items]
    return kind, label, [t.strip() for t in texts if t and t.strip()]


def folder_examples(folder: Path) -> list[Example]:
    """Every example in a folder of kind files (data/safety)."""
    examples = []
    for path in sorted(folder.glob("**/*.yml")):
        kind, _, texts = load_kind_file(path)
        examples += [Example(t, kind, CATEGORY_OF_KIND.get(kind)) for t in texts]
    return examples


def intent_examples(pairs: Iterable[tuple[str, str]]) -> list[Example]:
    """NLU (intent, text) pairs: crisis intents are risk, every other intent is not."""
    examples = []
    for intent, text in pairs:
        category = category_of_intent(intent)
        kind = intent if category else f"intent_{intent}"
        examples.append(Example(text, kind, category))
    return examples
