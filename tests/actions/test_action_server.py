"""The action server answers only the Rasa server: loopback, and the shared secret."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from actions.server import TOKEN_HEADER
from frontdoor.runner import free_port, service_env, start_actions, stop, wait_until_up
from frontdoor.settings import derived_secret, get_settings
from frontdoor.store.db import init_db

TOKEN = "s3cret-token"
CALL = {
    "next_action": "action_tell_data_kept",
    "sender_id": "+447700900123",
    "tracker": {"sender_id": "+447700900123", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.21",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """A real action server on a free loopback port, with its own store and secret."""
    url = f"sqlite:///{tmp_path_factory.mktemp('actions')}/store.db"
    init_db(url)
    port = free_port()
    mp = pytest.MonkeyPatch()
    for name, value in {
        "ACTIONS_PORT": str(port),
        "ACTIONS_TOKEN": TOKEN,
        "DATABASE_URL": url,
    }.items():
        mp.setenv(name, value)
    settings = get_settings()
    process: subprocess.Popen = start_actions(settings, service_env(settings), subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/health", 60, process)
        yield base
    finally:
        stop(process)
        mp.undo()


def test_health_is_open(server: str) -> None:
    assert httpx.get(f"{server}/health").status_code == 200


@pytest.mark.parametrize("headers", [{}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: ""}])
def test_a_call_without_the_secret_runs_nothing(server: str, headers: dict) -> None:
    res = httpx.post(f"{server}/webhook", json=CALL, headers=headers)
    assert res.status_code == 401
    assert "request_body" not in res.text
    assert httpx.get(f"{server}/actions", headers=headers).status_code == 401


def test_the_rasa_server_with_the_secret_is_answered(server: str) -> None:
    res = httpx.get(f"{server}/actions", headers={TOKEN_HEADER: TOKEN})
    assert res.status_code == 200
    assert {"name": "action_crisis_response"} in res.json()
    res = httpx.post(f"{server}/webhook", json=CALL, headers={TOKEN_HEADER: TOKEN})
    assert res.status_code == 200
    assert res.json()["responses"]


def test_a_failing_call_does_not_echo_the_request(server: str) -> None:
    res = httpx.post(
        f"{server}/webhook", json={**CALL, "next_action": 5}, headers={TOKEN_HEADER: TOKEN}
    )
    assert res.status_code >= 400
    assert "+447700900123" not in res.text


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for this port, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_server_listens_on_loopback_only(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, not 0.0.0.0 or ::


def test_loopback_and_a_derived_secret_by_default(monkeypatch) -> None:
    monkeypatch.delenv("ACTIONS_HOST", raising=False)
    monkeypatch.delenv("ACTIONS_TOKEN", raising=False)
    monkeypatch.setenv("RASA_API_TOKEN", "operator-token")
    settings = get_settings()
    assert settings.actions_host == "127.0.0.1"
    assert settings.actions_token == derived_secret("operator-token", "actions")
    assert settings.actions_token != derived_secret("other-token", "actions")
