"""Quality control: a flag and its rule per reading, conflicting re-sends, the US EPA
correction beside the raw PM2.5 value, and the run length the stuck-value check reads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("reading", sa.Column("corrected_milli", sa.Integer(), nullable=True))
    op.add_column(
        "latest_reading",
        sa.Column("run_length", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    op.create_table(
        "reading_quality",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("time", TS, nullable=False),
        sa.Column("flag", sa.SmallInteger(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("flagged_at", TS, nullable=False),
        sa.Column("reviewed_by", sa.String(length=400), nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_reading_quality_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_reading_quality_station_id_station")
        ),
        sa.PrimaryKeyConstraint(
            "station_id", "parameter_id", "time", name=op.f("pk_reading_quality")
        ),
    )
    op.create_index("ix_reading_quality_flag_time", "reading_quality", ["flag", "time"])
    op.create_table(
        "reading_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("time", TS, nullable=False),
        sa.Column("stored_value_milli", sa.Integer(), nullable=False),
        sa.Column("new_value_milli", sa.Integer(), nullable=False),
        sa.Column("source", sa.SmallInteger(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_reading_conflict_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_reading_conflict_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_conflict")),
        sa.UniqueConstraint(
            "station_id",
            "parameter_id",
            "time",
            "new_value_milli",
            name=op.f("uq_reading_conflict_station_id_parameter_id_time_new_value_milli"),
        ),
    )
    op.create_index(op.f("ix_reading_conflict_received_at"), "reading_conflict", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reading_conflict_received_at"), table_name="reading_conflict")
    op.drop_table("reading_conflict")
    op.drop_index("ix_reading_quality_flag_time", table_name="reading_quality")
    op.drop_table("reading_quality")
    with op.batch_alter_table("latest_reading") as batch:
        batch.drop_column("run_length")
    with op.batch_alter_table("reading") as batch:
        batch.drop_column("corrected_milli")
