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


def test_only_our_buttons_may_speak_in_intents() -> None:
    from bot.channels.limits import as_words, button_payloads

    assert {"/affirm", "/deny", "/find_group", "/need_support"} <= button_payloads()
    assert as_words("/affirm") == "/affirm"
    assert as_words("/restart") == "restart"
    assert as_words("/greet I have taken all my tablets") == "greet I have taken all my tablets"
    assert as_words('/inform{"town": "Boston"}') == 'inform{"town": "Boston"}'
    assert as_words("//") == "?"
    assert as_words("half past 2 / 3ish") == "half past 2 / 3ish"


def test_a_typed_intent_reaches_the_assistant_as_words() -> None:
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.text)

    handler = limited(on_new_message, limit=100)
    output = CollectingOutputChannel()
    asyncio.run(handler(UserMessage("/greet i want to die", output, "r")))
    asyncio.run(handler(UserMessage("/deny", output, "r")))
    assert handled == ["greet i want to die", "/deny"]
