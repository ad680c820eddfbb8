"""Shared fixtures: a fresh store on SQLite, and on PostgreSQL when it is there; the real
assistant, started once for every suite that talks to it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from assistant_servers import Assistant, running_assistant

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.directory.importer import import_services, read_services
from frontdoor.store.db import engine_for, init_db, session_scope

os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # for Rasa loaded inside the tests themselves

POSTGRES_ADMIN_URL = os.environ.get(
    "DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test"
)


def load_sample(url: str) -> None:
    with session_scope(url) as session:
        import_services(session, read_services(SAMPLE_DIRECTORY))


@pytest.fixture()
def sqlite_url(tmp_path, monkeypatch) -> str:
    """An empty, migrated SQLite store that the code under test uses by default."""
    url = f"sqlite:///{tmp_path}/store.db"
    init_db(url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture()
def directory_url(sqlite_url: str) -> str:
    """A SQLite store holding the sample directory."""
    load_sample(sqlite_url)
    return sqlite_url


def _postgres_reachable() -> bool:
    try:
        with sa.create_engine(POSTGRES_ADMIN_URL, future=True).connect():
            return True
    except sa.exc.OperationalError:
        return False


@pytest.fixture()
def pg_url(monkeypatch) -> Iterator[str]:
    """A fresh PostgreSQL database, migrated, dropped afterwards. CI must have PostgreSQL."""
    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed in CI and is not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip("PostgreSQL is not running here")
    name = f"frontdoor_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = (
        sa.engine.make_url(POSTGRES_ADMIN_URL)
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    init_db(url)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request) -> str:
    """The store on each database the service supports."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The real Rasa and action servers (REST, and SMS through a fake Twilio), once per run."""
    with running_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running
