"""What every channel does to a message before the assistant reads it.

- A length cap. The intent classifier's cost grows with the square of a message's length:
  one message of 50 KB stalled every conversation for 10 seconds and 100 KB asked for
  12.8 GB. A message longer than MAX_MESSAGE_CHARS is cut to that length (so the safety net
  still reads the start of it), the resident is told kindly, and the turn goes on.
- Only the assistant's own buttons may speak Rasa's "/intent" language. Rasa takes a message
  that starts with "/" as an intent and skips the NLU pipeline, the safety net with it, so
  "/affirm" typed by anyone was obeyed unchecked. Any other message that starts with "/" has
  its slashes taken off and is read as words, by the safety net first.

Each channel wraps Rasa's handler with `limited`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage

from frontdoor.settings import get_settings

CUT_NOTE = "Your message was very long, so I have read the first part of it."
ROOT = Path(__file__).resolve().parents[2]

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def cut(text: str | None, limit: int) -> tuple[str | None, bool]:
    """The text within the limit, and whether it had to be cut."""
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


@lru_cache(maxsize=1)
def button_payloads() -> frozenset[str]:
    """Every payload the assistant's buttons send (domain responses and action messages)."""
    found: set[str] = set()
    sources = [*sorted((ROOT / "bot" / "domain").glob("*.yml")), ROOT / "actions" / "messages.yml"]
    for path in sources:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = (
            data.get("responses", {}).values()
            if "responses" in data
            else [[v] for v in data.values()]
        )
        for variants in entries:
            for variant in variants or []:
                for button in (
                    (variant or {}).get("buttons", []) if isinstance(variant, dict) else []
                ):
                    found.add(str(button.get("payload", "")).strip())
    return frozenset(p for p in found if p.startswith("/"))


def as_words(text: str | None) -> str | None:
    """A typed "/something" that is not one of our buttons, read as words."""
    if text is None or not text.lstrip().startswith("/") or text.strip() in button_payloads():
        return text
    return text.lstrip().lstrip("/").lstrip() or "?"


def limited(on_new_message: OnNewMessage, limit: int | None = None) -> OnNewMessage:
    """Rasa's handler, given at most `limit` characters (MAX_MESSAGE_CHARS by default)."""
    most = limit if limit is not None else get_settings().max_message_chars

    async def handle(message: UserMessage) -> Any:
        message.text, was_cut = cut(as_words(message.text), most)
        if was_cut and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, CUT_NOTE)
        return await on_new_message(message)

    return handle
