"""Probes of the processes themselves: the Rasa token kept out of `ps`, cross-origin calls
only from the web chat's own pages, and a part that crashes started again on its own."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from frontdoor.rasa_auth import bearer, jwt_secret
from frontdoor.runner import (
    DEFAULT_MODEL,
    CrashLoop,
    Part,
    Supervisor,
    free_port,
    service_env,
    start_actions,
    start_rasa,
    stop,
    wait_until_up,
)
from frontdoor.settings import get_settings
from frontdoor.store.db import init_db

CHAT_ORIGIN = "https://chat.example.org"
OTHER_ORIGINS = ("https://evil.example.org", "null", "http://127.0.0.1:1")


@pytest.fixture(scope="module")
def rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    """A real Rasa server started as the runner starts it: (url, token, pid)."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("processes")
    url = f"sqlite:///{tmp}/store.db"
    init_db(url)
    mp = pytest.MonkeyPatch()
    token = "ps-" + secrets.token_hex(16)
    for name, value in {
        "DATABASE_URL": url,
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "RASA_API_TOKEN": token,
        "CHAT_ORIGINS": CHAT_ORIGIN,
    }.items():
        mp.setenv(name, value)
    settings = get_settings()
    log = open(Path(tmp) / "rasa.log", "w")  # noqa: SIM115 - closed after the server stops
    process = start_rasa(settings, DEFAULT_MODEL, service_env(settings), log)
    try:
        wait_until_up(f"http://127.0.0.1:{settings.rasa_port}/", 300, process)
        yield f"http://127.0.0.1:{settings.rasa_port}", token, process.pid
    finally:
        stop(process)
        log.close()
        mp.undo()


def test_the_rasa_token_is_not_in_the_process_list(rasa, probes) -> None:
    """Rasa API secret hidden from ps and out of query strings, and still required"""
    url, token, pid = rasa
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    forged = jwt.encode({"user": {"username": "x", "role": "admin"}}, "guess", algorithm="HS256")

    def status(**options: object) -> int:
        return httpx.get(f"{url}/status", timeout=30, **options).status_code

    held = [
        probes.attempt(token not in command_line and jwt_secret(token) not in command_line),
        probes.attempt(token not in listing and jwt_secret(token) not in listing),
        probes.attempt(status() == 401),
        probes.attempt(status(params={"token": "guess"}) == 401),
        probes.attempt(status(params={"token": token}) == 401),  # never in a query string
        probes.attempt(status(headers={"Authorization": f"Bearer {forged}"}) == 401),
        probes.attempt(status(headers=bearer(token, lifetime=-600)) == 401),  # expired
    ]
    assert status(headers=bearer(token)) == 200
    assert all(held)


def test_only_the_chat_pages_may_call_rasa_from_a_browser(rasa, probes) -> None:
    """Rasa CORS limited to the web chat's origins"""
    url = rasa[0]
    held = []
    for origin in OTHER_ORIGINS:
        for method in ("GET", "OPTIONS"):
            response = httpx.request(
                method,
                f"{url}/",
                headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
                timeout=30,
            )
            allowed = response.headers.get("Access-Control-Allow-Origin")
            held.append(probes.attempt(allowed not in (origin, "*")))
    ours = httpx.get(f"{url}/", headers={"Origin": CHAT_ORIGIN}, timeout=30)
    assert ours.headers.get("Access-Control-Allow-Origin") == CHAT_ORIGIN
    assert all(held)


def test_a_crashed_part_is_started_again_alone(tmp_path, monkeypatch, probes) -> None:
    """A killed part restarted by the runner, the others left running"""
    url = f"sqlite:///{tmp_path}/store.db"
    init_db(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ACTIONS_PORT", str(free_port()))
    settings = get_settings()
    env = service_env(settings)
    health = f"http://127.0.0.1:{settings.actions_port}/health"
    actions = Part("action server", lambda: start_actions(settings, env, subprocess.DEVNULL))
    steady = Part("steady", lambda: subprocess.Popen([sys.executable, "-c", SLEEP]))
    supervisor = Supervisor([actions, steady])
    supervisor.start()
    try:
        wait_until_up(health, 60, actions.process)
        first, other = actions.process.pid, steady.process.pid
        os.kill(first, signal.SIGKILL)
        actions.process.wait(timeout=10)
        restarted = supervisor.check()
        wait_until_up(health, 60, actions.process)
        assert probes.attempt(restarted == ["action server"] and actions.process.pid != first)
        assert probes.attempt(steady.process.pid == other and steady.process.poll() is None)
    finally:
        supervisor.stop()


SLEEP = "import time; time.sleep(120)"


def test_a_part_that_keeps_crashing_stops_the_runner() -> None:
    part = Part("broken", lambda: subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"]))
    supervisor = Supervisor([part], most_restarts=2, window=60)
    supervisor.start()
    with pytest.raises(CrashLoop, match="broken stopped 3 times"):
        for _ in range(10):
            part.process.wait(timeout=10)
            supervisor.check()
            time.sleep(0.1)
    supervisor.stop()
