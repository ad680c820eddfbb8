"""Migrations build the models' schema and leave Rasa's own tables alone."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from frontdoor.store.db import alembic_config, engine_for, init_db, store_metadata
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


def test_the_migrations_match_every_table_so_autogenerate_finds_nothing(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    metadata = store_metadata()
    assert {"link_workers", "referral_outcomes", "sms_outbound"} <= set(metadata.tables)
    init_db(store_url)
    with engine_for(store_url).connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), metadata)
    ours = [d for d in found if not (isinstance(d, tuple) and d[0] == "remove_table")]
    assert ours == []


def test_there_is_exactly_one_head() -> None:
    """Every migration joins up: `init_db` and `alembic upgrade head` mean the same."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert heads == ["0012_webchat_connections"]


def test_flags_recorded_before_the_review_columns_are_kept_as_open(store_url: str) -> None:
    config = alembic_config(store_url)
    command.downgrade(config, "0004_console")  # back to the three branches before the merge
    with engine_for(store_url).begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO risk_events (conversation_id, channel, category, created_at) "
                "VALUES ('old', 'sms', 'suicide', :at)"
            ),
            {"at": datetime(2025, 1, 6, 9)},
        )
    init_db(store_url)
    with engine_for(store_url).connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM risk_events")).mappings().one()
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        assert (
            list(version.scalars())
            == ScriptDirectory.from_config(alembic_config(store_url)).get_heads()
        )
    assert (row["category"], row["status"], row["source"], row["words"]) == (
        "suicide",
        "open",
        None,
        None,
    )
    with pytest.raises(sa.exc.IntegrityError), engine_for(store_url).begin() as connection:
        connection.execute(sa.text("UPDATE risk_events SET status = 'ignored'"))
