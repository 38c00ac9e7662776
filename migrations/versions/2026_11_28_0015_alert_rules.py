"""Alert rules, and alerts generalised to any rule: a subject, an area, a stored severity, the
rule's rendered texts, and alerts without a station (a facility's report, an area's cluster).

A default enabled `exceedance_24h` rule (every area, every parameter with a Thai 24-hour
standard, severity warning) is seeded so that a deployment without configuration alerts as
before; the open alerts of that kind are made its alerts.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

DEFAULT_RULE = {
    "name": "ค่าเฉลี่ย 24 ชั่วโมงเกินมาตรฐาน / 24-hour average over the standard",
    "kind": "exceedance_24h",
    "enabled": True,
    "areas": [],
    "severity": "warning",
    "title_th": "แจ้งเตือน: {parameter} เกินมาตรฐานที่สถานี {station}",
    "title_en": "Alert: {parameter} over the standard at {station}",
    "message_th": (
        "ค่าเฉลี่ย 24 ชั่วโมงของ {parameter} ที่สถานี {station} ({area}) อยู่ที่ {value} {unit} "
        "เกินค่ามาตรฐาน {threshold} {unit} เมื่อ {since} น."
    ),
    "message_en": (
        "The 24-hour average of {parameter} at {station} ({area}) was {value} {unit}, over the "
        "standard of {threshold} {unit}, at {since}."
    ),
    "created_by": "dustwatch (migration 0015)",
    "updated_by": "dustwatch (migration 0015)",
}


def upgrade() -> None:
    rule = op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("station_kind", sa.String(length=16), nullable=True),
        sa.Column("parameter", sa.String(length=16), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("aqi_band", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("radius_m", sa.Integer(), nullable=True),
        sa.Column("window_minutes", sa.Integer(), nullable=True),
        sa.Column("averaging", sa.String(length=16), nullable=True),
        sa.Column("min_duration_minutes", sa.Integer(), nullable=True),
        sa.Column("clear_evaluations", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("title_th", sa.String(length=400), nullable=False),
        sa.Column("title_en", sa.String(length=400), nullable=False),
        sa.Column("message_th", sa.String(length=2000), nullable=False),
        sa.Column("message_en", sa.String(length=2000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(length=400), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rule")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(rule, [{**DEFAULT_RULE, "id": 1, "created_at": now, "updated_at": now}])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval('alert_rule_id_seq', (SELECT max(id) FROM alert_rule))")

    op.drop_index("uq_alert_open", table_name="alert")
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("area", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("severity", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("facility_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("title_th", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("title_en", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("text_th", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("text_en", sa.String(length=2000), nullable=True))
        for column, kind in (
            ("station_id", sa.Integer()),
            ("parameter_id", sa.SmallInteger()),
            ("standard_id", sa.String(length=64)),
            ("limit_milli", sa.Integer()),
            ("opening_average_milli", sa.Integer()),
            ("peak_average_milli", sa.Integer()),
            ("latest_average_milli", sa.Integer()),
        ):
            batch.alter_column(column, existing_type=kind, nullable=True)
        batch.create_foreign_key(
            op.f("fk_alert_rule_id_alert_rule"), "alert_rule", ["rule_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_alert_facility_id_organisation"), "organisation", ["facility_id"], ["id"]
        )
    # Open alerts of the built-in check become the default rule's, under the subject its
    # detector gives them, so that the rules engine follows them instead of opening twins.
    op.execute(
        "UPDATE alert SET rule_id = 1, severity = 'warning', "
        "area = (SELECT station.area FROM station WHERE station.id = alert.station_id), "
        "subject = 'station:' || CAST(station_id AS VARCHAR) || ':' || "
        "(SELECT parameter.code FROM parameter WHERE parameter.id = alert.parameter_id) "
        "WHERE kind = 'exceedance_24h' AND resolved_at IS NULL"
    )
    op.create_index(
        "uq_alert_open",
        "alert",
        ["station_id", "parameter_id", "kind"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL AND rule_id IS NULL"),
        sqlite_where=sa.text("resolved_at IS NULL AND rule_id IS NULL"),
    )
    op.create_index(
        "uq_alert_rule_open",
        "alert",
        ["rule_id", "subject"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL AND rule_id IS NOT NULL"),
        sqlite_where=sa.text("resolved_at IS NULL AND rule_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_alert_rule_open", table_name="alert")
    op.drop_index("uq_alert_open", table_name="alert")
    # Alerts without a station or figures cannot be kept by the older schema.
    op.execute(
        "DELETE FROM outbox_message WHERE alert_id IN (SELECT id FROM alert WHERE station_id IS "
        "NULL OR parameter_id IS NULL OR limit_milli IS NULL OR opening_average_milli IS NULL)"
    )
    op.execute(
        "DELETE FROM alert_response WHERE alert_id IN (SELECT id FROM alert WHERE station_id IS "
        "NULL OR parameter_id IS NULL OR limit_milli IS NULL OR opening_average_milli IS NULL)"
    )
    op.execute(
        "DELETE FROM alert WHERE station_id IS NULL OR parameter_id IS NULL OR "
        "limit_milli IS NULL OR opening_average_milli IS NULL"
    )
    op.execute("UPDATE alert SET standard_id = '' WHERE standard_id IS NULL")
    op.execute(
        "UPDATE alert SET peak_average_milli = opening_average_milli "
        "WHERE peak_average_milli IS NULL"
    )
    op.execute(
        "UPDATE alert SET latest_average_milli = peak_average_milli "
        "WHERE latest_average_milli IS NULL"
    )
    # Of several open alerts of one station, parameter and kind (two rules), one stays open.
    op.execute(
        "UPDATE alert SET resolved_at = updated_at, resolution = 'automatic' "
        "WHERE resolved_at IS NULL AND id NOT IN (SELECT min(id) FROM alert "
        "WHERE resolved_at IS NULL GROUP BY station_id, parameter_id, kind)"
    )
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint(op.f("fk_alert_facility_id_organisation"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_alert_rule_id_alert_rule"), type_="foreignkey")
        for column, kind in (
            ("station_id", sa.Integer()),
            ("parameter_id", sa.SmallInteger()),
            ("standard_id", sa.String(length=64)),
            ("limit_milli", sa.Integer()),
            ("opening_average_milli", sa.Integer()),
            ("peak_average_milli", sa.Integer()),
            ("latest_average_milli", sa.Integer()),
        ):
            batch.alter_column(column, existing_type=kind, nullable=False)
        for column in (
            "text_en",
            "text_th",
            "title_en",
            "title_th",
            "facility_id",
            "severity",
            "area",
            "subject",
            "rule_id",
        ):
            batch.drop_column(column)
    op.create_index(
        "uq_alert_open",
        "alert",
        ["station_id", "parameter_id", "kind"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL"),
        sqlite_where=sa.text("resolved_at IS NULL"),
    )
    op.drop_table("alert_rule")
