"""Take one PostgreSQL database away from its servers and give it back, as an outage would:
no one may connect, and every open connection is cut."""

from __future__ import annotations

import sqlalchemy as sa


def admin_engine(url: str) -> sa.engine.Engine:
    """A connection to the server's `postgres` database (not the one taken away), outside any
    transaction."""
    admin = sa.engine.make_url(url).set(database="postgres")
    return sa.create_engine(admin, future=True, isolation_level="AUTOCOMMIT")


def take_away(admin_url: str, database: str) -> None:
    """No one may connect to the database, and every open connection to it is cut."""
    engine = admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database},
        )
    engine.dispose()


def give_back(admin_url: str, database: str) -> None:
    engine = admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
    engine.dispose()
