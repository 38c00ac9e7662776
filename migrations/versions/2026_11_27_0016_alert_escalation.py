"""Alert escalation and the rest of an alert's messages: subscriptions get a level (1 when an
alert opens, 2 and 3 when it escalates unacknowledged), alerts their escalation level and one
row per level they escalated to, and outbox messages the event they tell (opened, escalated,
resolved) with the message a resolution follows.

Existing subscriptions are level 1, existing messages told an alert's opening.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(
            sa.Column("level", sa.SmallInteger(), server_default=sa.text("1"), nullable=False)
        )
    with op.batch_alter_table("alert") as batch:
        batch.add_column(
            sa.Column(
                "escalation_level", sa.SmallInteger(), server_default=sa.text("1"), nullable=False
            )
        )
        batch.add_column(sa.Column("escalated_at", TS, nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(
            sa.Column(
                "event", sa.String(length=16), server_default=sa.text("'opened'"), nullable=False
            )
        )
        batch.add_column(sa.Column("in_reply_to", sa.String(length=36), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_outbox_message_in_reply_to_event"), ["in_reply_to", "event"]
        )
    op.create_table(
        "alert_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_escalation_alert_id_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_escalation")),
        sa.UniqueConstraint("alert_id", "level", name=op.f("uq_alert_escalation_alert_id_level")),
    )


def downgrade() -> None:
    op.drop_table("alert_escalation")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint(op.f("uq_outbox_message_in_reply_to_event"), type_="unique")
        batch.drop_column("in_reply_to")
        batch.drop_column("event")
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("escalated_at")
        batch.drop_column("escalation_level")
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("level")
