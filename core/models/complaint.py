"""Complaints from villagers: what anyone experienced, followed from submission to resolution.

Kept apart from volunteers' observations: a complaint comes from anyone (signed in or not),
has a lifecycle (Open311/FixMyStreet statuses) and is routed to the organisation that can act.
Contact details are stored for the backbone only and never shown to the public."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class ComplaintKind(enum.StrEnum):
    DUST = "dust"
    SMELL = "smell"
    NOISE = "noise"
    TRUCK = "truck"
    BURNING = "burning"
    HEALTH = "health"
    OTHER = "other"


class ComplaintStatus(enum.StrEnum):
    """FixMyStreet's states; the last five close a complaint (Open311 `closed`)."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    INVESTIGATING = "investigating"
    IN_PROGRESS = "in_progress"
    ACTION_SCHEDULED = "action_scheduled"
    FIXED = "fixed"
    UNABLE_TO_FIX = "unable_to_fix"
    NOT_RESPONSIBLE = "not_responsible"
    DUPLICATE = "duplicate"
    REFERRED = "referred"

    @property
    def closed(self) -> bool:
        return self in CLOSED_STATUSES


CLOSED_STATUSES = frozenset(
    {
        ComplaintStatus.FIXED,
        ComplaintStatus.UNABLE_TO_FIX,
        ComplaintStatus.NOT_RESPONSIBLE,
        ComplaintStatus.DUPLICATE,
        ComplaintStatus.REFERRED,
    }
)


def new_complaint_id() -> str:
    """Random, so that complaint numbers say nothing about how many there are."""
    return secrets.token_urlsafe(9)


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_complaint_id)
    kind: Mapped[ComplaintKind] = mapped_column(_enum(ComplaintKind))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    village: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(2000))
    note_public: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """The backbone shows the note to the public only once it has read it for names."""
    facility: Mapped[str | None] = mapped_column(String(200))
    """A facility the reporter names as the cause, in their words."""
    photo_file: Mapped[str | None] = mapped_column(String(80))
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo_bytes: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the reporter's private link token; the token itself is shown once."""
    status: Mapped[ComplaintStatus] = mapped_column(_enum(ComplaintStatus), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    """The organisation the complaint is assigned to: the one that can act on its cause."""
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    wind_from_degrees: Mapped[float | None] = mapped_column(Float)
    """The hour's vector-mean wind direction near the place (where wind is measured)."""
    wind_speed: Mapped[float | None] = mapped_column(Float)
    """The nearest stations' values when the complaint was made, frozen at submission."""
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint_incident.id", ondelete="SET NULL"), index=True
    )
    """The event this complaint belongs to, with the others made at the same time and place."""
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it was last closed as fixed: the measured change and the follow-up count from it."""
    follow_up_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the reporter was asked whether it is still fixed (once per fix)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ComplaintIncident(Base):
    """One event several people complained about: complaints close in time and place, or
    during the same measured peak at the station nearest to them."""

    __tablename__ = "complaint_incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_complaint_id)
    status: Mapped[ComplaintStatus] = mapped_column(_enum(ComplaintStatus), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    """The earliest observed time of its complaints."""
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The latest observed time of its complaints."""
    latitude: Mapped[float | None] = mapped_column(Float)
    """Centre: the mean of its complaints' points (None when none gave a point)."""
    longitude: Mapped[float | None] = mapped_column(Float)
    village: Mapped[str | None] = mapped_column(String(200))
    peak_station: Mapped[str | None] = mapped_column(String(64))
    wind_sector: Mapped[str | None] = mapped_column(String(2))
    """Where the wind came from, the first measured among its complaints (for "downwind of
    the same source")."""
    """The station whose measured peak the complaints share, if any."""
    complaint_count: Mapped[int] = mapped_column(Integer)
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ComplaintUpdate(Base):
    """One step of a complaint: a status change, a hand-off, a note, or the reporter's reply."""

    __tablename__ = "complaint_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    status_before: Mapped[ComplaintStatus | None] = mapped_column(_enum(ComplaintStatus))
    status: Mapped[ComplaintStatus] = mapped_column(_enum(ComplaintStatus))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    """The organisation assigned after this step."""
    note: Mapped[str] = mapped_column(String(2000))
    public: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Whether the public view shows the note (the reporter sees every note)."""
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
