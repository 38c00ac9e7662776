"""Factories' periodic reports: the report record, its measurement rows, the reporting
schedule, and the stack particulate parameter.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
FREQUENCIES = ("monthly", "quarterly", "yearly")
# Frozen copy of the parameter added at this revision: ids are stored in readings.
STACK_PM = {"id": 11, "code": "stack_pm", "name": "Stack particulate matter", "unit": "mg/Nm3"}


def upgrade() -> None:
    op.create_table(
        "factory_report_schedule",
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(*FREQUENCIES, name="reportfrequency", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("first_period_start", sa.Date(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["organisation.id"],
            name=op.f("fk_factory_report_schedule_facility_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_factory_report_schedule")),
    )
    op.create_table(
        "factory_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("file_name", sa.String(length=80), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["organisation.id"],
            name=op.f("fk_factory_report_facility_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["user_account.id"],
            name=op.f("fk_factory_report_submitted_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factory_report")),
        sa.UniqueConstraint(
            "facility_id", "period_start", name=op.f("uq_factory_report_facility_id_period_start")
        ),
    )
    op.create_index(op.f("ix_factory_report_facility_id"), "factory_report", ["facility_id"])
    op.create_table(
        "factory_report_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("sample_start", TS, nullable=False),
        sa.Column("sample_end", TS, nullable=False),
        sa.Column("value_milli", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_factory_report_row_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["factory_report.id"],
            name=op.f("fk_factory_report_row_report_id_factory_report"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_factory_report_row_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factory_report_row")),
    )
    op.create_index(op.f("ix_factory_report_row_report_id"), "factory_report_row", ["report_id"])
    parameter = sa.table(
        "parameter",
        sa.column("id", sa.SmallInteger()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("unit", sa.String()),
    )
    op.bulk_insert(parameter, [STACK_PM])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM parameter WHERE id = :id").bindparams(id=STACK_PM["id"]))
    op.drop_index(op.f("ix_factory_report_row_report_id"), table_name="factory_report_row")
    op.drop_table("factory_report_row")
    op.drop_index(op.f("ix_factory_report_facility_id"), table_name="factory_report")
    op.drop_table("factory_report")
    op.drop_table("factory_report_schedule")
