"""GSM-7 text: what fits in a plain text message, and how many parts it takes."""

from __future__ import annotations

import unicodedata

# The GSM 03.38 basic character set, and the extension table (each costs two septets).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"

_SINGLE_PART = {"gsm7": 160, "ucs2": 70}
_MULTI_PART = {"gsm7": 153, "ucs2": 67}

# Characters phones and word processors put in that GSM-7 lacks, with plain stand-ins.
_TRANSLITERATIONS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u2022": "-",
    "\u00b7": "-",
    "\t": " ",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
    "\u2122": "TM",
    "\u00bd": "1/2",
    "\u00bc": "1/4",
    "\u00be": "3/4",
}


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in GSM-7."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def non_gsm7_characters(text: str) -> list[str]:
    """The characters in text that GSM-7 cannot carry, in order, without repeats."""
    seen: list[str] = []
    for ch in text:
        if not (ch in GSM7_BASIC or ch in GSM7_EXTENDED) and ch not in seen:
            seen.append(ch)
    return seen


def to_gsm7(text: str) -> str:
    """Replace or drop characters that GSM-7 cannot carry (accents are kept where GSM-7 has them)."""
    out: list[str] = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
        elif ch in _TRANSLITERATIONS:
            out.append(_TRANSLITERATIONS[ch])
        else:
            out.append(_strip_accent(ch))
    return "".join(out)


def _strip_accent(ch: str) -> str:
    """A letter without its accent when that is GSM-7, otherwise nothing (emoji and the like)."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and is_gsm7(base) else ""


def septets(text: str) -> int:
    """Length in GSM-7 septets (extension characters count twice)."""
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS parts the text takes."""
    if not text:
        return 0
    encoding = "gsm7" if is_gsm7(text) else "ucs2"
    length = septets(text) if encoding == "gsm7" else len(text.encode("utf-16-le")) // 2
    if length <= _SINGLE_PART[encoding]:
        return 1
    return -(-length // _MULTI_PART[encoding])
