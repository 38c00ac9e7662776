"""Migrations are the schema: they apply to an empty database and match the models exactly."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from core.alerts.measurement import station_subject
from core.kit.db import make_engine
from core.kit.schema import alembic_config, check_no_drift, is_hypertable, upgrade_to_head
from core.standards.parameters import BY_CODE, PARAMETERS
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


def test_owner_texts_become_organisations_and_codes_become_unique_in_any_case(
    empty_database_url: str,
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_database_url)
    insert = text(
        "INSERT INTO station (code, name, kind, owner_organisation, latitude, longitude, area, "
        "public, created_at) VALUES (:code, 'x', 'volunteer', :owner, 14.6, 100.8, 'Na Phra Lan', "
        "true, '2026-11-22 00:00:00+00:00')"
    )
    with engine.begin() as connection:
        for code, owner in [("npl-v01", "Volunteers"), ("npl-v02", "Volunteers"), ("f1", "Mill")]:
            connection.execute(insert, {"code": code, "owner": owner})
        connection.execute(
            text(
                "INSERT INTO reading (time, value_milli, station_id, parameter_id, source) "
                "SELECT '2026-11-22 01:00:00+00:00', 1000, id, 2, 1 FROM station "
                "WHERE code = 'f1'"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        owners = connection.execute(
            text(
                "SELECT s.code, o.name_en, o.stakeholder_group FROM station s "
                "JOIN organisation o ON o.id = s.organisation_id ORDER BY s.code"
            )
        ).all()
        readings = connection.execute(text("SELECT count(*) FROM reading")).scalar_one()
    assert [tuple(row) for row in owners] == [
        ("f1", "Mill", "other"),
        ("npl-v01", "Volunteers", "other"),
        ("npl-v02", "Volunteers", "other"),
    ]
    assert readings == 1
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO station (code, name, kind, organisation_id, latitude, longitude, "
                "area, public, created_at) SELECT 'NPL-V01', 'x', 'volunteer', organisation_id, "
                "14.6, 100.8, 'x', true, created_at FROM station WHERE code = 'npl-v01'"
            )
        )
    command.downgrade(config, "0001")
    with engine.connect() as connection:
        back = connection.execute(
            text("SELECT code, owner_organisation FROM station ORDER BY code")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in back] == [
        ("f1", "Mill"),
        ("npl-v01", "Volunteers"),
        ("npl-v02", "Volunteers"),
    ]


def test_existing_alerts_get_distinct_public_ids(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0003")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (name_th, name_en, stakeholder_group, areas, created_at) "
                "VALUES ('x', 'X', 'other', '[]', '2026-11-22 00:00:00+00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO station (code, name, kind, organisation_id, latitude, longitude, "
                "area, public, created_at) SELECT 'npl-v01', 'x', 'volunteer', id, 14.6, 100.8, "
                "'Na Phra Lan', true, '2026-11-22 00:00:00+00:00' FROM organisation"
            )
        )
        for parameter in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO alert (station_id, parameter_id, kind, standard_id, limit_milli, "
                    "opened_at, opening_average_milli, peak_average_milli, latest_average_milli, "
                    "updated_at) SELECT id, :p, 'exceedance_24h', 's', 1, "
                    "'2026-11-22 00:00:00+00:00', 2, 2, 2, '2026-11-22 00:00:00+00:00' FROM station"
                ),
                {"p": parameter},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT public_id FROM alert")).scalars().all()
    engine.dispose()
    assert len(set(ids)) == 2
    assert all(len(i) == 16 for i in ids)
    check_no_drift(empty_database_url)


def test_open_alerts_of_the_built_in_check_become_the_default_rules(
    empty_database_url: str,
) -> None:
    """So that the rules engine follows them instead of opening a second alert."""
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0014")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (name_th, name_en, stakeholder_group, areas, created_at) "
                "VALUES ('x', 'X', 'other', '[]', '2026-11-22 00:00:00+00:00')"
            )
        )
        station_id = connection.execute(
            text(
                "INSERT INTO station (code, name, kind, organisation_id, latitude, longitude, "
                "area, public, created_at) SELECT 'npl-v01', 'x', 'volunteer', id, 14.6, 100.8, "
                "'Na Phra Lan', true, '2026-11-22 00:00:00+00:00' FROM organisation RETURNING id"
            )
        ).scalar_one()
        for public_id, resolved in (("open", None), ("closed", "2026-11-23 00:00:00+00:00")):
            connection.execute(
                text(
                    "INSERT INTO alert (public_id, station_id, parameter_id, kind, standard_id, "
                    "limit_milli, opened_at, opening_average_milli, peak_average_milli, "
                    "latest_average_milli, updated_at, detected_at, resolved_at) VALUES "
                    "(:public_id, :station, :parameter, 'exceedance_24h', 's', 1, "
                    "'2026-11-22 00:00:00+00:00', "
                    "2, 2, 2, '2026-11-22 00:00:00+00:00', '2026-11-22 00:00:00+00:00', :resolved)"
                ),
                {
                    "public_id": public_id,
                    "station": station_id,
                    "parameter": BY_CODE["pm10"].id,
                    "resolved": resolved,
                },
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT public_id, rule_id, subject, area, severity FROM alert ORDER BY public_id")
        ).all()
        rule = connection.execute(text("SELECT id, kind, enabled FROM alert_rule")).one()
    engine.dispose()
    assert (rule.kind, bool(rule.enabled)) == ("exceedance_24h", True)
    subject = station_subject(station_id, BY_CODE["pm10"])
    assert [tuple(r) for r in rows] == [
        ("closed", None, None, None, None),
        ("open", rule.id, subject, "Na Phra Lan", "warning"),
    ]
