"""What volunteers see and report without a value: visible dust, an uncovered truck, burning.

Kept apart from readings on purpose: an observation has no value to average, and must never
enter an indicator or a rollup as if it were a measurement."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class ObservationKind(enum.StrEnum):
    VISIBLE_DUST = "visible_dust"
    UNCOVERED_TRUCK = "uncovered_truck"
    BURNING = "burning"
    STRONG_SMELL = "strong_smell"
    OTHER = "other"


class Observation(Base):
    """One report from a person; the photo, if any, is a file under the storage directory
    named by `photo_file` (random, never the name the phone sent)."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ObservationKind] = mapped_column(
        Enum(
            ObservationKind,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    village: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(1000))
    photo_file: Mapped[str | None] = mapped_column(String(80))
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo_bytes: Mapped[int | None] = mapped_column(Integer)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
