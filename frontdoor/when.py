"""Days and times as residents write them: "on a sat", "weekday mornings", "not weekends",
"anything after 6", "evenings or weekends".

The result narrows a search: one day word (a day's name, "weekend" or "weekday", the words
frontdoor.directory.search.day_codes reads), a time of day (morning, afternoon, evening), and
whether either is enough ("evenings or weekends") or both are needed ("Tuesday mornings").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The days of the week, Monday first, and their ORUK schedule codes: the one list of them.
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_CODES = dict(zip(DAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))
WEEKEND = "weekend"
WEEKDAY = "weekday"

# A day by its name or a short form; "sat" and "sun" are words too ("I sat in", "the sun"), so
# they count only where a day is meant: "on a sat", "every sun", "sat morning".
_DAY_PATTERNS = {
    "monday": r"mon(day)?s?",
    "tuesday": r"tue(s(day)?)?s?",
    "wednesday": r"wed(s|nesday)?s?",
    "thursday": r"thu(rs?(day)?)?s?",
    "friday": r"fri(day)?s?",
    "saturday": r"saturdays?|(?<=on )sat|(?<=on a )sat|(?<=every )sat|sat(?= (morning|afternoon|evening|night))",
    "sunday": r"sundays?|(?<=on )sun|(?<=on a )sun|(?<=every )sun|sun(?= (morning|afternoon|evening|night))",
}
_DAY = {
    day: re.compile(rf"(?<!')\b(?:{pattern})\b", re.I) for day, pattern in _DAY_PATTERNS.items()
}
_NOT = r"\b(?:not|no|never|except|apart from|but not|can'?t do|cannot do)\s+(?:on\s+)?(?:at\s+)?(?:the\s+)?"
_NOT_WEEKEND = re.compile(_NOT + r"weekends?\b|\bweekdays? only\b|\bonly (?:on )?weekdays?\b", re.I)
_NOT_WEEKDAY = re.compile(
    _NOT + r"week ?days?\b|\bweekends? only\b|\bonly (?:at )?weekends?\b", re.I
)
_WEEKEND = re.compile(r"\bweek-?ends?\b", re.I)
_WEEKDAY = re.compile(r"\bweek ?days?\b|\bmonday to friday\b|\bduring the week\b", re.I)
_TIMES = {
    "morning": re.compile(r"\bmornings?\b", re.I),
    "afternoon": re.compile(r"\bafternoons?\b", re.I),
    "evening": re.compile(r"\bevenings?\b|\bnights?\b|\bafter work\b|\bteatime\b", re.I),
}
_AFTER = re.compile(r"\b(?:after|from|past)\s+(\d{1,2})(?:[.:]\d\d)?\s*(am|pm|o'?clock)?\b", re.I)
_EITHER = re.compile(
    r"(evenings?|nights?|mornings?|afternoons?|after \d+\w*)\s+or\s+(?:at\s+|on\s+)?(?:the\s+)?(weekends?|week ?days?)"
    r"|(weekends?|week ?days?)\s+or\s+(?:in\s+)?(?:the\s+)?(evenings?|nights?|mornings?|afternoons?)",
    re.I,
)


@dataclass(frozen=True)
class When:
    """A day word and a time of day a resident asked for; `either` when one of them will do."""

    day: str | None = None
    time_of_day: str | None = None
    either: bool = False

    def __bool__(self) -> bool:
        return self.day is not None or self.time_of_day is not None


def when_from(text: str | None) -> When:
    """The day and time of day in free text; nothing when none, or several days, are named."""
    if not text:
        return When()
    day = _day(text)
    time_of_day = _time_of_day(text)
    either = bool(day and time_of_day and _EITHER.search(text))
    return When(day, time_of_day, either)


def _day(text: str) -> str | None:
    if _NOT_WEEKEND.search(text):
        return WEEKDAY
    if _NOT_WEEKDAY.search(text):
        return WEEKEND
    named = [day for day, pattern in _DAY.items() if pattern.search(text)]
    if set(named) == {"saturday", "sunday"} or (not named and _WEEKEND.search(text)):
        return WEEKEND
    if not named and _WEEKDAY.search(text):
        return WEEKDAY
    return named[0] if len(named) == 1 else None


def _time_of_day(text: str) -> str | None:
    after = _AFTER.search(text)
    if after:
        return _after_hour(int(after.group(1)), (after.group(2) or "").lower())
    named = [name for name, pattern in _TIMES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def _after_hour(hour: int, suffix: str) -> str | None:
    """ "after 6" is in the evening (people mean 6pm); "after 10am" is still the morning."""
    if suffix == "am":
        return "morning" if hour < 12 else None
    if suffix == "pm" or 1 <= hour <= 11:
        hour = hour % 12 + 12
    if hour >= 17:
        return "evening"
    return "afternoon" if hour >= 12 else None
