"""MQTT credentials of stations: a device signs in to the broker with its station code.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A table of its own: the station table is left alone (a batch alter on SQLite would
    # drop its expression index on lower(code)).
    op.create_table(
        "mqtt_credential",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_mqtt_credential_station_id_station")
        ),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_mqtt_credential")),
    )


def downgrade() -> None:
    op.drop_table("mqtt_credential")
