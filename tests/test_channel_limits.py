"""The length cap every channel puts before the assistant (bot/channels/limits.py)."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.limits import CUT_NOTE, cut, limited


def test_cut_keeps_short_text_and_cuts_long_text() -> None:
    assert cut("hello", 10) == ("hello", False)
    assert cut("x" * 11, 10) == ("x" * 10, True)
    assert cut(None, 10) == (None, False)


def test_a_long_message_is_cut_the_resident_told_and_the_turn_handled() -> None:
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.text)

    output = CollectingOutputChannel()
    message = UserMessage("a" * 50, output, "resident-1")
    asyncio.run(limited(on_new_message, limit=20)(message))
    assert handled == ["a" * 20]
    assert [m["text"] for m in output.messages] == [CUT_NOTE]


def test_a_message_within_the_limit_passes_untouched() -> None:
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.text)

    output = CollectingOutputChannel()
    asyncio.run(limited(on_new_message, limit=20)(UserMessage("hi", output, "resident-1")))
    assert handled == ["hi"]
    assert output.messages == []
