"""The SMS channel on a real Sanic server, a fake Twilio REST API and a fresh store."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from sms_harness import ACCOUNT, OUR_NUMBER, TOKEN, Bot, Harness, serve

from bot.channels.fake_twilio import FakeTwilio, SmsClient
from bot.channels.sender import TwilioSender
from bot.channels.sms import SmsInput
from frontdoor.runner import (
    DEFAULT_MODEL,
    free_port,
    prepare_store,
    service_env,
    start_actions,
    start_rasa,
    stop,
    wait_until_up,
)
from frontdoor.settings import Settings, get_settings
from frontdoor.sms import sms_conversation_id


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


@dataclasses.dataclass
class SmsAssistant:
    client: SmsClient
    fake: FakeTwilio
    database_url: str
    rasa_url: str
    token: str
    sms_id_secret: str

    def conversation_id(self, number: str) -> str:
        """The opaque conversation id the number texts under."""
        return sms_conversation_id(number, self.sms_id_secret)


@pytest.fixture(scope="session")
def sms_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmsAssistant]:
    """The real Rasa server and action server, texting through a fake Twilio REST API."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("sms_assistant")
    fake = FakeTwilio().start()
    saved = dict(os.environ)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp}/frontdoor.db",
        ACTIONS_PORT=str(free_port()),
        RASA_PORT=str(free_port()),
        RASA_API_TOKEN="sms-e2e-token",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_NUMBER=OUR_NUMBER,
        TWILIO_API_BASE_URL=fake.base_url,
        SMS_RATE_LIMIT="200",
        SMS_ID_SECRET=secrets.token_hex(16),
    )
    for name in ("RASA_URL", "SMS_PUBLIC_BASE_URL"):
        os.environ.pop(name, None)
    settings = get_settings()
    env = service_env(settings)
    prepare_store(env)
    log = open(Path(tmp) / "servers.log", "w")  # noqa: SIM115 - closed after the servers stop
    actions = start_actions(settings, env, log)
    rasa = start_rasa(settings, DEFAULT_MODEL, env, log)
    rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
    try:
        wait_until_up(f"http://127.0.0.1:{settings.actions_port}/health", 120, actions)
        wait_until_up(f"{rasa_url}/", 300, rasa)
        client = SmsClient(f"{rasa_url}/webhooks/sms/webhook", TOKEN, fake, OUR_NUMBER)
        yield SmsAssistant(
            client,
            fake,
            settings.database_url,
            rasa_url,
            settings.rasa_api_token,
            settings.sms_id_secret,
        )
    except Exception:
        log.flush()
        print((Path(tmp) / "servers.log").read_text()[-8000:])
        raise
    finally:
        stop(rasa, actions)
        log.close()
        fake.stop()
        os.environ.clear()
        os.environ.update(saved)
