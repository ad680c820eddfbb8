"""Alembic environment: the store's own tables only, never Rasa's tracker tables."""

from __future__ import annotations

from alembic import context

from frontdoor.store.db import engine_for, store_metadata

METADATA = store_metadata()
OWN_TABLES = set(METADATA.tables)


def include_name(name, type_, parent_names) -> bool:
    """Leave tables we do not own (such as Rasa's events) out of autogenerate."""
    return type_ != "table" or name in OWN_TABLES


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    with engine_for(url).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=METADATA,
            include_name=include_name,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
