"""Rasa's REST channel (bot/channels/rest.py), registered the way Rasa registers it: behind
REST_CHANNEL_ENABLED, never in an SMS conversation, always counted as REST."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.rest import LimitedRestInput, is_reserved_sender
from frontdoor.sms import sms_conversation_id

pytestmark = pytest.mark.asyncio
Sanic.test_mode = True


class Agent:
    """Stands in for Rasa's agent: records each message and answers it."""

    def __init__(self) -> None:
        self.heard: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.heard.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"heard {message.text}")


@asynccontextmanager
async def serving(channel: LimitedRestInput) -> AsyncIterator[tuple[str, Agent]]:
    """The channel on a real Sanic server, as Rasa registers it: (its URL, the agent)."""
    app = Sanic(f"rest_test_{uuid.uuid4().hex[:8]}")
    agent = Agent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/rest", agent
    finally:
        server.close()
        await server.wait_closed()


@pytest_asyncio.fixture()
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(http: aiohttp.ClientSession, url: str, body: dict) -> tuple[int, object]:
    async with http.post(f"{url}/webhook", json=body) as response:
        return response.status, await response.text()


async def test_on_it_answers_as_rasas_rest_channel(http) -> None:
    async with serving(LimitedRestInput(enabled=True)) as (url, agent):
        status, text = await post(http, url, {"sender": "resident-1", "message": "hello"})
        assert status == 200 and "heard hello" in text
        async with http.get(f"{url}/") as health:
            assert health.status == 200
        [message] = agent.heard
        assert (message.sender_id, message.input_channel) == ("resident-1", "rest")


async def test_off_the_webhook_is_404_and_reaches_no_one(http) -> None:
    async with serving(LimitedRestInput(enabled=False)) as (url, agent):
        status, _ = await post(http, url, {"sender": "resident-1", "message": "hello"})
        assert status == 404
        async with http.get(f"{url}/") as health:
            assert health.status == 404
        assert agent.heard == []


async def test_sms_conversations_and_phone_numbers_are_refused(http) -> None:
    senders = [
        sms_conversation_id("+447700900123", "any secret"),
        "SMS-0123",
        "+447700900123",
        "447700900123",
        "07700 900123",
        "(01632) 960000",
        "%2B447700900123",
        "tel:+447700900123",
        "whatsapp:+447700900123",
    ]
    async with serving(LimitedRestInput(enabled=True)) as (url, agent):
        for sender in senders:
            status, _ = await post(http, url, {"sender": sender, "message": "delete my details"})
            assert status == 403, sender
        assert agent.heard == []


async def test_a_caller_cannot_claim_another_channel(http) -> None:
    async with serving(LimitedRestInput(enabled=True)) as (url, agent):
        body = {"sender": "resident-2", "message": "hi", "input_channel": "sms"}
        assert (await post(http, url, body))[0] == 200
        assert [m.input_channel for m in agent.heard] == ["rest"]


@pytest.mark.parametrize(
    ("value", "enabled"),
    [("", True), ("true", True), ("1", True), ("false", False), ("0", False), ("flase", False)],
)
async def test_the_setting_decides(monkeypatch, value: str, enabled: bool) -> None:
    monkeypatch.setenv("REST_CHANNEL_ENABLED", value)
    assert LimitedRestInput.from_credentials(None).enabled is enabled


async def test_ordinary_senders_are_not_reserved() -> None:
    for sender in ("resident-1", uuid.uuid4().hex, "0f" * 16, "web 1", "room 12", None):
        assert not is_reserved_sender(sender)


async def test_a_sender_that_is_not_a_string_is_refused(http) -> None:
    async with serving(LimitedRestInput(enabled=True)) as (url, agent):
        for sender in (["+447700900123"], {"id": "+447700900123"}, 447700900123):
            status, _ = await post(http, url, {"sender": sender, "message": "hello"})
            assert status == 400, sender
        assert agent.heard == []
