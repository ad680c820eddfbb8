"""The SMS channel on a real Sanic server, a fake Twilio REST API and a fresh store (the
real servers are the shared `assistant`, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
import pytest_asyncio
from fake_twilio import FakeTwilio
from sms_harness import ACCOUNT, OUR_NUMBER, TOKEN, Bot, Harness, serve

from bot.channels.sender import TwilioSender
from bot.channels.sms import SmsInput
from frontdoor.settings import Settings, get_settings


@pytest.fixture()
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture()
def settings(sqlite_url: str, fake_twilio: FakeTwilio, monkeypatch) -> Settings:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_NUMBER", OUR_NUMBER)
    monkeypatch.setenv("TWILIO_API_BASE_URL", fake_twilio.base_url)
    monkeypatch.delenv("SMS_PUBLIC_BASE_URL", raising=False)
    return get_settings()


@pytest_asyncio.fixture()
async def sms(settings: Settings, fake_twilio: FakeTwilio) -> AsyncIterator[Harness]:
    bot = Bot()
    channel = SmsInput(settings, TwilioSender(settings, backoff_seconds=0.01, timeout_seconds=2))
    server, url = await serve(channel, bot)
    async with aiohttp.ClientSession() as http:
        yield Harness(url, channel, bot, fake_twilio, http)
    await channel.drain()
    server.close()
    await server.wait_closed()
