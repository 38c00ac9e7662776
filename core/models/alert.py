"""Alerts: breaches of a standard, one open per station, parameter and kind."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class AlertKind(enum.StrEnum):
    EXCEEDANCE_24H = "exceedance_24h"


def new_public_id() -> str:
    """16 url-safe random characters (96 bits): says nothing about other alerts."""
    return secrets.token_urlsafe(12)


def _detected_when_opened(context: DefaultExecutionContext) -> datetime:
    """Unless told otherwise, an alert was detected when it opened."""
    # SQLAlchemy leaves this method without annotations.
    parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
    opened_at: datetime = parameters["opened_at"]
    return opened_at


class Alert(Base):
    """A breach of a standard at one station; at most one open per station, parameter, kind."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the API shows instead of `id`: gaps in a sequence would reveal private alerts.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
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
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_detected_when_opened)
    """When dustwatch learnt of the breach; later than `opened_at` when readings came late."""
    arrived_late: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    """Its start was found in readings that arrived after their hour: opened for the past."""

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
