"""Commitments: a facility's promise as a rule checked against the data, and the excess
events the data open against it with the operator's reply.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("title_th", sa.String(length=400), nullable=False),
        sa.Column("title_en", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("station_ids", sa.JSON(), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("averaging", sa.String(length=16), nullable=False),
        sa.Column("limit_value", sa.Numeric(12, 3), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=True),
        sa.Column("window_end", sa.Time(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", TS, nullable=False),
        sa.Column("proposed_by_label", sa.String(length=400), nullable=False),
        sa.Column("proposed_by_facility", sa.Boolean(), nullable=False),
        sa.Column("agreed_at", TS, nullable=True),
        sa.Column("agreed_by_label", sa.String(length=400), nullable=True),
        sa.Column("scanned_until", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["organisation.id"],
            name=op.f("fk_commitment_facility_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
    )
    op.create_index(op.f("ix_commitment_facility_id"), "commitment", ["facility_id"])
    op.create_table(
        "excess_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("peak_value", sa.Numeric(12, 3), nullable=False),
        sa.Column("hours_over", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("detected_at", TS, nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("corrective_action", sa.Text(), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("replied_at", TS, nullable=True),
        sa.Column("replied_by_label", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_excess_event_commitment_id_commitment"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_excess_event_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_excess_event")),
    )
    op.create_index(op.f("ix_excess_event_commitment_id"), "excess_event", ["commitment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_excess_event_commitment_id"), table_name="excess_event")
    op.drop_table("excess_event")
    op.drop_index(op.f("ix_commitment_facility_id"), table_name="commitment")
    op.drop_table("commitment")
