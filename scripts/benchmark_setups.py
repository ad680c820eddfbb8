"""The four setups the load benchmark compares, each started on free ports and stopped after:
Frontdoor and bare Rasa, one replica each and several behind nginx.

Frontdoor starts with the project's own command table and runner (frontdoor/runner.py): one
replica on a fresh SQLite file as `make run` does, several as `make run-scaled` does
(frontdoor/scaled.py) on a fresh PostgreSQL database and Redis. Bare Rasa runs as `rasa init`
leaves it (in memory) for one replica, and on Rasa's SQL tracker store (PostgreSQL) and Redis
lock store for several, behind nginx from the same template.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from benchmark_bare import TURNS as BARE_TURNS
from benchmark_bare import shared_endpoints, start_bare
from benchmark_profiled import profiled
from benchmark_residents import FRONTDOOR_SCRIPTS, Script, conversation
from benchmark_traffic import Memory

from frontdoor.runner import (
    Kind,
    Log,
    Server,
    Supervisor,
    bring_up,
    free_port,
    local_command,
    prepare_store,
    service_env,
    stop,
    wait_until_up,
)
from frontdoor.scaled import Layout, ScaledRun, create_database, start_nginx, write_nginx_config
from frontdoor.settings import PROJECT_ROOT, Settings, get_settings

LOCAL = "http://127.0.0.1"
BARE_SCRIPTS: list[Script] = [[(said,) for said in BARE_TURNS]]
RASA_STARTUP = 600.0  # seconds a Rasa server may take to load its model on a busy machine


@dataclass
class Target:
    """An assistant under load: where its REST channel is, what its residents say, and the
    processes whose memory is watched."""

    name: str
    url: str
    scripts: list[Script]
    memory: Memory
    rng: random.Random = field(default_factory=random.Random)

    def signal(self, number: int) -> None:
        """Send each watched process a signal (the profiler's, to open or close a window)."""
        for pid in self.memory.processes.values():
            os.kill(pid, number)

    def conversations(self, count: int, turns: int = 10) -> list[list[str]]:
        """count residents' words, `turns` turns each, taking the scripts in turn."""
        scripts = (self.scripts[n % len(self.scripts)][:turns] for n in range(count))
        return [conversation(script, self.rng) for script in scripts]


def launch(kind: Kind, env: dict[str, str], log: Log, model: Path, profile: Path | None) -> Server:
    """One of Frontdoor's servers as the command table says, profiled when profile is given."""
    command = local_command(kind, model)
    if profile is not None:
        command = profiled(command, profile.with_name(f"{profile.name}-{kind}"))
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def benchmark_settings(database_url: str, folder: Path) -> tuple[Settings, dict[str, str]]:
    """Frontdoor's settings on free ports over database_url, REST on; and its environment."""
    get_settings()  # reads .env into the environment, as every server does
    settings = Settings(
        database_url=database_url,
        rasa_port=free_port(),
        actions_port=free_port(),
        console_port=free_port(),
        rasa_api_token=secrets.token_hex(12),
        rasa_url="",
        public_rasa_url="",
        actions_url="",
        actions_token="",
        chat_origins=(),
        shared_state="in_memory",
    )
    extra = {"REST_CHANNEL_ENABLED": "true", "OUTBOX_DIR": str(folder / "outbox")}
    return settings, {**service_env(settings), **extra}


@contextmanager
def frontdoor_single(
    folder: Path, model: Path, log: Log, profile: Path | None = None
) -> Iterator[Target]:
    """Frontdoor's action server and Rasa server over a fresh SQLite file, as `make run`."""
    settings, env = benchmark_settings(f"sqlite:///{folder}/frontdoor.db", folder)
    prepare_store(env)
    actions = launch("actions", env, log, model, profile)
    rasa = launch("rasa", env, log, model, profile)
    try:
        wait_until_up(f"{LOCAL}:{settings.actions_port}/health", 120, actions)
        wait_until_up(f"{LOCAL}:{settings.rasa_port}/", RASA_STARTUP, rasa)
        memory = Memory({"Rasa": rasa.pid, "actions": actions.pid})
        yield Target("Frontdoor", f"{LOCAL}:{settings.rasa_port}", FRONTDOOR_SCRIPTS, memory)
    finally:
        stop(rasa, actions)


@contextmanager
def bare_single(project: Path, log: Log, profile: Path | None = None) -> Iterator[Target]:
    """The bare assistant as `rasa init` leaves it: conversations and locks in memory."""
    port = free_port()
    rasa = start_bare(project, port, log, profile=profile)
    try:
        wait_until_up(f"{LOCAL}:{port}/", RASA_STARTUP, rasa)
        yield Target("bare Rasa", f"{LOCAL}:{port}", BARE_SCRIPTS, Memory({"Rasa": rasa.pid}))
    finally:
        stop(rasa)


@contextmanager
def fresh_database(admin_url: str, kind: str) -> Iterator[str]:
    """A new PostgreSQL database on admin_url's server for this run, dropped afterwards."""
    name = f"bench_{kind}_{uuid.uuid4().hex[:10]}"
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    create_database(url)
    try:
        yield url
    finally:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def nginx_folder() -> Iterator[Path]:
    """A folder of /tmp for nginx's files (its workers, nobody under root, must reach it)."""
    prefix = Path(tempfile.mkdtemp(prefix="frontdoor-bench-nginx-"))
    try:
        yield prefix
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def processes(parts: Sequence[tuple[str, Server | None]]) -> dict[str, int]:
    """The named servers' process ids (those started)."""
    return {name: process.pid for name, process in parts if process is not None}


@contextmanager
def frontdoor_scaled(
    folder: Path, model: Path, log: Log, admin_url: str, replicas: int
) -> Iterator[Target]:
    """`make run-scaled`: Rasa and action servers on PostgreSQL and Redis behind nginx."""
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(admin_url, "frontdoor"))
        prefix = stack.enter_context(nginx_folder())
        settings, env = benchmark_settings(database, folder)
        prepare_store(env)
        run = ScaledRun.plan(settings, replicas, model, prefix, log)
        supervisor = Supervisor(run.parts)
        stack.callback(supervisor.stop)
        bring_up(supervisor)
        servers = [(p.name, p.process) for p in run.parts if p.name.startswith(("Rasa", "act"))]
        yield Target(
            "Frontdoor", run.layout.public_url, FRONTDOOR_SCRIPTS, Memory(processes(servers))
        )


@contextmanager
def bare_scaled(
    project: Path, folder: Path, log: Log, admin_url: str, redis_url: str, replicas: int
) -> Iterator[Target]:
    """Bare Rasa replicas on its SQL tracker store and Redis lock store, behind nginx."""
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(admin_url, "bare"))
        prefix = stack.enter_context(nginx_folder())
        endpoints = shared_endpoints(folder, database, redis_url)
        ports = tuple(free_port() for _ in range(replicas))
        layout = Layout(ports, (free_port(),), *(free_port() for _ in range(4)))
        write_nginx_config(layout, prefix)
        servers: list[tuple[str, Server | None]] = []
        stack.callback(lambda: stop(*[p for _, p in servers if p is not None]))
        for number, port in enumerate(ports, start=1):
            # One at a time: each creates the tracker store's table if it is missing.
            rasa = start_bare(project, port, log, endpoints)
            servers.append((f"Rasa server {number}", rasa))
            wait_until_up(f"{LOCAL}:{port}/", RASA_STARTUP, rasa)
        servers.append(("nginx", start_nginx(prefix, log)))
        wait_until_up(f"{layout.public_url}/webhooks/rest/", 60, servers[-1][1])
        yield Target("bare Rasa", layout.public_url, BARE_SCRIPTS, Memory(processes(servers[:-1])))
