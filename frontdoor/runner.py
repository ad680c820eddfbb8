"""Start the action server, the Rasa server and the console; restart any that stops; stop
them together.

python -m frontdoor.runner [--model models/frontdoor.tar.gz]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from frontdoor.settings import PROJECT_ROOT, Settings, get_settings

BIN = Path(sys.executable).parent
DEFAULT_MODEL = PROJECT_ROOT / "models" / "frontdoor.tar.gz"
Server = subprocess.Popen[bytes]
Log = IO[bytes] | IO[str] | int | None  # a file, subprocess.DEVNULL, or this terminal


def service_env(settings: Settings) -> dict[str, str]:
    """The environment both servers run in: settings exported, telemetry off."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": settings.database_url,
        "ACTIONS_PORT": str(settings.actions_port),
        "ACTIONS_HOST": settings.actions_host,
        "ACTIONS_TOKEN": settings.actions_token,
        "RASA_PORT": str(settings.rasa_port),
        "RASA_API_TOKEN": settings.rasa_api_token,
        "CONSOLE_PORT": str(settings.console_port),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def start_actions(settings: Settings, env: dict[str, str], log: Log = None) -> Server:
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def start_rasa(settings: Settings, model: Path, env: dict[str, str], log: Log = None) -> Server:
    """The Rasa server (bot/serve.py: its token and origins come from the settings, unseen)."""
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.serve", "--model", str(model)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def start_console(settings: Settings, env: dict[str, str], log: Log = None) -> Server:
    """The link worker console, the residents' chat page and the directory API (uvicorn)."""
    return subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "frontdoor.console.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(settings.console_port),
            "--no-server-header",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def prepare_store(env: dict[str, str]) -> None:
    """Create the database and import the sample directory, as `make run` does."""
    for command in (["init-db"], ["import-directory"]):
        subprocess.run(
            [str(BIN / "frontdoor"), *command], env=env, check=True, stdout=subprocess.DEVNULL
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, timeout: float, process: Server | None = None) -> None:
    """Poll url until it answers 200; fail early if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url} did not come up: the process ended ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(*processes: Server) -> None:
    """Ask politely, then insist."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Part:
    """One server the runner keeps running: how to start it and how often it has restarted."""

    name: str
    start: Callable[[], Server]
    process: Server | None = None
    restarts: list[float] = field(default_factory=list)

    def run(self) -> Server:
        self.process = self.start()
        return self.process


class CrashLoop(RuntimeError):
    """A part keeps stopping as soon as it starts: restarting it again will not help."""


class Supervisor:
    """Restarts a part that stops, alone, so one crash does not take the others down."""

    def __init__(self, parts: list[Part], most_restarts: int = 5, window: float = 120.0):
        self.parts = parts
        self.most_restarts = most_restarts
        self.window = window

    def start(self) -> None:
        for part in self.parts:
            part.run()

    def check(self) -> list[str]:
        """Restart every part that has stopped; the names of those restarted."""
        restarted = []
        for part in self.parts:
            if part.process is None or part.process.poll() is None:
                continue
            now = time.monotonic()
            part.restarts = [t for t in part.restarts if now - t < self.window] + [now]
            if len(part.restarts) > self.most_restarts:
                raise CrashLoop(f"the {part.name} stopped {len(part.restarts)} times in a row")
            print(
                f"the {part.name} stopped (exit code {part.process.returncode}); starting it again",
                file=sys.stderr,
                flush=True,
            )
            part.run()
            restarted.append(part.name)
        return restarted

    def stop(self) -> None:
        stop(*[p.process for p in self.parts if p.process is not None])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    settings = get_settings()
    env = service_env(settings)
    actions = Part("action server", lambda: start_actions(settings, env))
    rasa = Part("Rasa server", lambda: start_rasa(settings, args.model, env))
    console = Part("console", lambda: start_console(settings, env))
    supervisor = Supervisor([actions, rasa, console])
    supervisor.start()
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stop())
    try:
        wait_until_up(f"http://127.0.0.1:{settings.actions_port}/health", 120, actions.process)
        wait_until_up(f"http://127.0.0.1:{settings.console_port}/health", 60, console.process)
        wait_until_up(f"http://127.0.0.1:{settings.rasa_port}/", 300, rasa.process)
        print(welcome(settings), flush=True)
        while True:
            supervisor.check()
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        supervisor.stop()


def welcome(settings: Settings) -> str:
    rest = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
    return (
        f"\nFrontdoor is running.\n"
        f"  Talk to it:     curl -s {rest} -H 'Content-Type: application/json' "
        f'-d \'{{"sender": "me", "message": "hello"}}\'\n'
        f"  Or, in another terminal: make shell\n"
        f"  Rasa HTTP API:  http://127.0.0.1:{settings.rasa_port}/ (token in RASA_API_TOKEN)\n"
        f"  Action server:  http://127.0.0.1:{settings.actions_port}/health\n"
        f"  Console:        http://127.0.0.1:{settings.console_port}/ "
        f"(add an account: frontdoor add-link-worker)\n"
        f"  Web chat page:  http://127.0.0.1:{settings.console_port}/chat/\n"
        f"  Database:       {settings.database_url}\n"
        f"Press Ctrl-C to stop.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
