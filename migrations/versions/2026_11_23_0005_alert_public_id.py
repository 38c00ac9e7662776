"""Alerts get a random public identifier, so that gaps in ids reveal no private alert.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    alert = sa.table("alert", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    connection = op.get_bind()
    for (alert_id,) in connection.execute(sa.select(alert.c.id)).all():
        connection.execute(
            alert.update().where(alert.c.id == alert_id).values(public_id=secrets.token_urlsafe(12))
        )
    with op.batch_alter_table("alert") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(op.f("uq_alert_public_id"), ["public_id"])


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint(op.f("uq_alert_public_id"), type_="unique")
        batch.drop_column("public_id")
