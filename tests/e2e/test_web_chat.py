"""The web chat channel on the real Rasa server, through a socket.io client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio

from bot.channels.webchat import is_session_id

pytestmark = pytest.mark.e2e
SMS_RESIDENT = "+447700900555"


class Page:
    """One browser tab's socket.io connection, as web/chat.js makes it."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient()
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.replies.put)

    async def open(self, url: str, session_id: str | None = None) -> str:
        await self.client.connect(url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 30)

    async def say(self, session_id: str, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def reply(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.replies.get(), 60)


def test_sessions_are_issued_by_the_server_and_carry_on_after_a_reload(assistant) -> None:
    async def journey() -> tuple[str, str, dict, dict]:
        first = Page()
        session = await first.open(assistant.rasa_url)
        await first.say(session, "hello")
        greeting = await first.reply()
        await first.client.disconnect()
        reloaded = Page()  # the same tab after a reload asks for its session again
        again = await reloaded.open(assistant.rasa_url, session)
        await reloaded.say(again, "I'm looking for a choir in Louth")
        answer = await reloaded.reply()
        await reloaded.client.disconnect()
        return session, again, greeting, answer

    session, again, greeting, answer = asyncio.run(journey())
    assert is_session_id(session) and again == session
    assert "community support" in greeting["text"]
    assert "Louth" in answer["text"]
    users = [e["text"] for e in assistant.tracker(session)["events"] if e["event"] == "user"]
    assert users == ["hello", "I'm looking for a choir in Louth"]


def test_no_one_can_write_into_a_conversation_they_have_not_joined(assistant) -> None:
    async def attempt() -> str:
        page = Page()
        issued = await page.open(assistant.rasa_url, SMS_RESIDENT)  # not an id we issue
        await page.say(SMS_RESIDENT, "delete my details")
        await page.say("0" * 32, "delete my details")  # well formed, but not joined
        await page.say(issued, "hello")
        await page.reply()  # its own conversation still works
        await page.client.disconnect()
        return issued

    issued = asyncio.run(attempt())
    assert issued != SMS_RESIDENT and is_session_id(issued)
    for victim in (SMS_RESIDENT, "0" * 32):
        assert not [e for e in assistant.tracker(victim)["events"] if e["event"] == "user"]


def test_session_ids_look_like_ours() -> None:
    assert is_session_id("0123456789abcdef0123456789abcdef")
    for other in ("+447700900123", "ABCDEF0123456789abcdef0123456789", "abc", None, 12):
        assert not is_session_id(other)
