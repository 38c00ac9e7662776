"""The public CAP 1.2 feed: each CAP message published about a public alert, kept as sent.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cap_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("sent", sa.String(length=25), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("headline_en", sa.String(length=400), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_cap_message_alert_id_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cap_message")),
        sa.UniqueConstraint("alert_id", "sequence", name=op.f("uq_cap_message_alert_id_sequence")),
        sa.UniqueConstraint("identifier", name=op.f("uq_cap_message_identifier")),
    )
    op.create_index(op.f("ix_cap_message_alert_id"), "cap_message", ["alert_id"])
    op.create_index(op.f("ix_cap_message_sent_at"), "cap_message", ["sent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cap_message_sent_at"), table_name="cap_message")
    op.drop_index(op.f("ix_cap_message_alert_id"), table_name="cap_message")
    op.drop_table("cap_message")
