"""A length cap before the assistant reads a message, on every channel.

The intent classifier's cost grows with the square of a message's length: one message of
50 KB stalled every conversation for 10 seconds and 100 KB asked for 12.8 GB. Each channel
wraps Rasa's handler with `limited`: a message longer than MAX_MESSAGE_CHARS is cut to that
length (so the safety net still reads the start of it), the resident is told kindly, and the
turn goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from frontdoor.settings import get_settings

CUT_NOTE = "Your message was very long, so I have read the first part of it."

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def cut(text: str | None, limit: int) -> tuple[str | None, bool]:
    """The text within the limit, and whether it had to be cut."""
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


def limited(on_new_message: OnNewMessage, limit: int | None = None) -> OnNewMessage:
    """Rasa's handler, given at most `limit` characters (MAX_MESSAGE_CHARS by default)."""
    most = limit if limit is not None else get_settings().max_message_chars

    async def handle(message: UserMessage) -> Any:
        message.text, was_cut = cut(message.text, most)
        if was_cut and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, CUT_NOTE)
        return await on_new_message(message)

    return handle
