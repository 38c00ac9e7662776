"""Late data: hours that late readings touched wait in pending_evaluation for the alert
check, and an alert says when it was detected and whether it was opened for the past.

Existing alerts were detected when they opened, none late.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pending_evaluation",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.SmallInteger(), nullable=False),
        sa.Column("hour", TS, nullable=False),
        sa.Column("generation", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameter.id"],
            name=op.f("fk_pending_evaluation_parameter_id_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_pending_evaluation_station_id_station")
        ),
        sa.PrimaryKeyConstraint(
            "station_id", "parameter_id", "hour", name=op.f("pk_pending_evaluation")
        ),
    )
    op.add_column(
        "alert",
        sa.Column("arrived_late", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("alert", sa.Column("detected_at", TS, nullable=True))
    op.execute(sa.text("UPDATE alert SET detected_at = opened_at"))
    with op.batch_alter_table("alert") as batch:
        batch.alter_column("detected_at", existing_type=TS, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("detected_at")
        batch.drop_column("arrived_late")
    op.drop_table("pending_evaluation")
