"""Factories' periodic reports: the report as a record of its own (who sent which file for
which period), each measurement it carried, and the schedule that says when one is due.

The measurements are also stored as readings (source UPLOAD); the rows here keep what a
reading has no room for (method, the whole sampling period) and which report brought it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    Enum,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class ReportFrequency(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class FactoryReportSchedule(Base):
    """How often a facility reports and how many days after a period ends it is due."""

    __tablename__ = "factory_report_schedule"

    facility_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    frequency: Mapped[ReportFrequency] = mapped_column(
        Enum(
            ReportFrequency,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    due_days: Mapped[int] = mapped_column(Integer)
    first_period_start: Mapped[date] = mapped_column(Date)
    """The first day of the first period reported; every period follows from it."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FactoryReport(Base):
    """One accepted report. The file is kept as sent under the storage directory."""

    __tablename__ = "factory_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    file_name: Mapped[str] = mapped_column(String(80))
    """The stored name (random); never the name the operator's computer gave it."""
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("facility_id", "period_start"),)


class FactoryReportRow(Base):
    """One measurement of a report, as reported."""

    __tablename__ = "factory_report_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("factory_report.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    parameter_id: Mapped[int] = mapped_column(SmallInteger, ForeignKey("parameter.id"))
    sample_start: Mapped[datetime] = mapped_column(UTCDateTime)
    sample_end: Mapped[datetime] = mapped_column(UTCDateTime)
    value_milli: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(200))
