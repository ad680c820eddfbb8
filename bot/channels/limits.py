"""What every channel does to a message before the assistant reads it.

- A length cap. The intent classifier's cost grows with the square of a message's length:
  one message of 50 KB stalled every conversation for 10 seconds and 100 KB asked for
  12.8 GB. A message longer than MAX_MESSAGE_CHARS is cut to that length (so the safety net
  still reads the start of it), the resident is told kindly, and the turn goes on.
- Only the assistant's own buttons may speak Rasa's "/intent" language. Rasa takes a message
  that starts with "/" as an intent and skips the NLU pipeline, the safety net with it, so
  "/affirm" typed by anyone was obeyed unchecked. Any other message that starts with "/" has
  its slashes taken off and is read as words, by the safety net first.
- Residents are always told when the action server fails. Rasa logs a failed action call
  (server down, unreachable, timed out after ACTIONS_TIMEOUT_SECONDS, or an error) and goes
  on without its events, so the resident used to hear nothing. The processor's own record of
  the failure, caught for this turn only (a context variable: concurrent turns never see
  each other's), is the signal: a paused conversation runs no action, so it stays silent as
  it should, and no health check guesses after the fact. The resident gets SORRY_TEXT and the
  turn is kept (their message is in the tracker), so they can send it again. A turn still
  running ACTIONS_TIMEOUT_SECONDS + TURN_MARGIN_SECONDS after it began, with an action failed,
  is answered then and left to finish on its own: Rasa may call the action server again.

Each channel wraps Rasa's handler with `limited`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage

from frontdoor.settings import get_settings

CUT_NOTE = "Your message was very long, so I have read the first part of it."
SORRY_TEXT = (
    "Sorry, something went wrong on our side. Please try again in a few minutes, "
    "or call the team on {team_phone}."
)
TURN_MARGIN_SECONDS = 5.0
# What rasa.core.processor logs (with the exception) when an action's call fails: Rasa 3.6.
ACTION_FAILED = "Encountered an exception while running action"
ROOT = Path(__file__).resolve().parents[2]

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

logger = logging.getLogger(__name__)
_turn_failures: ContextVar[list[str] | None] = ContextVar("turn_failures", default=None)
_unfinished: set[asyncio.Future] = set()  # turns answered early, left to finish


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


class ActionFailures(logging.Handler):
    """Notes, in the turn under way, each action the processor says failed."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is not None and str(record.msg).startswith(ACTION_FAILED):
            failures.append(record.getMessage())


def watch_action_failures() -> None:
    """Listen to Rasa's processor for failed actions (once per process)."""
    processor_log = logging.getLogger("rasa.core.processor")
    if not any(isinstance(h, ActionFailures) for h in processor_log.handlers):
        processor_log.addHandler(ActionFailures(logging.ERROR))


def start_turn(on_new_message: OnNewMessage, message: UserMessage) -> tuple[asyncio.Future, list]:
    """Rasa's turn as a task, and the list its failed actions are noted in."""
    failures: list[str] = []
    token = _turn_failures.set(failures)
    try:  # the task takes a copy of this context, so the list is the turn's own
        return asyncio.ensure_future(on_new_message(message)), failures
    finally:
        _turn_failures.reset(token)


async def told_if_failed(
    on_new_message: OnNewMessage, message: UserMessage, patience: float, team_phone: str
) -> Any:
    """Run the turn; if an action failed in it, say sorry (after `patience` at the latest)."""
    turn, failures = start_turn(on_new_message, message)
    done, _ = await asyncio.wait({turn}, timeout=patience)
    while not done and not failures:  # slow but nothing failed: wait, checking each second
        done, _ = await asyncio.wait({turn}, timeout=1.0)
    if failures:
        logger.warning("a turn in %s lost an action: %s", message.sender_id, failures[0])
        if not done:
            _unfinished.add(turn)
            turn.add_done_callback(_unfinished.discard)
        if message.output_channel is not None:
            text = SORRY_TEXT.format(team_phone=team_phone)
            await message.output_channel.send_text_message(message.sender_id, text)
    return turn.result() if done else None


def limited(on_new_message: OnNewMessage, limit: int | None = None) -> OnNewMessage:
    """Rasa's handler, given at most `limit` characters (MAX_MESSAGE_CHARS by default), that
    says sorry when the action server fails."""
    settings = get_settings()
    most = limit if limit is not None else settings.max_message_chars
    patience = settings.actions_timeout_seconds + TURN_MARGIN_SECONDS
    watch_action_failures()

    async def handle(message: UserMessage) -> Any:
        message.text, was_cut = cut(as_words(message.text), most)
        if was_cut and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, CUT_NOTE)
        return await told_if_failed(on_new_message, message, patience, settings.team_phone)

    return handle
