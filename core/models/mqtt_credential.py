"""A station's MQTT password, as devices sign in to the broker with their station code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class MqttCredential(Base):
    """One per station: rotating replaces the hash, revoking keeps the row for the record.

    The password is shown once; only its hash is kept, in Mosquitto's own `$7$` format so
    the same text goes into Mosquitto's `password_file`.
    """

    __tablename__ = "mqtt_credential"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the current password was issued."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
