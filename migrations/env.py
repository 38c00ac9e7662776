"""Alembic environment: one connection, the URL from dustwatch settings unless one is passed."""

from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy import Connection

import core.models  # noqa: F401  (registers every table on the metadata)
from core.kit.db import Base, make_engine
from core.settings import Settings

config = context.config


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (uq_station_lower_code), so SQLAlchemy and
        # Alembic say they skip them; PostgreSQL compares them, and tests check the SQLite one.
        warnings.filterwarnings("ignore", message=".*expression-based index")
        with context.begin_transaction():
            context.run_migrations()


def _without_sqlite_foreign_keys(connection: Connection) -> None:
    """Batch migrations copy and rename tables that others refer to: SQLite's documented
    procedure turns foreign keys off outside the transaction and checks them afterwards."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        run_with(connection)
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by the migration: {problems}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = config.attributes.get("url") or Settings().db.url
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _without_sqlite_foreign_keys(connection)
        else:
            run_with(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("dustwatch migrations run online only")
run_migrations_online()
