"""The what-matters-to-me answers, read back as a short plan."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from frontdoor.text import tidy
from frontdoor.when import DAYS

SKIP_WORDS = {
    "skip",
    "pass",
    "not sure",
    "dont know",
    "don't know",
    "no idea",
    "dunno",
    "idk",
    "nothing",
    "none",
    "n/a",
    "na",
    "no",
}

_BARRIER_CUES = {
    "transport": (
        "bus",
        "buses",
        "busses",
        "train",
        "trains",
        "car",
        "drive",
        "driving",
        "transport",
        "lift",
        "lifts",
        "travel",
        "taxi",
        "taxis",
    ),
    "cost": ("money", "cost", "afford", "expensive", "price", "skint", "pay", "cheap"),
    "confidence": (
        "confidence",
        "confident",
        "nervous",
        "shy",
        "anxious",
        "scared",
        "on my own",
        "alone",
        "don't know anyone",
        "dont know anyone",
    ),
    "mobility": (
        "walk",
        "wheelchair",
        "mobility",
        "stairs",
        "legs",
        "knee",
        "hip",
        "frame",
        "stick",
        "getting about",
        "get about",
    ),
    "caring": ("caring", "carer", "care for", "look after", "looking after"),
    "health": ("health", "ill", "pain", "tired", "condition", "poorly", "sick"),
}
BARRIER_WORDS = {
    "transport": "getting there",
    "cost": "cost",
    "confidence": "confidence",
    "mobility": "getting about",
    "caring": "caring for someone",
    "health": "health",
}
# A time of day named in free text ("Tuesday mornings"); the search narrows by these too.
TIME_OF_DAY_CUES = {
    "morning": re.compile(r"\bmornings?\b", re.I),
    "afternoon": re.compile(r"\bafternoons?\b", re.I),
    "evening": re.compile(r"\b(evenings?|nights?|after work)\b", re.I),
}
_DAY_CUES = {d: (d, d[:3], d[:4]) for d in DAYS}


@dataclass
class WhatMatters:
    """The resident's own words from the what-matters-to-me conversation."""

    what_matters: str | None = None
    getting_in_way: str | None = None
    would_like_different: str | None = None
    enjoys: str | None = None
    barriers_text: str | None = None
    town: str | None = None
    free_when: str | None = None
    barriers: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    time_of_day: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_skip(text: str | None) -> bool:
    """True when the resident chose not to answer."""
    return text is None or _clean(text).lower().strip(" .!") in SKIP_WORDS


def barriers_from(text: str | None) -> list[str]:
    """Practical barriers named in free text: transport, cost, confidence, mobility, caring, health."""
    if text is None or is_skip(text):
        return []
    lowered = text.lower()
    return [name for name, cues in _BARRIER_CUES.items() if any(_has(lowered, c) for c in cues)]


def days_from(text: str | None) -> list[str]:
    """Days of the week named in free text; weekends and weekdays expand to their days."""
    if text is None or is_skip(text):
        return []
    lowered = text.lower()
    if "any" in lowered.split() or "anytime" in lowered or "any time" in lowered:
        return []
    days = [d for d, cues in _DAY_CUES.items() if any(_has(lowered, c + "s?") for c in cues)]
    if "weekend" in lowered:
        days += ["saturday", "sunday"]
    if "weekday" in lowered or "week day" in lowered:
        days += list(DAYS[:5])
    return sorted(set(days), key=DAYS.index)


def time_of_day_from(text: str | None) -> str | None:
    """'Tuesday mornings' -> 'morning'; nothing when none or several times are named."""
    if text is None or is_skip(text):
        return None
    named = [name for name, pattern in TIME_OF_DAY_CUES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def gather(slots: dict[str, Any]) -> WhatMatters:
    """Build the answers from the form's slots, leaving skipped answers out."""

    def answer(name: str) -> str | None:
        value = slots.get(name)
        return None if value is None or is_skip(value) else _clean(value)

    return WhatMatters(
        what_matters=answer("what_matters"),
        getting_in_way=answer("getting_in_way"),
        would_like_different=answer("would_like_different"),
        enjoys=answer("enjoys"),
        barriers_text=answer("barriers"),
        town=slots.get("town"),
        free_when=answer("free_when"),
        barriers=barriers_from(slots.get("barriers")),
        days=days_from(slots.get("free_when")),
        time_of_day=time_of_day_from(slots.get("free_when")),
    )


_RELATIVES = (
    r"mum|mam|mom|mother|dad|father|husband|wife|partner|son|daughter|nan|nana|gran|granny|"
    r"grandma|grandad|grandpa|grandson|granddaughter|grandchild|brother|sister|aunt|auntie|"
    r"uncle|neighbour|friend|cousin|nephew|niece|boy|girl|lad|kids?|children|child"
)
_SOMEONE = re.compile(
    rf"\b(?:my|our)\s+(?:{_RELATIVES})\b|\b(?:she|he|her|him|his|hers|they|them|their)\b"
)
_MYSELF = re.compile(r"\b(?:i|me|my|i'm|im|i've|ive|i'd|myself|mine)\b")


def about_someone_else(answers: WhatMatters) -> bool:
    """True when the answers speak of another person ("she loves drawing", "my dad needs
    company") more than of the resident: the plan is then read back about them."""
    text = " ".join(
        t or ""
        for t in (
            answers.what_matters,
            answers.getting_in_way,
            answers.would_like_different,
            answers.enjoys,
            answers.barriers_text,
        )
    ).lower()
    others = len(_SOMEONE.findall(text))
    mine = len(_MYSELF.findall(_SOMEONE.sub(" ", text)))
    return others > mine


def plan_text(answers: WhatMatters, for_whom: str | None = None) -> str:
    """The plan in a few short sentences, in the resident's own words where we have them,
    about the person it is for (`for_whom`: someone the resident asked for, "mum")."""
    they = bool(for_whom) or about_someone_else(answers)
    parts = [f"This plan is for your {for_whom}."] if for_whom else []
    if answers.what_matters:
        parts.append(f"What matters most: {answers.what_matters}.")
    if answers.getting_in_way:
        parts.append(f"What gets in the way: {answers.getting_in_way}.")
    if answers.would_like_different:
        who = "they" if they else "you"
        parts.append(f"What {who} would like: {answers.would_like_different}.")
    if answers.enjoys:
        parts.append(f"{'They' if they else 'You'} enjoy: {answers.enjoys}.")
    parts.append(_next_step(answers))
    return " ".join(parts)


def _next_step(answers: WhatMatters) -> str:
    """The step we will take, shaped by the barriers, place and days."""
    step = "Next, I will look for groups"
    if "cost" in answers.barriers:
        step += " that are free or cheap"
    if answers.town:
        step += f" near {answers.town}"
    when = f" {answers.time_of_day}s" if answers.time_of_day else "s"
    if answers.days:
        step += " on " + _list_words([d.capitalize() + when for d in answers.days])
    elif answers.time_of_day:
        step += f" in the {answers.time_of_day}s"
    step += "."
    if "mobility" in answers.barriers or "transport" in answers.barriers:
        step += " I will look for places that are easy to get to."
    return step


def interests(answers: WhatMatters) -> list[str]:
    """Words to match groups on: what they enjoy, would like, what matters and what is in the
    way (a loss points to bereavement support, money worries to advice)."""
    words: list[str] = []
    texts = (
        answers.enjoys,
        answers.would_like_different,
        answers.what_matters,
        answers.getting_in_way,
    )
    for text in texts:
        if text:
            words.extend(w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3)
    return words


def _list_words(items: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _has(text: str, cue: str) -> bool:
    """Whole-word (or whole-phrase) match; cue is a regular expression."""
    return re.search(rf"\b{cue}\b", text) is not None


def _clean(text: str) -> str:
    """One tidy line without a trailing full stop."""
    return tidy(text).rstrip(" .")
