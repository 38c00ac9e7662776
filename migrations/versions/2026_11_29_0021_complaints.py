"""Complaints from villagers, with their lifecycle of updates and the readings attached as
evidence when they were made.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
KINDS = ("dust", "smell", "noise", "truck", "burning", "health", "other")
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


def _status(column: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Enum(*STATUSES, name="complaintstatus", native_enum=False, length=32),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="complaintkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("village", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("note_public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=True),
        sa.Column("photo_file", sa.String(length=80), nullable=True),
        sa.Column("photo_type", sa.String(length=32), nullable=True),
        sa.Column("photo_bytes", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _status("status", nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user_account.id"], name=op.f("fk_complaint_reporter_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_complaint_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("public_id", name=op.f("uq_complaint_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_complaint_token_hash")),
    )
    op.create_index(op.f("ix_complaint_observed_at"), "complaint", ["observed_at"])
    op.create_index(op.f("ix_complaint_reporter_id"), "complaint", ["reporter_id"])
    op.create_index(op.f("ix_complaint_status"), "complaint", ["status"])
    op.create_index(op.f("ix_complaint_organisation_id"), "complaint", ["organisation_id"])
    op.create_table(
        "complaint_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        _status("status_before", nullable=True),
        _status("status", nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_complaint_update_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_complaint_update_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_complaint_update_author_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_update")),
    )
    op.create_index(op.f("ix_complaint_update_complaint_id"), "complaint_update", ["complaint_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_update_complaint_id"), table_name="complaint_update")
    op.drop_table("complaint_update")
    op.drop_index(op.f("ix_complaint_organisation_id"), table_name="complaint")
    op.drop_index(op.f("ix_complaint_status"), table_name="complaint")
    op.drop_index(op.f("ix_complaint_reporter_id"), table_name="complaint")
    op.drop_index(op.f("ix_complaint_observed_at"), table_name="complaint")
    op.drop_table("complaint")
