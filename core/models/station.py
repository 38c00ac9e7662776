"""Stations: who measures where, and whether their data is public."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class StationKind(enum.StrEnum):
    VOLUNTEER = "volunteer"
    FACTORY = "factory"
    REFERENCE = "reference"


class Station(Base):
    __tablename__ = "station"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    """Kept as registered (it is the MQTT topic); unique regardless of case."""
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[StationKind] = mapped_column(
        Enum(
            StationKind,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    area: Mapped[str] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    airrohr_chip_id: Mapped[str | None] = mapped_column(String(32))
    """A Sensor.Community (airrohr) sensor's chip id as its firmware sends it (`esp8266id` in
    the body, `X-Sensor: esp8266-<chip id>` or `esp32-<chip id>`); one station per chip."""

    __table_args__ = (
        Index("uq_station_lower_code", func.lower(code), unique=True),
        Index("uq_station_airrohr_chip_id", airrohr_chip_id, unique=True),
    )


class StationKeeper(Base):
    """A volunteer who looks after a station and may maintain it."""

    __tablename__ = "station_keeper"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
