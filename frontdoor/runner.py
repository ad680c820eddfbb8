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
from typing import IO, Literal

from frontdoor.settings import PROJECT_ROOT, Settings, get_settings

BIN = Path(sys.executable).parent
Server = subprocess.Popen[bytes]
Log = IO[bytes] | IO[str] | int | None  # a file, subprocess.DEVNULL, or this terminal


# The model as the commands below name it, from the project folder.
MODEL_IN_COMMAND = "models/frontdoor.tar.gz"
DEFAULT_MODEL = PROJECT_ROOT / MODEL_IN_COMMAND

Kind = Literal["migrate", "actions", "rasa", "console"]
# What each server runs, from the project folder with the virtual environment's programs:
# `make run`, `make run-scaled` and docker-compose.yml (tests/deploy checks) run these same
# commands. Where each listens comes from the settings in its environment (service_env).
COMMANDS: dict[Kind, tuple[str, ...]] = {
    "migrate": ("frontdoor", "init-db"),
    "actions": ("python", "-m", "actions.server"),
    # bot/serve.py: its token and origins come from the settings, unseen.
    "rasa": ("python", "-m", "bot.serve", "--model", MODEL_IN_COMMAND),
    # The link worker console, the residents' chat page and the directory API; uvicorn reads
    # its address from UVICORN_HOST and UVICORN_PORT.
    "console": ("uvicorn", "frontdoor.console.app:create_app", "--factory", "--no-server-header"),
}


def local_command(kind: Kind, model: Path = DEFAULT_MODEL) -> list[str]:
    """COMMANDS[kind] as run here: the program from this virtual environment, the model given."""
    program, *arguments = COMMANDS[kind]
    return [str(BIN / program), *(str(model) if a == MODEL_IN_COMMAND else a for a in arguments)]


def service_env(settings: Settings) -> dict[str, str]:
    """The environment the servers run in: settings exported, telemetry off."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": settings.database_url,
        "ACTIONS_PORT": str(settings.actions_port),
        "ACTIONS_HOST": settings.actions_host,
        "ACTIONS_TOKEN": settings.actions_token,
        "ACTIONS_URL": settings.actions_url,  # bot/endpoints.yml
        "RASA_PORT": str(settings.rasa_port),
        "RASA_API_TOKEN": settings.rasa_api_token,
        "RASA_URL": settings.rasa_url,
        "PUBLIC_RASA_URL": settings.public_rasa_url,
        "CHAT_ORIGINS": " ".join(settings.chat_origins),
        "SHARED_STATE": settings.shared_state,
        "REDIS_URL": settings.redis_url,
        "SMS_PUBLIC_BASE_URL": settings.sms_public_base_url,
        "CONSOLE_PORT": str(settings.console_port),
        "UVICORN_HOST": "127.0.0.1",
        "UVICORN_PORT": str(settings.console_port),
        # A restart waits at most this long for open alert streams (server-sent events) to end.
        "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN": "5",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def start(kind: Kind, env: dict[str, str], log: Log = None, model: Path = DEFAULT_MODEL) -> Server:
    """One server of COMMANDS, from the project folder, its output to log (or this terminal)."""
    return subprocess.Popen(
        local_command(kind, model),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def start_actions(settings: Settings, env: dict[str, str], log: Log = None) -> Server:
    return start("actions", env, log)


def start_rasa(settings: Settings, model: Path, env: dict[str, str], log: Log = None) -> Server:
    return start("rasa", env, log, model)


def start_console(settings: Settings, env: dict[str, str], log: Log = None) -> Server:
    return start("console", env, log)


def prepare_store(env: dict[str, str]) -> None:
    """Create the database and import the sample directory, as `make run` does."""
    for command in (local_command("migrate"), [str(BIN / "frontdoor"), "import-directory"]):
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


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
    health: str = ""  # an address that answers 200 once the part is up
    startup: float = 60.0  # how long it may take to come up, in seconds
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


def bring_up(supervisor: Supervisor) -> None:
    """Start every part and wait until each answers at its health address."""
    supervisor.start()
    for part in supervisor.parts:
        if part.health:
            wait_until_up(part.health, part.startup, part.process)


def supervise(supervisor: Supervisor, welcome: str) -> int:
    """Bring the parts up, then start again any part that stops, until Ctrl-C or SIGTERM, and
    stop them together."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        bring_up(supervisor)
        print(welcome, flush=True)
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


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends the run as Ctrl-C does (the parts are not started again)."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    settings = get_settings()
    env = service_env(settings)
    local = "http://127.0.0.1"
    parts = [
        Part(
            "action server",
            lambda: start("actions", env),
            f"{local}:{settings.actions_port}/health",
            120,
        ),
        Part(
            "Rasa server",
            lambda: start("rasa", env, model=args.model),
            f"{local}:{settings.rasa_port}/",
            300,
        ),
        Part("console", lambda: start("console", env), f"{local}:{settings.console_port}/health"),
    ]
    return supervise(Supervisor(parts), welcome(settings))


def talk_to_it(base_url: str) -> str:
    """A welcome's line that shows how to say hello over REST to the Rasa server at base_url."""
    rest = f"{base_url}/webhooks/rest/webhook"
    return (
        f"  Talk to it:     curl -s {rest} -H 'Content-Type: application/json' "
        f'-d \'{{"sender": "me", "message": "hello"}}\'\n'
    )


def welcome(settings: Settings) -> str:
    return (
        f"\nFrontdoor is running.\n"
        f"{talk_to_it(f'http://127.0.0.1:{settings.rasa_port}')}"
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
