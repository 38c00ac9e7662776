"""Shared targets of the common agenda: an indicator of the shared measurement over an area or
a station, a baseline computed from history, a target value by a deadline, milestones on the
way, the organisations that signed up, and every revision with its reason. Progress is never
stored: it is computed from the indicators each time it is read.

`DataCertification` is the backbone's statement that an area's data for a period were checked;
only certified days count towards a target's progress."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit.db import Base, UTCDateTime


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class TargetIndicator(enum.StrEnum):
    EXCEEDANCE_DAYS = "exceedance_days"
    """Valid days over the Thai standard of the parameter (the indicators' exceedances)."""
    PERIOD_MEAN = "period_mean"
    """Mean of the valid daily means."""
    VALID_SHARE = "valid_share"
    """Share of the period's days with a valid daily mean (0..1)."""


class TargetDirection(enum.StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


class TargetStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    REVISED = "revised"
    RETIRED = "retired"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=_values)


class Target(Base):
    __tablename__ = "target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    indicator: Mapped[TargetIndicator] = mapped_column(
        Enum(TargetIndicator, native_enum=False, length=32, values_callable=_values)
    )
    parameter: Mapped[str] = mapped_column(String(16))
    area: Mapped[str | None] = mapped_column(String(200), index=True)
    station_code: Mapped[str | None] = mapped_column(String(64))
    """One of area and station_code is set: the scope the indicator covers."""
    baseline_start: Mapped[date] = mapped_column(Date)
    baseline_end: Mapped[date] = mapped_column(Date)
    baseline_value: Mapped[float] = mapped_column(Float)
    """Computed from the data of the baseline period when the target is created or revised."""
    target_value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    direction: Mapped[TargetDirection] = mapped_column(_enum(TargetDirection))
    status: Mapped[TargetStatus] = mapped_column(_enum(TargetStatus), index=True)
    proposed_by: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    milestones: Mapped[list[TargetMilestone]] = relationship(
        cascade="all, delete-orphan", order_by="TargetMilestone.due"
    )
    signatories: Mapped[list[TargetSignatory]] = relationship(
        cascade="all, delete-orphan", order_by="TargetSignatory.signed_on"
    )
    revisions: Mapped[list[TargetRevision]] = relationship(
        cascade="all, delete-orphan", order_by="TargetRevision.id"
    )


class TargetMilestone(Base):
    """A point of the path from the baseline to the target: the value due by a date."""

    __tablename__ = "target_milestone"
    __table_args__ = (UniqueConstraint("target_id", "due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    due: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)


class TargetSignatory(Base):
    """An organisation that agreed to the target, with the day and who signed for it."""

    __tablename__ = "target_signatory"
    __table_args__ = (UniqueConstraint("target_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(400))


class TargetRevision(Base):
    """A change of an agreed target, kept with its reason and what it changed."""

    __tablename__ = "target_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)


class DataCertification(Base):
    """The backbone checked an area's data over local days period_start..period_end."""

    __tablename__ = "data_certification"
    __table_args__ = (UniqueConstraint("area", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[str] = mapped_column(String(200), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    certified_by: Mapped[str] = mapped_column(String(400))
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime)
