"""SQLAlchemy models: the single description of the schema that migrations are checked against.

Reading rows are kept small on purpose (five years of a 200-sensor district is about 1.6
billion of them): integer station and parameter ids, the unit fixed per parameter, and the
value as an integer count of thousandths of that unit, which also makes sums and averages
exact decimals on every backend.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class StationKind(enum.StrEnum):
    VOLUNTEER = "volunteer"
    FACTORY = "factory"
    REFERENCE = "reference"


class ReadingSource(enum.IntEnum):
    MQTT = 1
    UPLOAD = 2
    MANUAL = 3


class QualityFlag(enum.IntEnum):
    """Review state of a reading; new readings are raw until the backbone reviews them."""

    RAW = 0
    VALID = 1
    SUSPECT = 2
    INVALID = 3


class AlertKind(enum.StrEnum):
    EXCEEDANCE_24H = "exceedance_24h"


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


class Parameter(Base):
    """What a reading measures; rows are fixed by the migrations, ids never reused."""

    __tablename__ = "parameter"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(16))


class Reading(Base):
    """One accepted measurement; (station, parameter, time) makes it unique, so re-delivery is
    harmless. Column order puts the 8-byte fields first to avoid alignment padding."""

    __tablename__ = "reading"

    time: Mapped[datetime] = mapped_column(UTCDateTime)
    value_milli: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    parameter_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("parameter.id"))
    quality_flag: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    source: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (
        # Led by station and parameter, the way every query reads it; time is in the key
        # because a TimescaleDB hypertable requires it.
        PrimaryKeyConstraint("station_id", "parameter_id", "time"),
    )


class HourlyAggregate(Base):
    """Exact running sum and count of the readings in one clock hour [hour, hour + 1 h).

    Kept by the ingest writer in the same transaction as the readings it counts, so that
    24-hour averages read 24 rows instead of every reading.
    """

    __tablename__ = "hourly_aggregate"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    value_sum_milli: Mapped[int] = mapped_column(BigInteger)
    reading_count: Mapped[int] = mapped_column(Integer)


class LatestReading(Base):
    """The newest reading per station and parameter, for the public status page."""

    __tablename__ = "latest_reading"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    value_milli: Mapped[int] = mapped_column(Integer)


class RejectedMessage(Base):
    """A message or one reading of it that was not accepted, kept with the reason."""

    __tablename__ = "rejected_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    topic: Mapped[str] = mapped_column(String(300))
    station_code: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class Alert(Base):
    """A breach of a standard at one station; at most one open per station, parameter, kind."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    parameter_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("parameter.id"))
    kind: Mapped[AlertKind] = mapped_column(
        Enum(
            AlertKind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        )
    )
    standard_id: Mapped[str] = mapped_column(String(64))
    limit_milli: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opening_average_milli: Mapped[int] = mapped_column(Integer)
    peak_average_milli: Mapped[int] = mapped_column(Integer)
    latest_average_milli: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "uq_alert_open",
            "station_id",
            "parameter_id",
            "kind",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        Index("ix_alert_opened_at", "opened_at"),
    )
