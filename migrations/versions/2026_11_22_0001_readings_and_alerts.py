"""Stations, parameters, readings (a hypertable where TimescaleDB is present), aggregates, alerts.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of core/parameters.py at this revision: ids are stored in readings.
PARAMETERS = [
    (1, "pm25", "PM2.5", "ug/m3"),
    (2, "pm10", "PM10", "ug/m3"),
    (3, "tsp", "Total suspended particulates", "ug/m3"),
    (4, "o3", "Ozone", "ppb"),
    (5, "no2", "Nitrogen dioxide", "ppb"),
    (6, "so2", "Sulphur dioxide", "ppb"),
    (7, "co", "Carbon monoxide", "ppm"),
    (8, "temperature", "Air temperature", "degC"),
    (9, "humidity", "Relative humidity", "%"),
]


def timescaledb_usable() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).first():
        return True
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    ).first()
    preloaded = bind.execute(sa.text("SHOW shared_preload_libraries")).scalar_one()
    return bool(available) and "timescaledb" in str(preloaded)


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "volunteer",
                "factory",
                "reference",
                name="stationkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("owner_organisation", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station")),
        sa.UniqueConstraint("code", name=op.f("uq_station_code")),
    )
    parameter = op.create_table(
        "parameter",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter")),
        sa.UniqueConstraint("code", name=op.f("uq_parameter_code")),
    )
    op.bulk_insert(
        parameter, [{"id": i, "code": c, "name": n, "unit": u} for i, c, n, u in PARAMETERS]
    )
    op.create_table(
        "reading",
        sa.Column("time", ts, nullable=False),
        sa.Column("value_milli", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("quality_flag", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("source", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"], ["parameter.id"], name=op.f("fk_reading_parameter_id_parameter")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_reading_station_id_station")
        ),
        sa.PrimaryKeyConstraint("station_id", "parameter_id", "time", name=op.f("pk_reading")),
    )
    op.create_table(
        "hourly_aggregate",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("hour", ts, nullable=False),
        sa.Column("value_sum_milli", sa.BigInteger(), nullable=False),
        sa.Column("reading_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_hourly_aggregate_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_hourly_aggregate_station_id_station")
        ),
        sa.PrimaryKeyConstraint(
            "station_id", "parameter_id", "hour", name=op.f("pk_hourly_aggregate")
        ),
    )
    op.create_table(
        "latest_reading",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("time", ts, nullable=False),
        sa.Column("value_milli", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_latest_reading_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_latest_reading_station_id_station")
        ),
        sa.PrimaryKeyConstraint("station_id", "parameter_id", name=op.f("pk_latest_reading")),
    )
    op.create_table(
        "rejected_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", ts, nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("station_code", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_message")),
    )
    op.create_index(
        op.f("ix_rejected_message_received_at"), "rejected_message", ["received_at"], unique=False
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("exceedance_24h", name="alertkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("standard_id", sa.String(length=64), nullable=False),
        sa.Column("limit_milli", sa.Integer(), nullable=False),
        sa.Column("opened_at", ts, nullable=False),
        sa.Column("opening_average_milli", sa.Integer(), nullable=False),
        sa.Column("peak_average_milli", sa.Integer(), nullable=False),
        sa.Column("latest_average_milli", sa.Integer(), nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.Column("resolved_at", ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["parameter_id"], ["parameter.id"], name=op.f("fk_alert_parameter_id_parameter")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_alert_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index("ix_alert_opened_at", "alert", ["opened_at"], unique=False)
    op.create_index(
        "uq_alert_open",
        "alert",
        ["station_id", "parameter_id", "kind"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL"),
        sqlite_where=sa.text("resolved_at IS NULL"),
    )
    if timescaledb_usable():
        _make_reading_a_hypertable()


def _make_reading_a_hypertable() -> None:
    """Weekly chunks; chunks older than 30 days compressed per station and parameter.

    No default time index: the primary key (station_id, parameter_id, time) serves every query.
    """
    op.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    op.execute(
        "SELECT create_hypertable('reading', 'time', chunk_time_interval => INTERVAL '7 days', "
        "create_default_indexes => false)"
    )
    op.execute(
        "ALTER TABLE reading SET (timescaledb.compress, "
        "timescaledb.compress_segmentby = 'station_id, parameter_id', "
        "timescaledb.compress_orderby = 'time')"
    )
    op.execute("SELECT add_compression_policy('reading', INTERVAL '30 days')")


def downgrade() -> None:
    op.drop_index("uq_alert_open", table_name="alert")
    op.drop_index("ix_alert_opened_at", table_name="alert")
    op.drop_table("alert")
    op.drop_index(op.f("ix_rejected_message_received_at"), table_name="rejected_message")
    op.drop_table("rejected_message")
    op.drop_table("latest_reading")
    op.drop_table("hourly_aggregate")
    op.drop_table("reading")
    op.drop_table("parameter")
    op.drop_table("station")
