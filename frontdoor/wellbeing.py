"""Wellbeing questions: ONS4 (personal wellbeing, 0 to 10) and the UCLA 3-item loneliness
scale (1 hardly ever, 2 some of the time, 3 often), public-domain wording, asked at the start
(by the assistant) and at the end (by the link worker at closing, or the resident).

An answer is a score, SKIPPED (the resident passed on that question) or STOPPED (they want no
more questions); anything else is not an answer.
"""

from __future__ import annotations

import re
from typing import Final, Literal

ONS4: Final = ("life_satisfied", "worthwhile", "happy", "anxious")  # 0 to 10 each
UCLA3: Final = ("lack_companionship", "left_out", "isolated")  # 1 to 3 each, total 3 to 9
QUESTIONS: Final = ONS4 + UCLA3
SLOT_PREFIX: Final = "wellbeing_"  # each question's slot: wellbeing_<question>
SKIPPED: Final = "skipped"
STOPPED: Final = "stopped"
Answer = int | Literal["skipped", "stopped"] | None

# What staff read beside each score (the console, the report).
LABELS: Final = {
    "life_satisfied": "Satisfied with life (0 to 10)",
    "worthwhile": "Things done are worthwhile (0 to 10)",
    "happy": "Happy yesterday (0 to 10)",
    "anxious": "Anxious yesterday (0 to 10, lower is better)",
    "lack_companionship": "Lacks companionship (1 to 3)",
    "left_out": "Feels left out (1 to 3)",
    "isolated": "Feels isolated (1 to 3)",
}
UCLA_CHOICES: Final = {1: "Hardly ever", 2: "Some of the time", 3: "Often"}

NUMBER_WORDS: Final = {
    "zero": 0, "nought": 0, "none": 0, "nothing": 0, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
SKIP: Final = re.compile(  # anywhere in the answer, when it gives no score
    r"\b(skip|pass|no idea|not sure|unsure|dont know|don't know|do not know|rather not|"
    r"prefer not|no comment|next question)\b|^n/?a$",
    re.IGNORECASE,
)
STOP: Final = re.compile(
    r"^(stop|no more|enough|that'?s enough|finish|done|no thanks|no thank you|"
    r"i don'?t want to( do this| answer)?( any more)?)\b",
    re.IGNORECASE,
)
UCLA_WORDS: Final = (  # the longer phrases first: "hardly ever" is not "ever"
    (re.compile(r"\b(hardly ever|never|rarely|not often|hardly|almost never)\b"), 1),
    (re.compile(r"\b(some of the time|sometimes|now and (then|again)|occasionally)\b"), 2),
    (re.compile(r"\b(often|always|all the time|a lot|most of the time|every day)\b"), 3),
)


def slot_of(question: str) -> str:
    return SLOT_PREFIX + question


def plain(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split()).strip(" .!")


def score(question: str, text: str) -> Answer:
    """The answer to one question, read from what the resident typed or pressed: STOPPED
    when they want no more questions, the score they gave, SKIPPED when they passed on it;
    None when it is none of these."""
    words = plain(text)
    if STOP.match(words):
        return STOPPED
    found = score_0_to_10(words) if question in ONS4 else score_1_to_3(words)
    if found is None and SKIP.search(words):
        return SKIPPED
    return found


def score_0_to_10(words: str) -> int | None:
    """An ONS4 score: "7", "7/10", "about six"; None when there is not exactly one."""
    numbers = [int(n) for n in re.findall(r"(?<![\d.])\d{1,2}(?!\.?\d)", words)]
    numbers += [value for word, value in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", words)]
    in_range = [n for n in numbers if 0 <= n <= 10]
    if "/10" in words.replace(" ", "") or "out of 10" in words or "out of ten" in words:
        in_range = in_range[:1]  # "7 out of 10": the 10 is the scale
    return in_range[0] if len(set(in_range)) == 1 else None


def score_1_to_3(words: str) -> int | None:
    """A UCLA score: its words ("hardly ever", "some of the time", "often") or 1 to 3."""
    for phrase, value in UCLA_WORDS:
        if phrase.search(words):
            return value
    digits = re.fullmatch(r"\s*([123])\s*[.!]?\s*", words)
    return int(digits.group(1)) if digits else None


def ucla_total(answers: dict[str, int | None]) -> int | None:
    """The loneliness total, 3 to 9, when all three were answered."""
    values = [answers.get(question) for question in UCLA3]
    return sum(v for v in values if v is not None) if None not in values else None
