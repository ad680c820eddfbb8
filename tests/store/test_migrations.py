"""Migrations build the models' schema and leave Rasa's own tables alone."""

import sqlalchemy as sa

from frontdoor.store.db import engine_for, init_db
from frontdoor.store.models import Base


def test_migrations_create_every_table_and_are_repeatable(store_url: str) -> None:
    init_db(store_url)  # a second run changes nothing
    tables = set(sa.inspect(engine_for(store_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_rasa_events_table_survives_migrations(store_url: str) -> None:
    with engine_for(store_url).begin() as connection:
        connection.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
        connection.execute(sa.text("INSERT INTO events (id, data) VALUES (1, 'hello')"))
    init_db(store_url)
    with engine_for(store_url).connect() as connection:
        assert connection.execute(sa.text("SELECT data FROM events")).scalar_one() == "hello"
