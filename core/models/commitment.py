"""A party's commitment recorded as a rule dustwatch checks against the data, and the excess
events the data open against it, each with the operator's right of reply (the shape of a
US 40 CFR 60.7 excess-emission report: start, end, magnitude, cause, corrective action)."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, Numeric, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class CommitmentKind(enum.StrEnum):
    THRESHOLD = "threshold"
    """The parameter's mean stays at or below the value at every hour."""
    TIME_WINDOW = "time_window"
    """An activity only within local hours, checked as the threshold outside the window."""


class CommitmentAveraging(enum.StrEnum):
    HOURLY = "hourly"
    DAY = "24h"


class CommitmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    WITHDRAWN = "withdrawn"


class Commitment(Base):
    """One checkable promise of a facility about its own stations' data."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title_th: Mapped[str] = mapped_column(String(400))
    title_en: Mapped[str] = mapped_column(String(400))
    kind: Mapped[CommitmentKind] = mapped_column(_enum(CommitmentKind))
    station_ids: Mapped[list[int]] = mapped_column(JSON)
    parameter: Mapped[str] = mapped_column(String(16))
    averaging: Mapped[CommitmentAveraging] = mapped_column(_enum(CommitmentAveraging))
    limit_value: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    window_start: Mapped[time | None] = mapped_column(Time, nullable=True)
    """Local time from which the activity is allowed (time_window only)."""
    window_end: Mapped[time | None] = mapped_column(Time, nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[CommitmentStatus] = mapped_column(_enum(CommitmentStatus))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proposed_by_label: Mapped[str] = mapped_column(String(400))
    proposed_by_facility: Mapped[bool] = mapped_column(Boolean)
    """Proposed by the facility's operator (the backbone agrees) or by the backbone (the
    operator agrees): a commitment is agreed by the side that did not propose it."""
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    agreed_by_label: Mapped[str | None] = mapped_column(String(400), nullable=True)
    scanned_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """The hour up to which (exclusive) the data have been checked: scans resume here."""


class ExcessEvent(Base):
    """One contiguous breach of a commitment at one station, opened by the data."""

    __tablename__ = "excess_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """The first measured hour back within the commitment; None while ongoing."""
    peak_value: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    hours_over: Mapped[int] = mapped_column(Integer)
    data: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """The hours over the limit with their means: [{"hour": ISO, "value": "123.456"}]."""
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the scan opened it: the reply period runs from here."""
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrective_action: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    replied_by_label: Mapped[str | None] = mapped_column(String(400), nullable=True)
