"""What the scaled run's tests share: the run as they see it (conftest.py starts it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from assistant_servers import read_tracker
from fake_twilio import FakeTwilio

from frontdoor.runner import Part, Supervisor
from frontdoor.scaled import Layout, ScaledRun
from frontdoor.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test"
)
REPLICAS = 2


def unavailable(reason: str) -> None:
    """A service the scaled run needs is missing: CI must have it; elsewhere skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@dataclass
class Scaled:
    """A running scaled run: where its parts listen, and what the tests read back."""

    run: ScaledRun
    settings: Settings
    supervisor: Supervisor
    twilio: FakeTwilio
    database_url: str

    @property
    def layout(self) -> Layout:
        return self.run.layout

    def part(self, name: str) -> Part:
        return next(part for part in self.run.parts if part.name == name)

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as Rasa's HTTP API gives it, through nginx (any replica)."""
        api = f"http://127.0.0.1:{self.layout.rasa_api}"
        return read_tracker(api, self.settings.rasa_api_token, sender)

    def user_texts(self, sender: str) -> list[str]:
        """What the resident said, in the order the conversation keeps it."""
        return [e["text"] for e in self.tracker(sender)["events"] if e["event"] == "user"]

    def access_log(self) -> str:
        """nginx's access log so far: one line a request, with the server that answered it."""
        return (self.run.prefix / "access.log").read_text()
