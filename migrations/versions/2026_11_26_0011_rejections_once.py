"""Rejections kept once: a digest of what makes two refusals the same, how often it was
seen and when last, so a redelivered or retained message is not recorded twice.

Rows from before keep a NULL digest (NULLs never collide) and count as seen once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("rejected_message") as batch:
        batch.add_column(sa.Column("last_seen_at", TS, nullable=True))
        batch.add_column(
            sa.Column("times_seen", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    op.execute("UPDATE rejected_message SET last_seen_at = received_at")
    with op.batch_alter_table("rejected_message") as batch:
        batch.alter_column("last_seen_at", existing_type=TS, nullable=False)
        batch.create_unique_constraint(op.f("uq_rejected_message_digest"), ["digest"])
        batch.create_index(op.f("ix_rejected_message_last_seen_at"), ["last_seen_at"], unique=False)
        batch.create_index(op.f("ix_rejected_message_station_code"), ["station_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rejected_message") as batch:
        batch.drop_index(op.f("ix_rejected_message_station_code"))
        batch.drop_index(op.f("ix_rejected_message_last_seen_at"))
        batch.drop_constraint(op.f("uq_rejected_message_digest"), type_="unique")
        batch.drop_column("digest")
        batch.drop_column("times_seen")
        batch.drop_column("last_seen_at")
