"""Every response is GSM-7 plain English that reads easily, with one question at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

from frontdoor.sms import is_gsm7, non_gsm7_characters

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "bot" / "domain"

# What the placeholders look like in a real conversation.
SAMPLE_VALUES = {
    "privacy_notice_url": "www.example.org/privacy",
    "count": "3",
    "place": "Boston",
    "furthest": "14",
    "who": "mum",
    "plan": "What matters most: seeing people. You enjoy: gardening. "
    "Next, I will look for groups near Boston on Tuesdays.",
    "name": "Margaret",
    "message": "I can call you on Tuesday morning. Is that a good time?",
    "method": "phone call",
    "detail": "07700 900123",
    "time": "weekday mornings",
    "reference": "FD-7K3Q9M",
    "promise": "within 2 working days",
    "safeguarding_phone": "01632 960001",
    "team_phone": "01632 960000",
    "details": "Referral FD-7K3Q9M: your name, Margaret, and your phone call details.",
}


def responses() -> dict[str, list[dict]]:
    """Every response in the split domain: the rules' steps and the action server's words."""
    found: dict[str, list[dict]] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        found.update((yaml.safe_load(path.read_text()) or {}).get("responses", {}))
    return found


def texts() -> list[tuple[str, str]]:
    """(response name, text with placeholders filled) for every variant and button title."""
    out = []
    for name, variants in responses().items():
        for variant in variants:
            out.append((name, fill(variant["text"])))
            out.extend((name, button["title"]) for button in variant.get("buttons", []))
    return out


def fill(text: str) -> str:
    """The text with samples for its placeholders (one with no sample is left as it is, for
    test_every_placeholder_has_a_sample to name, not to break the collection of this file)."""
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_VALUES.get(m.group(1), m.group(0)), text)


def readable(text: str) -> str:
    """The words a reader reads: web addresses, numbers and references left out."""
    text = re.sub(r"\S+@\S+|www\.\S+|https?://\S+|FD-\w+", "", text)
    return re.sub(r"[\d ]{3,}\d", " ", text)


def test_every_placeholder_has_a_sample() -> None:
    names = {
        m
        for _, variants in responses().items()
        for v in variants
        for m in re.findall(r"\{(\w+)\}", v["text"])
    }
    assert names <= SAMPLE_VALUES.keys(), names - SAMPLE_VALUES.keys()


def test_the_domain_has_responses() -> None:
    assert len(responses()) > 50


@pytest.mark.parametrize(("name", "text"), texts())
def test_gsm7_only(name: str, text: str) -> None:
    assert is_gsm7(text), f"{name} has {non_gsm7_characters(text)}"


@pytest.mark.parametrize(
    ("name", "text"), [(n, t) for n, t in texts() if len(readable(t).split()) >= 6]
)
def test_each_response_reads_easily(name: str, text: str) -> None:
    assert textstat.flesch_reading_ease(readable(text)) >= 50, name


def test_responses_read_easily_on_average() -> None:
    scores = [
        textstat.flesch_reading_ease(readable(t))
        for _, t in texts()
        if len(readable(t).split()) >= 6
    ]
    average = sum(scores) / len(scores)
    print(f"average Flesch reading ease over {len(scores)} responses: {average:.1f}")
    assert average >= 70


@pytest.mark.parametrize(("name", "text"), texts())
def test_one_question_at_a_time(name: str, text: str) -> None:
    assert text.count("?") <= 1, name
