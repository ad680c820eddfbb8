"""The bare assistant the load benchmark compares Frontdoor with: Rasa's own `rasa init`
project (the mood bot), trained once with this virtual environment's Rasa and kept in
~/.cache/frontdoor/bare-rasa-<version>/ so later runs start at once.

It runs as `rasa init` leaves it for one replica (conversations and locks in memory), and for
two replicas on what Rasa itself offers for sharing them: its SQL tracker store on PostgreSQL
and its Redis lock store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from benchmark_profiled import profiled
from sqlalchemy.engine import make_url

from frontdoor.runner import BIN, Log, Server

CACHE = Path.home() / ".cache" / "frontdoor"
MODEL_NAME = "bare.tar.gz"

# Its turns: what the mood bot was trained to understand (greet, mood, affirm, deny, bot
# challenge, goodbye), ten to a conversation as Frontdoor's are.
TURNS = [
    "hello",
    "I am sad",
    "no",
    "hi there",
    "very good",
    "are you a bot?",
    "good morning",
    "I am unhappy",
    "yes",
    "bye",
]


def bare_env() -> dict[str, str]:
    """The environment for `rasa`: telemetry off, and a training cache of its own."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}


def project_folder() -> Path:
    """Where the trained bare project is kept: one per Rasa version."""
    return CACHE / f"bare-rasa-{version('rasa')}"


def bare_project(log: Log = None) -> Path:
    """The trained bare project's folder, made and trained first if it is not there yet."""
    folder = project_folder()
    if (folder / "models" / MODEL_NAME).exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bare-rasa-", dir=CACHE) as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        env = {**bare_env(), "RASA_CACHE_DIRECTORY": str(Path(scratch) / "train-cache")}
        # `rasa init --no-prompt` writes the mood bot's files and trains it.
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
        )
        trained = sorted((project / "models").glob("*.tar.gz"))
        if not trained:
            raise RuntimeError("rasa init trained no model")
        trained[-1].rename(project / "models" / MODEL_NAME)
        shutil.rmtree(folder, ignore_errors=True)
        project.rename(folder)
    return folder


def shared_endpoints(folder: Path, postgres_url: str, redis_url: str) -> Path:
    """An endpoints file for bare replicas that share their conversations (Rasa's SQL tracker
    store) and locks (Rasa's Redis lock store); its path."""
    database = make_url(postgres_url)
    redis_address = urlsplit(redis_url)
    lines = [
        "tracker_store:",
        "  type: SQL",
        "  dialect: postgresql",
        f"  url: {database.host or '127.0.0.1'}",
        f"  port: {database.port or 5432}",
        f"  username: {database.username or 'postgres'}",
        f"  password: {database.password or ''}",
        f"  db: {database.database}",
        "lock_store:",
        "  type: redis",
        f"  url: {redis_address.hostname or '127.0.0.1'}",
        f"  port: {redis_address.port or 6379}",
        f"  db: {redis_address.path.strip('/') or 0}",
        "  key_prefix: barebenchmark",
    ]
    path = folder / "endpoints.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def start_bare(
    project: Path,
    port: int,
    log: Log = None,
    endpoints: Path | None = None,
    profile: Path | None = None,
) -> Server:
    """One bare Rasa server on loopback at port: in memory, or on the endpoints given;
    profiled when profile is given (benchmark_profiled.py)."""
    command = [
        str(BIN / "python"),
        "-m",
        "rasa",
        "run",
        "--model",
        str(project / "models" / MODEL_NAME),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--credentials",
        str(project / "credentials.yml"),
        "--endpoints",
        str(endpoints or project / "endpoints.yml"),
    ]
    if profile is not None:
        command = profiled(command, profile.with_name(f"{profile.name}-bare"))
    return subprocess.Popen(
        command,
        cwd=project,
        env=bare_env(),
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )
