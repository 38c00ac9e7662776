"""Ingest from every source: where a rejection came from, airrohr chip ids on stations,
per-message metadata beside readings, and the air pressure parameter.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

# Frozen copy of the parameter added at this revision: ids are stored in readings.
PRESSURE = {"id": 10, "code": "pressure", "name": "Air pressure", "unit": "hPa"}


def upgrade() -> None:
    with op.batch_alter_table("rejected_message") as batch:
        batch.add_column(
            sa.Column(
                "source", sa.String(length=16), server_default=sa.text("'mqtt'"), nullable=False
            )
        )
    # Not a batch on station: rebuilding it on SQLite would lose its expression index.
    op.add_column("station", sa.Column("airrohr_chip_id", sa.String(length=32), nullable=True))
    op.create_index("uq_station_airrohr_chip_id", "station", ["airrohr_chip_id"], unique=True)
    op.create_table(
        "reading_metadata",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("time", TS, nullable=False),
        sa.Column("source", sa.SmallInteger(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_reading_metadata_station_id_station")
        ),
        sa.PrimaryKeyConstraint("station_id", "time", name=op.f("pk_reading_metadata")),
    )
    parameter = sa.table(
        "parameter",
        sa.column("id", sa.SmallInteger()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("unit", sa.String()),
    )
    op.bulk_insert(parameter, [PRESSURE])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM parameter WHERE id = :id").bindparams(id=PRESSURE["id"]))
    op.drop_table("reading_metadata")
    op.drop_index("uq_station_airrohr_chip_id", table_name="station")
    with op.batch_alter_table("station", recreate="never") as batch:
        batch.drop_column("airrohr_chip_id")
    with op.batch_alter_table("rejected_message") as batch:
        batch.drop_column("source")
