"""The real assistant: action server and Rasa server on free ports, over a fresh SQLite store."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

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
from frontdoor.settings import get_settings


@dataclass
class Assistant:
    rasa_url: str
    token: str
    database_url: str
    console_port: int = 0  # the web chat page's port: the Rasa server allows calls from it

    def send(self, sender: str, text: str) -> list[dict]:
        """What the resident sees after saying text (REST webhook)."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict:
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("assistant")
    saved = dict(os.environ)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp}/frontdoor.db",
        ACTIONS_PORT=str(free_port()),
        RASA_PORT=str(free_port()),
        RASA_API_TOKEN="e2e-token",
        CONSOLE_PORT=str(free_port()),
    )
    os.environ.pop("RASA_URL", None)
    settings = get_settings()
    env = service_env(settings)
    prepare_store(env)
    log = open(Path(tmp) / "servers.log", "w")  # noqa: SIM115 - closed after the servers stop
    actions = start_actions(settings, env, log)
    rasa = start_rasa(settings, DEFAULT_MODEL, env, log)
    try:
        wait_until_up(f"http://127.0.0.1:{settings.actions_port}/health", 120, actions)
        wait_until_up(f"http://127.0.0.1:{settings.rasa_port}/", 300, rasa)
        yield Assistant(
            f"http://127.0.0.1:{settings.rasa_port}",
            settings.rasa_api_token,
            settings.database_url,
            settings.console_port,
        )
    except Exception:
        log.flush()
        print((Path(tmp) / "servers.log").read_text()[-8000:])
        raise
    finally:
        stop(rasa, actions)
        log.close()
        os.environ.clear()
        os.environ.update(saved)
