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


def has_words(text: str, least: int = 2) -> bool:
    """Whether the text holds at least this many letters or digits (not only emoji or dots)."""
    return sum(ch.isalnum() for ch in text) >= least
