"""The journeys talk to the shared real assistant (tests/conftest.py: REST, and SMS through a
fake Twilio), started once for the whole run."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from assistant_servers import Assistant
from runner import RESULTS, Servers, figures

_timing: dict[str, float] = {}
_LOADED = time.monotonic()  # when the session started, if pytest_sessionstart came before


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest) -> Servers:
    """The real assistant over REST and SMS (started here if no suite before needed it)."""
    started = time.monotonic()
    real: Assistant = request.getfixturevalue("assistant")
    _timing["servers"] = time.monotonic() - started
    return Servers(
        real.rasa_url, real.token, real.database_url, real.sms, real.fake, real.sms_id_secret
    )


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
