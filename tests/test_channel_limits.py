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
    words = {
        "/affirm": "/affirm",
        "/restart": "restart",
        "/greet I have taken all my tablets": "greet I have taken all my tablets",
        '/inform{"town": "Boston"}': 'inform{"town": "Boston"}',
        "//": "?",
        "half past 2 / 3ish": "half past 2 / 3ish",
    }
    assert {typed: as_words(typed) for typed in words} == words


def test_a_typed_intent_reaches_the_assistant_as_words() -> None:
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.text)

    handler = limited(on_new_message, limit=100)
    output = CollectingOutputChannel()
    asyncio.run(handler(UserMessage("/greet i want to die", output, "r")))
    asyncio.run(handler(UserMessage("/deny", output, "r")))
    assert handled == ["greet i want to die", "/deny"]


def _failing_turn(replies: list[str], seconds: float = 0.0, then: list[str] | None = None):
    """A stand-in for Rasa whose custom action fails the way Rasa's processor reports it."""
    import logging

    async def on_new_message(message: UserMessage) -> None:
        for text in replies:
            await message.output_channel.send_text_message(message.sender_id, text)
        await asyncio.sleep(seconds)
        try:
            raise ConnectionError("action server unreachable")
        except ConnectionError:
            logging.getLogger("rasa.core.processor").exception(
                "Encountered an exception while running action 'action_search_groups'."
                "Bot will continue, but the actions events are lost."
            )
        for text in then or []:
            await asyncio.sleep(seconds)
            await message.output_channel.send_text_message(message.sender_id, text)

    return on_new_message


def _sorry() -> str:
    from bot.channels.limits import SORRY_TEXT
    from frontdoor.settings import get_settings

    return SORRY_TEXT.format(team_phone=get_settings().team_phone)


def test_a_failed_action_is_answered_with_the_apology_and_the_team_number() -> None:
    output = CollectingOutputChannel()
    asyncio.run(limited(_failing_turn([]))(UserMessage("walking groups", output, "r-1")))
    assert [m["text"] for m in output.messages] == [_sorry()]
    assert "call the team on" in _sorry() and _sorry().isascii()


def test_a_turn_without_a_failure_gets_no_apology_even_when_silent() -> None:
    async def paused(message: UserMessage) -> None:
        """A paused conversation: Rasa records the message and runs no action."""

    output = CollectingOutputChannel()
    asyncio.run(limited(paused)(UserMessage("hello?", output, "r-2")))
    assert output.messages == []


def test_only_the_turn_that_failed_is_told() -> None:
    failing, fine = CollectingOutputChannel(), CollectingOutputChannel()

    async def quiet(message: UserMessage) -> None:
        await asyncio.sleep(0.05)
        await message.output_channel.send_text_message(message.sender_id, "hello")

    async def both() -> None:
        await asyncio.gather(
            limited(_failing_turn([], seconds=0.02))(UserMessage("a", failing, "r-3")),
            limited(quiet)(UserMessage("b", fine, "r-4")),
        )

    asyncio.run(both())
    assert [m["text"] for m in failing.messages] == [_sorry()]
    assert [m["text"] for m in fine.messages] == ["hello"]


def test_a_turn_that_keeps_failing_is_answered_after_the_timeout_and_margin(
    monkeypatch,
) -> None:
    import time

    import bot.channels.limits as limits

    monkeypatch.setenv("ACTIONS_TIMEOUT_SECONDS", "0")
    monkeypatch.setattr(limits, "TURN_MARGIN_SECONDS", 0.2)
    output = CollectingOutputChannel()
    hangs = _failing_turn(["Let me look."], seconds=0.1, then=["never in time"] * 20)
    began = time.monotonic()
    asyncio.run(limited(hangs)(UserMessage("walking groups", output, "r-5")))
    assert time.monotonic() - began < 1.5
    assert [m["text"] for m in output.messages][:2] == ["Let me look.", _sorry()]
