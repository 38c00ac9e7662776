"""Bulletins: an area's daily and weekly bulletin in Thai and English with its charts, who
approved and published it; subscriptions that receive bulletins, and outbox messages that
carry one.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _user_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_bulletin_{column}_user_account")
    )


def upgrade() -> None:
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title_th", sa.String(length=400), nullable=False),
        sa.Column("title_en", sa.String(length=400), nullable=False),
        sa.Column("body_th", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("chart_th", sa.LargeBinary(), nullable=True),
        sa.Column("chart_en", sa.LargeBinary(), nullable=True),
        sa.Column("drafted_at", TS, nullable=False),
        sa.Column("edited_at", TS, nullable=True),
        sa.Column("edited_by_label", sa.String(length=400), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("approved_by_label", sa.String(length=400), nullable=True),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("published_by_label", sa.String(length=400), nullable=True),
        sa.Column("published_by_user_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", TS, nullable=True),
        sa.Column("withdrawn_by_label", sa.String(length=400), nullable=True),
        sa.Column("withdrawn_by_user_id", sa.Integer(), nullable=True),
        _user_fk("approved_by_user_id"),
        _user_fk("published_by_user_id"),
        _user_fk("withdrawn_by_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin")),
        sa.UniqueConstraint(
            "area", "kind", "period_start", name=op.f("uq_bulletin_area_kind_period_start")
        ),
    )
    op.create_index(
        "ix_bulletin_status_published_at", "bulletin", ["status", "published_at"], unique=False
    )
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(
            sa.Column("receives", sa.String(length=16), server_default="alerts", nullable=False)
        )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("bulletin_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_outbox_message_bulletin_id_bulletin"), "bulletin", ["bulletin_id"], ["id"]
        )
        batch.create_index(op.f("ix_outbox_message_bulletin_id"), ["bulletin_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_index(op.f("ix_outbox_message_bulletin_id"))
        batch.drop_constraint(op.f("fk_outbox_message_bulletin_id_bulletin"), type_="foreignkey")
        batch.drop_column("bulletin_id")
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("receives")
    op.drop_index("ix_bulletin_status_published_at", table_name="bulletin")
    op.drop_table("bulletin")
