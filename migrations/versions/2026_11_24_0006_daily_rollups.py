"""Daily rollups over local days beside the hourly ones, the zone they were built in, and
counts of readings left out by quality control.

The tables start empty: start-up (or `dustwatch rollups rebuild`) fills daily_aggregate
from hourly_aggregate in the configured time zone and records it in rollup_state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("hourly_aggregate") as batch:
        batch.add_column(
            sa.Column("invalid_count", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    op.create_table(
        "daily_aggregate",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour_mean_sum_milli", sa.BigInteger(), nullable=False),
        sa.Column("hours_with_data", sa.SmallInteger(), nullable=False),
        sa.Column("invalid_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_daily_aggregate_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_daily_aggregate_station_id_station")
        ),
        sa.PrimaryKeyConstraint(
            "station_id", "parameter_id", "day", name=op.f("pk_daily_aggregate")
        ),
    )
    op.create_table(
        "rollup_state",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("rebuilt_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_state")),
    )


def downgrade() -> None:
    op.drop_table("rollup_state")
    op.drop_table("daily_aggregate")
    with op.batch_alter_table("hourly_aggregate") as batch:
        batch.drop_column("invalid_count")
