"""Readings, their hourly sums, the latest values, and what was rejected.

Reading rows are kept small on purpose (five years of a 200-sensor district is about 1.6
billion of them): integer station and parameter ids, the unit fixed per parameter, and the
value as an integer count of thousandths of that unit, which also makes sums and averages
exact decimals on every backend."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class ReadingSource(enum.IntEnum):
    """How a reading arrived; its lower-case name is a rejection's `source`."""

    MQTT = 1
    UPLOAD = 2
    MANUAL = 3
    HTTP = 4
    """Native JSON at POST /ingest/readings."""
    AIRROHR = 5
    """A Sensor.Community (airrohr) sensor's own firmware, at POST /ingest/airrohr…."""


class QualityFlag(enum.IntEnum):
    """Quality control's grade of a reading. RAW marks readings stored before quality control
    existed; every reading accepted since gets VALID, SUSPECT or INVALID (the rule that set a
    non-valid flag, and any review, is kept in `reading_quality`)."""

    RAW = 0
    VALID = 1
    SUSPECT = 2
    INVALID = 3


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
    corrected_milli: Mapped[int | None] = mapped_column(Integer)
    """The US EPA correction of a low-cost sensor's PM2.5, beside the raw value (never over
    it), once humidity for the same station and time is known; NULL otherwise (costs no
    space on PostgreSQL or SQLite)."""

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
    invalid_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    """Readings of the hour flagged invalid by quality control, left out of the sum and
    count; kept so indicators can say how many were left out without reading the readings."""


class DailyAggregate(Base):
    """One local day (in the zone recorded in `rollup_state`) of a station's parameter: the
    sum of its hourly means and how many hours had data.

    Kept by the ingest writer in the same transaction as the hourly rows it is made of, so a
    year's indicator reads 365 rows per station instead of 8,760 hourly ones.
    """

    __tablename__ = "daily_aggregate"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour_mean_sum_milli: Mapped[int] = mapped_column(BigInteger)
    """Sum of the day's hourly means (`hourly_mean_milli`), in thousandths of the unit."""
    hours_with_data: Mapped[int] = mapped_column(SmallInteger)
    invalid_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class RollupState(Base):
    """One row: the time zone the daily rollups were built in. Start-up rebuilds them when
    the deployment's zone setting differs (or the row is missing)."""

    __tablename__ = "rollup_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    time_zone: Mapped[str] = mapped_column(String(64))
    rebuilt_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LatestReading(Base):
    """The newest reading per station and parameter, for the public status page."""

    __tablename__ = "latest_reading"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    value_milli: Mapped[int] = mapped_column(Integer)
    run_length: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    """How many readings in a row, ending with this one, had this same value: quality
    control's stuck-value check reads it instead of the previous readings."""


class ReadingQuality(Base):
    """Why a reading is not simply valid: the quality-control rule that flagged it, and the
    backbone's review. One row per flagged or reviewed reading, so reading rows stay small."""

    __tablename__ = "reading_quality"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    time: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    flag: Mapped[int] = mapped_column(SmallInteger)
    """The reading's current flag (as `reading.quality_flag`), so lists need no join."""
    rule: Mapped[str] = mapped_column(String(32))
    """range, too_old, stuck, spike, humidity; `review` when set by hand only."""
    detail: Mapped[str] = mapped_column(String(300))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(400))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_reading_quality_flag_time", "flag", "time"),)


class ReadingConflict(Base):
    """A reading re-sent for a stored station, parameter and time with a different value:
    the stored value stays, the other is kept here for review, once per distinct value."""

    __tablename__ = "reading_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    parameter_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("parameter.id"))
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    stored_value_milli: Mapped[int] = mapped_column(Integer)
    new_value_milli: Mapped[int] = mapped_column(Integer)
    source: Mapped[int] = mapped_column(SmallInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("station_id", "parameter_id", "time", "new_value_milli"),)


class RejectedMessage(Base):
    """A message or one reading of it that was not accepted, kept with the reason.

    Kept once per `digest` (source, origin, station, payload, reason): the same refusal
    again counts in `times_seen` and moves `last_seen_at`, and a redelivery of one already
    kept (after a crash, or a retained message at every subscription) changes nothing.
    """

    __tablename__ = "rejected_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    """When it was first refused."""
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    times_seen: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of what makes two refusals the same; NULL on rows from before 0011."""
    source: Mapped[str] = mapped_column(String(16), server_default=text("'mqtt'"))
    """`ReadingSource` name in lower case: mqtt, http, airrohr, …"""
    topic: Mapped[str] = mapped_column(String(300))
    """Where it came from: the MQTT topic, or the HTTP method and path."""
    station_code: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class ReadingMetadata(Base):
    """What a device sent beside its readings that is not a reading (airrohr's `samples`,
    `signal`, `min_micro`, its software version …), once per station and time.

    Kept out of `reading` so reading rows stay small: the readings of one message share
    its station and time (the time of receipt, for airrohr), which is the key here.
    """

    __tablename__ = "reading_metadata"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    source: Mapped[int] = mapped_column(SmallInteger)
    values: Mapped[dict[str, str]] = mapped_column(JSON)
