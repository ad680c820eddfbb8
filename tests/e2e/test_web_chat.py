"""The web chat channel on the real Rasa server, through a socket.io client and the
transcript endpoint."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
import socketio
from web_pages import leave

from bot.channels.webchat import is_session_id

pytestmark = pytest.mark.e2e
SMS_RESIDENT = "+447700900555"


class Page:
    """One browser tab's socket.io connection, as web/chat.js makes it."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient()
        self.confirmed: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.replies.put)
        self.key = ""  # the session key the server gave with the session

    async def open(self, url: str, session_id: str | None = None, key: str | None = None) -> str:
        """Ask for a session (the one the tab had, with its key) and return the one given."""
        await self.client.connect(url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id, "session_key": key})
        confirmed = await asyncio.wait_for(self.confirmed.get(), 30)
        self.key = confirmed["session_key"]
        return confirmed["session_id"]

    async def say(self, session_id: str, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def welcome(self, session_id: str) -> None:
        """Ask for the assistant's welcome, as the page does for a new chat."""
        await self.client.emit("welcome_request", {"session_id": session_id})

    async def reply(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.replies.get(), 60)


def test_sessions_are_issued_by_the_server_and_carry_on_after_a_reload(assistant) -> None:
    async def journey() -> tuple[str, str, dict, dict]:
        first = Page()
        session = await first.open(assistant.rasa_url)
        await first.say(session, "hello")
        greeting = await first.reply()
        await leave(first.client)
        reloaded = Page()  # the same tab after a reload asks for its session again
        again = await reloaded.open(assistant.rasa_url, session, first.key)
        await reloaded.say(again, "I'm looking for a choir in Louth")
        answer = await reloaded.reply()
        await leave(reloaded.client)
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
        await page.welcome("0" * 32)
        await page.say(issued, "hello")
        await page.reply()  # its own conversation still works
        await leave(page.client)
        return issued

    issued = asyncio.run(attempt())
    assert issued != SMS_RESIDENT and is_session_id(issued)
    for victim in (SMS_RESIDENT, "0" * 32):
        assert not [e for e in assistant.tracker(victim)["events"] if e["event"] == "user"]


def test_a_session_is_rejoined_only_with_the_key_it_was_issued_with(assistant) -> None:
    """Someone who learnt a resident's session id (from a shared screen, a log) cannot
    join it: without the key, or with another session's key, they get a new session."""

    async def attempt() -> tuple[str, list[str]]:
        resident = Page()
        session = await resident.open(assistant.rasa_url)
        await resident.say(session, "hello")
        await resident.reply()
        await leave(resident.client)
        other = Page()
        await other.open(assistant.rasa_url)  # a session of the intruder's own, and its key
        await leave(other.client)
        given = []
        for key in (None, "", "0" * 64, resident.key.upper(), other.key):
            intruder = Page()
            given.append(await intruder.open(assistant.rasa_url, session, key))
            await intruder.say(session, "delete my details")
            await leave(intruder.client)
        return session, given

    session, given = asyncio.run(attempt())
    assert session not in given and all(is_session_id(g) for g in given)
    users = [e["text"] for e in assistant.tracker(session)["events"] if e["event"] == "user"]
    assert users == ["hello"]


def test_session_ids_look_like_ours() -> None:
    assert is_session_id("0123456789abcdef0123456789abcdef")
    for other in ("+447700900123", "ABCDEF0123456789abcdef0123456789", "abc", None, 12):
        assert not is_session_id(other)


def read_transcript(rasa_url: str, body: object) -> tuple[int, dict[str, Any]]:
    """POST /webhooks/socketio/transcript as web/chat.js sends it (JSON as text/plain)."""
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/socketio/transcript",
        json.dumps(body).encode(),
        headers={"Content-Type": "text/plain"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_the_transcript_is_given_only_to_the_holder_of_the_session(assistant) -> None:
    async def chat() -> tuple[str, str, str, str]:
        resident = Page()
        session = await resident.open(assistant.rasa_url)
        await resident.welcome(session)
        welcome = await resident.reply()
        await resident.say(session, welcome["quick_replies"][0]["payload"])  # "Find a group"
        await resident.reply()
        await leave(resident.client)
        other = Page()
        other_session = await other.open(assistant.rasa_url)
        await leave(other.client)
        return session, resident.key, other_session, other.key

    session, key, other_session, other_key = asyncio.run(chat())
    status, found = read_transcript(assistant.rasa_url, {"session_id": session, "session_key": key})
    assert status == 200 and found["link_worker"] is None
    said = [(t["sender"], t["messages"][0].get("text")) for t in found["turns"]]
    assert said[1] == ("resident", "Find a group")  # as chosen; the welcome's "/greet" not shown
    assert found["turns"][0]["sender"] == "assistant"
    assert [b["title"] for b in found["turns"][0]["messages"][0]["buttons"]] == [
        "Find a group",
        "Help me choose",
        "Talk to a person",
    ]
    for intruder in (
        {"session_id": session},  # no key
        {"session_id": session, "session_key": other_key},  # another session's key
        {"session_id": other_session, "session_key": key},  # another session, this key
        {"session_id": "0" * 32, "session_key": key},  # a guessed id
        {"session_id": SMS_RESIDENT, "session_key": key},  # an SMS conversation
    ):
        assert read_transcript(assistant.rasa_url, intruder) == (403, {"detail": "not your chat"})
