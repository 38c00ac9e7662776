"""Volunteers' observations without a value (visible dust, an uncovered truck, burning…),
with place, time, a note and an optional photo kept as a file.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
KINDS = ("visible_dust", "uncovered_truck", "burning", "strong_smell", "other")


def upgrade() -> None:
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="observationkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("village", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("photo_file", sa.String(length=80), nullable=True),
        sa.Column("photo_type", sa.String(length=32), nullable=True),
        sa.Column("photo_bytes", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_observation_reporter_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    op.create_index(op.f("ix_observation_observed_at"), "observation", ["observed_at"])
    op.create_index(op.f("ix_observation_reporter_id"), "observation", ["reporter_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_observation_reporter_id"), table_name="observation")
    op.drop_index(op.f("ix_observation_observed_at"), table_name="observation")
    op.drop_table("observation")
