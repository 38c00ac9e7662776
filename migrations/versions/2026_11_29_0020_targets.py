"""Shared targets: the target, its milestones, signatories and revisions, and the backbone's
certification of an area's data for a period.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_th", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("station_code", sa.String(length=64), nullable=True),
        sa.Column("baseline_start", sa.Date(), nullable=False),
        sa.Column("baseline_end", sa.Date(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=400), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
    )
    op.create_index(op.f("ix_target_area"), "target", ["area"])
    op.create_index(op.f("ix_target_status"), "target", ["status"])
    op.create_table(
        "target_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["target.id"],
            name=op.f("fk_target_milestone_target_id_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_milestone")),
        sa.UniqueConstraint("target_id", "due", name=op.f("uq_target_milestone_target_id_due")),
    )
    op.create_table(
        "target_signatory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_by", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_target_signatory_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["target.id"],
            name=op.f("fk_target_signatory_target_id_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_signatory")),
        sa.UniqueConstraint(
            "target_id",
            "organisation_id",
            name=op.f("uq_target_signatory_target_id_organisation_id"),
        ),
    )
    op.create_table(
        "target_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("by", sa.String(length=400), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["target.id"],
            name=op.f("fk_target_revision_target_id_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_revision")),
    )
    op.create_index(op.f("ix_target_revision_target_id"), "target_revision", ["target_id"])
    op.create_table(
        "data_certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("certified_by", sa.String(length=400), nullable=False),
        sa.Column("certified_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_certification")),
        sa.UniqueConstraint(
            "area",
            "period_start",
            "period_end",
            name=op.f("uq_data_certification_area_period_start_period_end"),
        ),
    )
    op.create_index(op.f("ix_data_certification_area"), "data_certification", ["area"])


def downgrade() -> None:
    op.drop_table("data_certification")
    op.drop_table("target_revision")
    op.drop_table("target_signatory")
    op.drop_table("target_milestone")
    op.drop_table("target")
