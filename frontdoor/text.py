"""Text as residents type it and the directory gives it, tidied the same way for every channel
(what a channel can carry, GSM-7 for SMS, is that channel's own business)."""

from __future__ import annotations

import unicodedata


def tidy(value: object) -> str:
    """One line of text: composed (NFC), control characters dropped, runs of spaces and line
    breaks made one space."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(text.split())


def tidy_lines(value: object) -> str:
    """Text tidied line by line: line breaks kept, blank lines dropped."""
    lines = (tidy(line) for line in str(value or "").splitlines())
    return "\n".join(line for line in lines if line)


def folded(text: str) -> str:
    """Lower case without accents, with plain apostrophes: "Zoë’s Café" is "zoe's cafe", as
    a resident may type it."""
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def has_words(text: str, least: int = 2) -> bool:
    """Whether the text holds at least this many letters or digits (not only emoji or dots)."""
    return sum(ch.isalnum() for ch in text) >= least
