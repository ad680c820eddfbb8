"""The scaled run (frontdoor/scaled.py) for its tests: two Rasa servers and two action servers
on a fresh PostgreSQL database and the machine's Redis, the console, and nginx in front,
started once for all of them (each Rasa server loads the model: a minute). Texts go to a fake
Twilio; Twilio would call nginx, so the webhooks check signatures against its address.

The tests that kill a replica run last (test_replicas.py, the last module by name): the ones
before them need both."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from assistant_servers import ACCOUNT, AUTH_TOKEN, OUR_NUMBER
from fake_twilio import FakeTwilio
from scaled_run import POSTGRES_ADMIN_URL, REPLICAS, Scaled, unavailable

from frontdoor.runner import DEFAULT_MODEL, Supervisor, bring_up, prepare_store, service_env
from frontdoor.scaled import NGINX, ScaledRun, create_database, redis_lock_store
from frontdoor.settings import get_settings


@pytest.fixture(scope="package")
def scaled_database() -> Iterator[str]:
    """A fresh PostgreSQL database, created as `make run-scaled` creates its own, then dropped."""
    name = f"frontdoor_scaled_{uuid.uuid4().hex[:10]}"
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name)
    try:
        create_database(url.render_as_string(hide_password=False))
    except sa.exc.OperationalError:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    yield url.render_as_string(hide_password=False)
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="package")
def scaled(scaled_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    """The scaled run, 2 + 2 behind nginx, with REST on; nginx's prefix in a folder of /tmp
    (its workers, nobody when the run is root's, must reach it: pytest's folders are private)."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does)")
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: run scripts/install_nginx.sh (make test does)")
    folder = tmp_path_factory.mktemp("scaled")
    prefix = Path(tempfile.mkdtemp(prefix="frontdoor-nginx-"))
    mp = pytest.MonkeyPatch()
    fake = FakeTwilio().start()
    for name, value in {
        "DATABASE_URL": scaled_database,
        "RASA_API_TOKEN": secrets.token_hex(12),
        "REST_CHANNEL_ENABLED": "true",
        "OUTBOX_DIR": str(folder / "outbox"),
        "OUTBOX_RETRY_SECONDS": "1",
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url,
        "SMS_RATE_LIMIT": "1000",
    }.items():
        mp.setenv(name, value)
    for name in (
        "RASA_URL",
        "PUBLIC_RASA_URL",
        "ACTIONS_URL",
        "CHAT_ORIGINS",
        "ACTIONS_TOKEN",
        "SMS_PUBLIC_BASE_URL",
    ):
        mp.delenv(name, raising=False)
    settings = get_settings()
    try:
        redis_lock_store(settings.redis_url).red.ping()
    except redis.RedisError:
        mp.undo()
        fake.stop()
        unavailable(f"Redis is not reachable at {settings.redis_url}")
    log_path = folder / "servers.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed after the servers stop
    supervisor = Supervisor([])
    try:
        prepare_store(service_env(settings))
        run = ScaledRun.plan(settings, REPLICAS, DEFAULT_MODEL, prefix, log)
        supervisor = Supervisor(run.parts)
        bring_up(supervisor)
        yield Scaled(run, settings, supervisor, fake, scaled_database)
    except Exception:
        log.flush()
        print(log_path.read_text()[-8000:])
        raise
    finally:
        supervisor.stop()
        fake.stop()
        log.close()
        shutil.rmtree(prefix, ignore_errors=True)
        mp.undo()
