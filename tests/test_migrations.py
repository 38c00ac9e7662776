"""Migrations are the schema: they apply to an empty database and match the models exactly."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from core.kit.db import make_engine
from core.kit.schema import alembic_config, check_no_drift, is_hypertable, upgrade_to_head
from core.standards.parameters import PARAMETERS
from tests.conftest import PostgresDatabases


@pytest.fixture
def empty_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if backend == "postgresql":
        postgres: PostgresDatabases = request.getfixturevalue("postgres")
        return postgres.create(migrated=False)
    return f"sqlite:///{tmp_path_factory.mktemp('migrate') / 'empty.db'}"


def test_upgrade_head_on_an_empty_database_has_no_drift(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    check_no_drift(empty_database_url)  # raises when models and migrations differ
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        seeded = connection.execute(text("SELECT id, code, unit FROM parameter ORDER BY id")).all()
        hypertable = is_hypertable(connection, "reading")
    engine.dispose()
    assert {"station", "parameter", "reading", "hourly_aggregate", "alert"} <= tables
    assert [tuple(row) for row in seeded] == [(p.id, p.code, p.unit) for p in PARAMETERS]
    assert hypertable is False  # no TimescaleDB on this server: a plain table


def test_downgrade_to_base_and_back(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    check_no_drift(empty_database_url)
