"""Engines, sessions and migrations for the shared store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from frontdoor.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


@lru_cache(maxsize=8)
def engine_for(url: str) -> sa.engine.Engine:
    """One engine per database URL; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, future=True, connect_args={"timeout": 15})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def _sqlite_pragmas(connection: sqlite3.Connection, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def current_engine() -> sa.engine.Engine:
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it fails."""
    session = sessionmaker(bind=engine_for(url or get_settings().database_url), future=True)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    """Alembic's configuration, built in code so no ini file is needed."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it changed."""
    result = session.execute(statement)
    if not isinstance(result, CursorResult):  # the stubs say Result; DML gives a CursorResult
        raise TypeError(f"{statement} returned no row count")
    return result.rowcount


def init_db(url: str | None = None) -> None:
    """Create or upgrade the store's tables (Rasa's own tables are left alone)."""
    from alembic import command

    command.upgrade(alembic_config(url or get_settings().database_url), "heads")


def store_metadata() -> sa.MetaData:
    """Every table the store owns (models, casework, messaging), as Alembic compares them."""
    from frontdoor.store import casework, messaging  # noqa: F401  (their tables join Base's)
    from frontdoor.store.models import Base

    return Base.metadata
