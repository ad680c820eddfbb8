"""The real assistant, started once for the whole test run: the action server and the Rasa
server on free ports over a fresh SQLite store, with REST on and SMS texting through a fake
Twilio REST API. The e2e, SMS, journey and browser suites all talk to this one pair (each
Rasa start loads the model, which costs a minute of CI), each with its own residents.
scripts/sms_segments.py starts its own pair with the same code.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fake_twilio import FakeTwilio, SmsClient

from frontdoor.rasa_auth import bearer
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

ACCOUNT = "AC" + "0" * 32
AUTH_TOKEN = "shared-servers-auth-token"
OUR_NUMBER = "+447700900000"

# The contact details a resident gives for a referral, and words each question before them
# must contain (the same over REST, the web chat and SMS).
CONTACT_STEPS = [
    ("Margaret", "How should we contact you?"),
    ("phone call", "What phone number"),
    ("07700 900123", "When is a good time"),
]
# What a resident says from "hello" to a stored referral over REST or the web chat, and words
# the reply to each must contain.
REFERRAL_STEPS = [
    ("hello", "community support"),
    ("can someone call me please", "Is that OK?"),
    ("yes", "What name"),
    *CONTACT_STEPS,
    ("weekday mornings", "Is that right?"),
    ("yes", "Your reference is"),
]


def rest_request(
    rasa_url: str, sender: object, text: str, **extra: object
) -> urllib.request.Request:
    """A POST of what a resident says to Rasa's REST webhook (extra: more fields in the body)."""
    body = json.dumps({"sender": sender, "message": text, **extra}).encode()
    return urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook", body, headers={"Content-Type": "application/json"}
    )


def rest_replies(rasa_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """What the resident sees after saying text (REST webhook)."""
    with urllib.request.urlopen(rest_request(rasa_url, sender, text), timeout=60) as response:
        replies: list[dict[str, Any]] = json.loads(response.read())
    return replies


def read_tracker(
    rasa_url: str, token: str, conversation_id: str, include_events: str = ""
) -> dict[str, Any]:
    """A conversation as Rasa's HTTP API gives it (the id in the path as it is)."""
    url = f"{rasa_url}/conversations/{conversation_id}/tracker"
    if include_events:
        url += f"?include_events={include_events}"
    request = urllib.request.Request(url, headers=bearer(token))
    with urllib.request.urlopen(request, timeout=30) as response:
        tracker: dict[str, Any] = json.loads(response.read())
    return tracker


def query(database_url: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """The rows one SQL query finds in the store (its own engine, disposed of afterwards)."""
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def wait_for_texts(fake: FakeTwilio, number: str, count: int) -> list[str]:
    """The texts sent to the number, once there are at least count of them (30 s at most)."""
    deadline = time.monotonic() + 30
    while len(fake.to(number)) < count:
        assert time.monotonic() < deadline, fake.to(number)
        time.sleep(0.2)
    return fake.to(number)


@dataclass
class Assistant:
    """What the tests reach: REST, signed SMS, the tracker and the store."""

    rasa_url: str
    token: str
    database_url: str
    console_port: int  # the web chat page's port: the Rasa server allows calls from it
    sms: SmsClient
    fake: FakeTwilio
    sms_id_secret: str
    settings: Settings  # the servers' settings, for a test that starts a variant beside them

    def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """What the resident sees after saying text (REST webhook)."""
        return rest_replies(self.rasa_url, sender, text)

    def tracker(self, sender: str) -> dict[str, Any]:
        return read_tracker(self.rasa_url, self.token, sender)

    def query(self, sql: str, **params: object) -> list[tuple[Any, ...]]:
        """The rows one SQL query finds in the servers' store."""
        return query(self.database_url, sql, **params)

    def conversation_id(self, number: str) -> str:
        """The opaque conversation id a phone number texts under."""
        return sms_conversation_id(number, self.sms_id_secret)

    def unused_number(self) -> str:
        """A drama number (07700 900xxx) that no conversation in the store has texted from:
        the suites share the store, and there are only a thousand such numbers."""
        used = {r[0] for r in self.query("select sender_id from events")}
        used |= {r[0] for r in self.query("select conversation_id from referrals")}
        for _ in range(1000):
            number = f"+447700900{secrets.randbelow(1000):03d}"
            if self.conversation_id(number) not in used:
                return number
        raise RuntimeError("every drama number has a conversation already")


def _settings_for(folder: Path, fake: FakeTwilio) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{folder}/frontdoor.db",
        "ACTIONS_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "RASA_API_TOKEN": secrets.token_hex(12),
        "CONSOLE_PORT": str(free_port()),
        "REST_CHANNEL_ENABLED": "true",
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url,
        "SMS_RATE_LIMIT": "1000",
        "SMS_ID_SECRET": secrets.token_hex(16),
    }


@contextmanager
def running_assistant(
    folder: Path, overrides: dict[str, str] | None = None, model: Path = DEFAULT_MODEL
) -> Iterator[Assistant]:
    """Start both servers with the settings in the environment (the test's `overrides` over
    this module's), and put it back afterwards."""
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` (make test does)")
    fake = FakeTwilio().start()
    saved = dict(os.environ)
    os.environ.update({**_settings_for(folder, fake), **(overrides or {})})
    for name in ("RASA_URL", "SMS_PUBLIC_BASE_URL"):
        os.environ.pop(name, None)
    settings = get_settings()
    env = service_env(settings)
    log_path = folder / "servers.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed after the servers stop
    actions = rasa = None
    try:
        prepare_store(env)
        actions = start_actions(settings, env, log)
        rasa = start_rasa(settings, model, env, log)
        wait_until_up(f"http://127.0.0.1:{settings.actions_port}/health", 120, actions)
        rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
        wait_until_up(f"{rasa_url}/", 300, rasa)
        yield Assistant(
            rasa_url,
            settings.rasa_api_token,
            settings.database_url,
            settings.console_port,
            SmsClient(f"{rasa_url}/webhooks/sms/webhook", AUTH_TOKEN, fake, OUR_NUMBER),
            fake,
            settings.sms_id_secret,
            settings,
        )
    except Exception:
        log.flush()
        print(log_path.read_text()[-8000:])
        raise
    finally:
        stop(*[p for p in (rasa, actions) if p is not None])
        log.close()
        fake.stop()
        os.environ.clear()
        os.environ.update(saved)
