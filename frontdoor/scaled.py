"""More than one copy of each server, as a council runs Frontdoor, on this machine: N Rasa
servers and N action servers on PostgreSQL and Redis, the console, and nginx in front.

python -m frontdoor.scaled [--replicas 2] [--model models/frontdoor.tar.gz]  (make run-scaled)

nginx (Debian's, scripts/install_nginx.sh) runs as a child process with its own prefix in a
temporary folder, from the same template as docker-compose.yml's (deploy/nginx/): residents
and link workers reach everything through one address; the console reaches Rasa's HTTP API,
and each Rasa server its actions, through two more on loopback. Every pool is round robin
with no sticky sessions, so any Rasa server may get any message: the replicas share the
conversations (the tracker store in DATABASE_URL) and the locks that keep one conversation's
messages in turn (Rasa's Redis lock store at REDIS_URL, chosen by SettingsLockStore below).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import redis
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.lock import Lock as RedisMutex

from frontdoor.runner import (
    DEFAULT_MODEL,
    Log,
    Part,
    Server,
    Supervisor,
    free_port,
    prepare_store,
    service_env,
    start,
    supervise,
    talk_to_it,
)
from frontdoor.settings import PROJECT_ROOT, Settings, get_settings

NGINX = Path("/usr/sbin/nginx")
# The site (docker-compose.yml's nginx fills it in as well) and the scaled run's main file.
SITE_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "frontdoor.conf.template"
MAIN_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "nginx.conf.template"
# ${FRONTDOOR_...} in a template: what the nginx image's envsubst fills in from its environment.
PLACEHOLDER = re.compile(r"\$\{(FRONTDOOR_[A-Z_]+)\}")
LOCAL = "http://127.0.0.1"
CHANGE_SECONDS = 5.0  # the longest one change to a conversation's lock in Redis may take


class SettingsLockStore(LockStore):
    """Rasa's lock store as the settings say (bot/endpoints.yml): in this process for one Rasa
    server (SHARED_STATE=in_memory), or Rasa's Redis lock store at REDIS_URL for several.

    Rasa changes a conversation's lock by reading it, changing it and writing it back. In one
    process nothing comes between; across Rasa servers two changes could interleave and one be
    lost (two messages served at once, or a served one queued again until it expires), so in
    Redis each change holds a short mutex of its own."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        settings = get_settings()
        self.store: LockStore = (
            redis_lock_store(settings.redis_url)
            if settings.shared_state == "redis"
            else InMemoryLockStore()
        )
        super().__init__()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self.changing(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self.changing(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self.changing(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    def changing(self, conversation_id: str) -> AbstractContextManager[object]:
        """While one change to a conversation's lock is made: no other Rasa server's."""
        if not isinstance(self.store, RedisLockStore):
            return nullcontext()
        return RedisMutex(
            self.store.red,
            f"lock-change:{conversation_id}",
            timeout=CHANGE_SECONDS,  # a server that dies holding it lets it go
            blocking_timeout=CHANGE_SECONDS,
            sleep=0.002,  # changes take a millisecond; a longer wait would stall the server
        )


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's Redis lock store at a redis:// (or rediss://) address."""
    address = urlsplit(url)
    return RedisLockStore(
        host=address.hostname or "localhost",
        port=address.port or 6379,
        db=int(address.path.strip("/") or 0),
        username=unquote(address.username) if address.username else None,
        password=unquote(address.password) if address.password else None,
        use_ssl=address.scheme == "rediss",
    )


def create_database(url: str) -> bool:
    """Create the PostgreSQL database that url names unless it is there; whether it was."""
    address = sa.engine.make_url(url)
    if address.get_backend_name() != "postgresql" or not address.database:
        raise ValueError(f"the scaled run needs a PostgreSQL database, not {address.drivername}")
    admin = sa.create_engine(
        address.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True
    )
    try:
        with admin.connect() as connection:
            found = connection.execute(
                sa.text("select 1 from pg_database where datname = :name"),
                {"name": address.database},
            ).first()
            if found is None:
                name = admin.dialect.identifier_preparer.quote(address.database)
                connection.execute(sa.text(f"CREATE DATABASE {name}"))
            return found is None
    finally:
        admin.dispose()


def placeholders(template: str) -> set[str]:
    """The names a template leaves to be filled in."""
    return set(PLACEHOLDER.findall(template))


def render(template: str, values: dict[str, str]) -> str:
    """The template with each ${FRONTDOOR_...} filled in, as the nginx image's envsubst does."""
    missing = placeholders(template) - values.keys()
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def server_lines(ports: tuple[int, ...]) -> str:
    """An nginx upstream's servers: one for each port on loopback."""
    return " ".join(f"server 127.0.0.1:{port};" for port in ports)


@dataclass(frozen=True)
class Layout:
    """Where each part of a scaled run listens, on loopback."""

    rasa: tuple[int, ...]
    actions: tuple[int, ...]
    console: int
    public: int  # nginx: the web chat, the webhooks and the console
    rasa_api: int  # nginx: Rasa's HTTP API, for the console
    actions_api: int  # nginx: the action servers, for each Rasa server

    @classmethod
    def on_free_ports(cls, replicas: int) -> Layout:
        return cls(
            tuple(free_port() for _ in range(replicas)),
            tuple(free_port() for _ in range(replicas)),
            *(free_port() for _ in range(4)),
        )

    @property
    def public_url(self) -> str:
        return f"{LOCAL}:{self.public}"

    def rasa_url(self, replica: int) -> str:
        """One Rasa server's own address, past nginx."""
        return f"{LOCAL}:{self.rasa[replica]}"

    def nginx_values(self, prefix: Path) -> dict[str, str]:
        """What the templates leave to fill in, for nginx with its files under prefix."""
        return {
            "FRONTDOOR_PREFIX": str(prefix),
            "FRONTDOOR_ACCESS_LOG": str(prefix / "access.log"),
            "FRONTDOOR_LISTEN": f"127.0.0.1:{self.public}",
            "FRONTDOOR_RASA_API_LISTEN": f"127.0.0.1:{self.rasa_api}",
            "FRONTDOOR_ACTIONS_LISTEN": f"127.0.0.1:{self.actions_api}",
            "FRONTDOOR_RASA_SERVERS": server_lines(self.rasa),
            "FRONTDOOR_ACTIONS_SERVERS": server_lines(self.actions),
            "FRONTDOOR_CONSOLE_SERVERS": server_lines((self.console,)),
        }

    def settings(self, settings: Settings, **ports: int) -> Settings:
        """One part's settings: the shared lock store, every address through nginx."""
        origins = (self.public_url, f"http://localhost:{self.public}")
        update = {
            "shared_state": "redis",
            "rasa_url": f"{LOCAL}:{self.rasa_api}",
            "public_rasa_url": self.public_url,
            "chat_origins": origins,
            "actions_url": f"{LOCAL}:{self.actions_api}/webhook",
            "console_port": self.console,
            "sms_public_base_url": settings.sms_public_base_url or self.public_url,
            **ports,
        }
        return settings.copy(update=update)


def write_nginx_config(layout: Layout, prefix: Path) -> Path:
    """nginx's main file and site under prefix, from the templates; the main file's path."""
    prefix.mkdir(parents=True, exist_ok=True)
    # nginx started as root runs its workers as nobody, who must reach their temporary folders.
    os.chmod(prefix, 0o711)
    values = layout.nginx_values(prefix)
    (prefix / "frontdoor.conf").write_text(render(SITE_TEMPLATE.read_text(), values))
    main = prefix / "nginx.conf"
    main.write_text(render(MAIN_TEMPLATE.read_text(), values))
    return main


def start_nginx(prefix: Path, log: Log = None) -> Server:
    """nginx in the foreground, everything it writes under prefix (write_nginx_config)."""
    if not NGINX.exists():
        raise RuntimeError(f"{NGINX} is missing: run scripts/install_nginx.sh (make does)")
    return subprocess.Popen(
        [str(NGINX), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "error.log"],
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


@dataclass
class ScaledRun:
    """The parts of one scaled run and where they listen."""

    layout: Layout
    parts: list[Part]
    prefix: Path  # nginx's files: its configuration, logs and temporary folders

    @classmethod
    def plan(
        cls, settings: Settings, replicas: int, model: Path, prefix: Path, log: Log = None
    ) -> ScaledRun:
        """The parts to start (nothing started yet): its configuration written for nginx."""
        layout = Layout.on_free_ports(replicas)
        write_nginx_config(layout, prefix)
        parts = []
        for number, (rasa, actions) in enumerate(
            zip(layout.rasa, layout.actions, strict=True), start=1
        ):
            rasa_env = service_env(layout.settings(settings, rasa_port=rasa))
            actions_env = service_env(layout.settings(settings, actions_port=actions))
            parts += [
                Part(
                    f"action server {number}",
                    partial(start, "actions", actions_env, log),
                    f"{LOCAL}:{actions}/health",
                    120,
                ),
                Part(
                    f"Rasa server {number}",
                    partial(start, "rasa", rasa_env, log, model),
                    f"{LOCAL}:{rasa}/",
                    300,
                ),
            ]
        console_env = service_env(layout.settings(settings))
        parts += [
            Part(
                "console",
                partial(start, "console", console_env, log),
                f"{LOCAL}:{layout.console}/health",
            ),
            Part("nginx", partial(start_nginx, prefix, log), f"{layout.public_url}/health", 60),
        ]
        return cls(layout, parts, prefix)

    def welcome(self) -> str:
        layout = self.layout
        rasa = ", ".join(layout.rasa_url(i) for i in range(len(layout.rasa)))
        return (
            f"\nFrontdoor is running at scale: {len(layout.rasa)} Rasa servers and "
            f"{len(layout.actions)} action servers behind nginx.\n"
            f"  Everything:     {layout.public_url}/ (the console, /chat/, /webhooks/...)\n"
            f"{talk_to_it(layout.public_url)}"
            f"  Rasa HTTP API:  {LOCAL}:{layout.rasa_api}/ (any replica; token in RASA_API_TOKEN)\n"
            f"  Each replica:   {rasa}\n"
            f"  nginx's logs:   {self.prefix}/access.log, {self.prefix}/error.log\n"
            f"Press Ctrl-C to stop.\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    settings = get_settings()
    try:
        create_database(settings.database_url)
        redis_lock_store(settings.redis_url).red.ping()
    except (ValueError, sa.exc.OperationalError, redis.RedisError) as error:
        print(f"The scaled run needs PostgreSQL and Redis: {error}", file=sys.stderr)
        return 1
    prepare_store(service_env(settings))
    with tempfile.TemporaryDirectory(prefix="frontdoor-nginx-") as folder:
        run = ScaledRun.plan(settings, args.replicas, args.model, Path(folder))
        return supervise(Supervisor(run.parts), run.welcome())


if __name__ == "__main__":
    sys.exit(main())
