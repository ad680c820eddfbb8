"""The assistant's words: the responses in bot/domain, the one catalogue that both rules and
custom actions send (Rasa fills them in and picks a channel's own variant), read here as data
for the few places outside Rasa that need the words themselves."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict, cast

import yaml

DOMAIN = Path(__file__).resolve().parent.parent / "bot" / "domain"


class Button(TypedDict):
    title: str
    payload: str


class Variant(TypedDict, total=False):
    """One way of saying a response: for one channel, or under a condition, or for all."""

    text: str
    buttons: list[Button]
    channel: str
    condition: list[dict[str, Any]]


@lru_cache(maxsize=1)
def responses() -> dict[str, list[Variant]]:
    """Every response in the domain, by name (utter_...)."""
    found: dict[str, list[Variant]] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.update(cast(dict[str, list[Variant]], data.get("responses") or {}))
    return found


def default_variant(name: str) -> Variant:
    """The variant any channel gets when no condition or channel of its own applies."""
    variants = responses()[name]
    plain = [v for v in variants if "channel" not in v and "condition" not in v]
    if not plain:
        raise KeyError(f"{name} has no variant without a channel or condition")
    return plain[0]


def words(name: str) -> str:
    """A response's default words, {placeholders} and all."""
    return default_variant(name)["text"]


def filled(name: str, **values: Any) -> str:
    """A response's default words with its {placeholders} filled."""
    return default_variant(name)["text"].format(**values)


@lru_cache(maxsize=1)
def button_payloads() -> frozenset[str]:
    """Every intent payload ("/affirm") that a button of any response sends."""
    return frozenset(
        str(button.get("payload", "")).strip()
        for variants in responses().values()
        for variant in variants or []
        for button in variant.get("buttons", [])
        if str(button.get("payload", "")).strip().startswith("/")
    )
