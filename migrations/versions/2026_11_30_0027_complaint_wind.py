"""The wind measured near a complaint when it happened, kept with its evidence, and the
sector of an incident's first complaint, to group complaints downwind of one source.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("wind_from_degrees", sa.Float(), nullable=True))
        batch.add_column(sa.Column("wind_speed", sa.Float(), nullable=True))
    with op.batch_alter_table("complaint_incident") as batch:
        batch.add_column(sa.Column("wind_sector", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint_incident") as batch:
        batch.drop_column("wind_sector")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("wind_speed")
        batch.drop_column("wind_from_degrees")
