"""The curated lexicon: risk to life in a resident's words, typos and text-speak too."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")
# Checked in this order: "my mum is suicidal" is about someone else, not the writer, and
# "I have taken all my tablets" needs 999 before anything said about self-harm.
CATEGORIES = (
    "someone_else",
    "danger_now",
    "child_abuse",
    "adult_at_risk",
    "domestic_abuse",
    "harm_to_others",
    "self_harm",
    "medical",
)


@dataclass(frozen=True)
class Assessment:
    """What the lexicon found: a category (or None), the pattern, and context."""

    category: str | None
    matched: str | None
    figure_of_speech: bool
    under_19: bool
    words: str | None = None  # the words of the message that matched


@dataclass(frozen=True)
class _Lexicon:
    expand: dict[str, str]
    categories: dict[str, list[re.Pattern[str]]]
    figures: list[re.Pattern[str]]
    under_19: list[re.Pattern[str]]


def _compile_all(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return _Lexicon(
        expand={str(k): str(v) for k, v in data["expand"].items()},
        categories={c: _compile_all(data["categories"].get(c) or []) for c in CATEGORIES},
        figures=_compile_all(data["figures_of_speech"]),
        under_19=_compile_all(data["under_19"]),
    )


def normalise(text: str) -> str:
    """Lower case, plain letters, no punctuation, text-speak expanded, repeats squashed."""
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)  # "sooooo" -> "so"
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    expand = lexicon().expand
    words = [expand.get(word, expand.get(word.replace("'", ""), word)) for word in text.split()]
    return " ".join(words).replace("'", "")


def assess(text: str) -> Assessment:
    """Whether the message shows risk to life, and of which kind."""
    clean = normalise(text)
    lex = lexicon()
    under_19 = any(p.search(clean) for p in lex.under_19)
    for category in CATEGORIES:
        for pattern in lex.categories[category]:
            found = pattern.search(clean)
            if found:
                return Assessment(category, pattern.pattern, False, under_19, found.group(0))
    figure = any(p.search(clean) for p in lex.figures)
    return Assessment(None, None, figure, under_19)
