"""One pair of real servers for every journey (the e2e `assistant`), with SMS through a fake Twilio.

The `assistant` fixture is the end-to-end one from tests/e2e/conftest.py, imported as it is:
this file sets the Twilio settings in the environment before it starts, so the same Rasa
server also takes signed texts on /webhooks/sms/webhook and replies to the fake Twilio API.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.fake_twilio import FakeTwilio, SmsClient

_E2E = Path(__file__).parent.parent / "e2e" / "conftest.py"
_spec = importlib.util.spec_from_file_location("journeys_e2e_fixtures", _E2E)
assert _spec is not None and _spec.loader is not None
_e2e = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _e2e  # dataclasses look their module up there
_spec.loader.exec_module(_e2e)
assistant = _e2e.assistant  # the e2e fixture, unchanged

from runner import RESULTS, Servers, figures  # noqa: E402 - after the fixture import

ACCOUNT = "AC" + "0" * 32
AUTH_TOKEN = "journeys-auth-token"
OUR_NUMBER = "+447700900000"
_timing: dict[str, float] = {}
_LOADED = time.monotonic()  # when the session started, if pytest_sessionstart came before


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest) -> Iterator[Servers]:
    """The real assistant over REST and SMS, started once for the session."""
    started = time.monotonic()
    fake = FakeTwilio().start()
    settings = {
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url,
        "SMS_RATE_LIMIT": "1000",
        "SMS_ID_SECRET": secrets.token_hex(16),
    }
    saved = {name: os.environ.get(name) for name in [*settings, "SMS_PUBLIC_BASE_URL"]}
    os.environ.update(settings)
    os.environ.pop("SMS_PUBLIC_BASE_URL", None)
    try:
        real = request.getfixturevalue("assistant")
        client = SmsClient(f"{real.rasa_url}/webhooks/sms/webhook", AUTH_TOKEN, fake, OUR_NUMBER)
        _timing["servers"] = time.monotonic() - started
        yield Servers(
            real.rasa_url,
            real.token,
            real.database_url,
            client,
            fake,
            settings["SMS_ID_SECRET"],
        )
    finally:
        fake.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pytest_sessionstart(session: pytest.Session) -> None:
    _timing["start"] = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = figures(RESULTS)
    if not lines:
        return
    report = os.environ.get("JOURNEYS_REPORT")  # a file to keep every result in, as JSON
    if report:
        Path(report).write_text(json.dumps([r.summary() for r in RESULTS], indent=1))
    terminalreporter.section("resident journeys")
    for line in lines:
        terminalreporter.write_line(line)
    if "servers" in _timing:
        terminalreporter.write_line(f"servers started in {_timing['servers']:.0f} s")
    started = _timing.get("start", _LOADED)
    terminalreporter.write_line(f"whole run: {time.monotonic() - started:.0f} s wall clock")
