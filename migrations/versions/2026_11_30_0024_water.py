"""The water case's parameters: dissolved oxygen, BOD, pH and ammonia nitrogen.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the parameters added at this revision: ids are stored in readings.
WATER_PARAMETERS = [
    {"id": 21, "code": "do", "name": "Dissolved oxygen", "unit": "mg/L"},
    {"id": 22, "code": "bod", "name": "Biochemical oxygen demand (BOD5)", "unit": "mg/L"},
    {"id": 23, "code": "ph", "name": "pH", "unit": "pH"},
    {"id": 24, "code": "nh3n", "name": "Ammonia nitrogen (NH3-N)", "unit": "mg/L"},
]


def upgrade() -> None:
    parameter = sa.table(
        "parameter",
        sa.column("id", sa.SmallInteger()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("unit", sa.String()),
    )
    op.bulk_insert(parameter, WATER_PARAMETERS)


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM parameter WHERE id IN (21, 22, 23, 24)"),
    )
