"""Alert lifecycle: acknowledged (by whom, when, a note), resolved automatically or by hand
(by whom, why, the average that showed it cleared), a streak of evaluations under the limit
for hysteresis, and the responses recorded against each alert.

Alerts resolved before this revision were resolved automatically.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(
            sa.Column("clear_streak", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("acknowledged_at", TS, nullable=True))
        batch.add_column(sa.Column("acknowledged_by_label", sa.String(400), nullable=True))
        batch.add_column(sa.Column("acknowledged_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("acknowledgement_note", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(16), nullable=True))
        batch.add_column(sa.Column("resolved_by_label", sa.String(400), nullable=True))
        batch.add_column(sa.Column("resolved_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("resolution_reason", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("resolved_average_milli", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_alert_acknowledged_by_user_id_user_account"),
            "user_account",
            ["acknowledged_by_user_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_alert_resolved_by_user_id_user_account"),
            "user_account",
            ["resolved_by_user_id"],
            ["id"],
        )
    op.execute(
        "UPDATE alert SET resolution = 'automatic', resolved_average_milli = latest_average_milli "
        "WHERE resolved_at IS NOT NULL"
    )
    op.create_table(
        "alert_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_label", sa.String(400), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_response_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_alert_response_actor_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_response")),
    )
    op.create_index(
        op.f("ix_alert_response_alert_id"), "alert_response", ["alert_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_response_alert_id"), table_name="alert_response")
    op.drop_table("alert_response")
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint(op.f("fk_alert_resolved_by_user_id_user_account"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_alert_acknowledged_by_user_id_user_account"), type_="foreignkey"
        )
        for column in (
            "resolved_average_milli",
            "resolution_reason",
            "resolved_by_user_id",
            "resolved_by_label",
            "resolution",
            "acknowledgement_note",
            "acknowledged_by_user_id",
            "acknowledged_by_label",
            "acknowledged_at",
            "clear_streak",
        ):
            batch.drop_column(column)
