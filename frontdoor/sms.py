"""GSM-7 text: what fits in a plain text message, and how many parts it takes; and the
opaque conversation id an SMS number talks under."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from frontdoor.directory.search import NEAR_WORDING_MILES, GroupCard

# An SMS resident's conversation id: never the phone number itself (it shows in logs, in
# Rasa's tracker store and in URLs, and anyone who could name a conversation by a number could
# read it). HMAC-SHA256 of the number under a secret, so it cannot be guessed from the number.
SMS_CONVERSATION_PREFIX = "sms-"
SMS_CONVERSATION_HEX = 32
_SMS_CONVERSATION_ID = re.compile(rf"^{SMS_CONVERSATION_PREFIX}[0-9a-f]{{{SMS_CONVERSATION_HEX}}}$")


def sms_conversation_id(number: str, secret: str) -> str:
    """The opaque conversation id for an SMS number (E.164), keyed with the secret."""
    if not secret:
        raise ValueError("SMS conversation ids need a secret (SMS_ID_SECRET)")
    digest = hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()
    return SMS_CONVERSATION_PREFIX + digest[:SMS_CONVERSATION_HEX]


def is_sms_conversation_id(value: object) -> bool:
    """True for an id sms_conversation_id could have made."""
    return isinstance(value, str) and bool(_SMS_CONVERSATION_ID.match(value))


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


# Turning a chat turn into text messages.

MAX_BODY_CHARS = 1600  # Twilio refuses a longer body; a longer turn goes as more bodies

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES"})  # YES only counts for an opted-out number
HELP_WORDS = frozenset({"HELP", "INFO"})

# The closing sentence that says what to type ("Reply yes or no."): numbers replace it.
_REPLY_SENTENCE = re.compile(r"\s*Reply [^.?!]*[.?!]?\s*$")


@dataclass(frozen=True)
class Option:
    """One choice offered as a button: the words shown and what choosing it sends."""

    title: str
    payload: str


def keyword(text: str | None) -> str | None:
    """The carrier keyword ("stop", "start" or "help") a one-word reply is, if any."""
    words = (text or "").split()
    if len(words) != 1:
        return None
    word = re.sub(r"[^A-Za-z]", "", words[0]).upper()
    if word in OPT_OUT_WORDS:
        return "stop"
    if word in OPT_IN_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def options_from_buttons(buttons: list[dict[str, Any]] | None) -> list[Option]:
    """Rasa buttons (or quick replies) as options, in order."""
    return [
        Option(to_gsm7(str(b.get("title") or b.get("payload"))), str(b.get("payload") or ""))
        for b in buttons or []
        if b.get("payload")
    ]


def reply_hint(count: int) -> str:
    """'Reply 1.', 'Reply 1 or 2.', 'Reply 1, 2 or 3.'"""
    numbers = [str(n) for n in range(1, count + 1)]
    if count < 2:
        return "Reply 1."
    return f"Reply {', '.join(numbers[:-1])} or {numbers[-1]}."


def numbered(text: str, options: list[Option]) -> str:
    """The text with its choices as a numbered list inside the same message."""
    if not options:
        return text
    body = _REPLY_SENTENCE.sub("", text).rstrip()
    lines = [f"{body} {reply_hint(len(options))}".strip()]
    lines += [f"{n} {option.title}" for n, option in enumerate(options, start=1)]
    return "\n".join(lines)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9@ ]", " ", text.lower()).split())


def choose_option(reply: str | None, options: list[Option]) -> Option | None:
    """The option a reply picks: its number ("1", "2.") or its words ("phone call")."""
    said = _words(reply or "")
    if not said or not options:
        return None
    for option in options:  # words first, so a choice titled "2" is not taken as option 2
        if said == _words(option.title):
            return option
    if said.isdigit() and 1 <= int(said) <= len(options):
        return options[int(said) - 1]
    return None


def compact_groups(groups: list[GroupCard]) -> str:
    """Group suggestions as one short line each: "- name: when, where, cost, contact".

    Lines start with a dash, not a number, so "Reply 1" only ever means the choices below
    them. A place's town is left off when its venue already names it; a group further away
    than "near" says how far.
    """
    lines = []
    for group in groups:
        name = _tidy(group.get("name"))
        where = _without_repeated_town(_tidy(group.get("where")))
        miles = group.get("miles")
        details = (
            _tidy(group.get("when")),
            where,
            f"{miles:.0f} miles away" if miles and miles > NEAR_WORDING_MILES else "",
            _tidy(group.get("cost")),
            _tidy(group.get("contact")),
        )
        rest = ", ".join(d for d in details if d)
        lines.append(f"- {name}: {rest}" if name and rest else f"- {name or rest}")
    return to_gsm7("\n".join(lines))


def _tidy(value: Any) -> str:
    return " ".join(str(value or "").split()).rstrip(".")


def _without_repeated_town(where: str) -> str:
    """'Boston Leisure Centre, Boston' -> 'Boston Leisure Centre'; 'Central Park, Boston' stays."""
    venue, comma, town = where.rpartition(", ")
    if comma and town and town.lower() in venue.lower().split():
        return venue
    return where


def message_text(message: dict[str, Any]) -> tuple[str, list[Option]]:
    """One bot message as SMS text, and the options it offers; payloads are never shown."""
    text = str(message.get("text") or "").strip()
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("type") == "groups" and custom.get("groups"):
        intro = text.split("\n", 1)[0].strip()
        text = "\n".join(filter(None, [intro, compact_groups(custom["groups"])]))
    if message.get("image"):
        text = "\n".join(filter(None, [text, str(message["image"])]))
    options = options_from_buttons(message.get("buttons") or message.get("quick_replies"))
    return to_gsm7(text), options


def format_turn(messages: list[dict[str, Any]]) -> tuple[list[str], list[Option]]:
    """A turn's bot messages as few SMS bodies as read well, and the options now on offer.

    Only the last message with buttons is numbered, so a reply of "1" means one thing.
    """
    rendered = [message_text(m) for m in messages]
    last = max((i for i, (_, opts) in enumerate(rendered) if opts), default=None)
    options = rendered[last][1] if last is not None else []
    parts = [numbered(text, opts) if i == last else text for i, (text, opts) in enumerate(rendered)]
    return join_messages(parts), options


def join_messages(parts: list[str], limit: int = MAX_BODY_CHARS) -> list[str]:
    """Join texts, one to a line, into as few bodies as fit (a body is one message to read)."""
    text = "\n".join(filter(None, (to_gsm7(p).strip() for p in parts)))
    return _split(text, limit)


def _split(text: str, limit: int) -> list[str]:
    """Cut text longer than limit between messages if that is not too early, else at a space."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def turn_segments(bodies: list[str]) -> int:
    """What a turn costs, in SMS parts."""
    return sum(segments(body) for body in bodies)
