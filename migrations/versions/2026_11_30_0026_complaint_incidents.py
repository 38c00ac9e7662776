"""Complaints grouped into incidents (the same event), and the fix they were closed with:
when it was fixed (the measured change counts from it) and when the reporter was asked
whether it is still fixed.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
STATUSES = (
    "open",
    "confirmed",
    "investigating",
    "in_progress",
    "action_scheduled",
    "fixed",
    "unable_to_fix",
    "not_responsible",
    "duplicate",
    "referred",
)


def upgrade() -> None:
    op.create_table(
        "complaint_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="complaintstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("village", sa.String(length=200), nullable=True),
        sa.Column("peak_station", sa.String(length=64), nullable=True),
        sa.Column("complaint_count", sa.Integer(), nullable=False),
        sa.Column("fixed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_incident")),
        sa.UniqueConstraint("public_id", name=op.f("uq_complaint_incident_public_id")),
    )
    op.create_index(op.f("ix_complaint_incident_status"), "complaint_incident", ["status"])
    op.create_index(op.f("ix_complaint_incident_started_at"), "complaint_incident", ["started_at"])
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("fixed_at", TS, nullable=True))
        batch.add_column(sa.Column("follow_up_asked_at", TS, nullable=True))
        batch.create_foreign_key(
            op.f("fk_complaint_incident_id_complaint_incident"),
            "complaint_incident",
            ["incident_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_complaint_incident_id"), ["incident_id"])


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_index(op.f("ix_complaint_incident_id"))
        batch.drop_constraint(
            op.f("fk_complaint_incident_id_complaint_incident"), type_="foreignkey"
        )
        batch.drop_column("follow_up_asked_at")
        batch.drop_column("fixed_at")
        batch.drop_column("incident_id")
    op.drop_index(op.f("ix_complaint_incident_started_at"), table_name="complaint_incident")
    op.drop_index(op.f("ix_complaint_incident_status"), table_name="complaint_incident")
    op.drop_table("complaint_incident")
