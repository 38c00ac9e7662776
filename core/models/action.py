"""Mutually reinforcing activities: what an organisation does towards shared targets (road
watering, truck covers, ...), with its schedule, status, place, evidence and progress notes.

Its effect is never typed in: the measured change before and after its start is computed from
the stations its place names each time it is read (core/actions/change.py)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit.db import Base, UTCDateTime


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class ActionKind(enum.StrEnum):
    ROAD_WATERING = "road_watering"
    TRUCK_COVERS = "truck_covers"
    TREE_BUFFER = "tree_buffer"
    WHEEL_WASHING = "wheel_washing"
    SENSOR_UPKEEP = "sensor_upkeep"
    HEALTH_OUTREACH = "health_outreach"
    OTHER = "other"


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


FINISHED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})
"""An action in one of these is never overdue."""


class Action(Base):
    __tablename__ = "action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    """The owner: its members edit the action."""
    responsible: Mapped[str] = mapped_column(String(200))
    """Who answers for it, in words (a person or a post)."""
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus), index=True)
    parameter: Mapped[str] = mapped_column(String(16))
    """What the measured change is computed on (the first target's parameter unless told)."""
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    radius_km: Mapped[float | None] = mapped_column(Float, nullable=True)
    station_codes: Mapped[list[str]] = mapped_column(JSON)
    """Stations named outright; with the public stations within radius_km of the point they
    are the stations the measured change uses."""
    decision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The forum decision this action carries out, when it came from one."""
    created_by: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    targets: Mapped[list[ActionTarget]] = relationship(
        cascade="all, delete-orphan", order_by="ActionTarget.target_id"
    )
    notes: Mapped[list[ActionNote]] = relationship(
        cascade="all, delete-orphan", order_by="ActionNote.id"
    )
    evidence: Mapped[list[ActionEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="ActionEvidence.id"
    )


class ActionTarget(Base):
    """A target the action serves."""

    __tablename__ = "action_target"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True, index=True)


class ActionNote(Base):
    """A dated progress note and who wrote it."""

    __tablename__ = "action_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActionEvidence(Base):
    """A link or a photo that shows the action being done."""

    __tablename__ = "action_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    photo_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    """The stored photo's random name (core/reports/photos.py), when it is a photo."""
    photo_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    added_by: Mapped[str] = mapped_column(String(400))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
