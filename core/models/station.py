"""Stations: who measures where, and whether their data is public."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    Float,
    Integer,
    String,
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
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[StationKind] = mapped_column(
        Enum(
            StationKind,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    owner_organisation: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    area: Mapped[str] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
