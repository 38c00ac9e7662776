"""The forum's continuous communication: working groups by issue and place, meetings of the
joint forum (no working group) and of each group, and the decisions taken at them with who is
responsible and by when. Everything here is public except people's contact details, which
these tables never hold (organisations keep theirs).

A target belongs to at most one working group: `WorkingGroupTarget` is keyed by the target,
so the rule holds in the schema without touching the target table."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit.db import Base, UTCDateTime


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"


class DecisionStatus(enum.StrEnum):
    TAKEN = "taken"
    SUPERSEDED = "superseded"


class WorkingGroup(Base):
    """Organisations working on one issue in one place (haul roads, quarry blasting, kilns,
    health), and the targets they look after."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_th: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list[WorkingGroupMember]] = relationship(
        cascade="all, delete-orphan", order_by="WorkingGroupMember.joined_on"
    )
    targets: Mapped[list[WorkingGroupTarget]] = relationship(
        cascade="all, delete-orphan", order_by="WorkingGroupTarget.target_id"
    )


class WorkingGroupMember(Base):
    __tablename__ = "working_group_member"
    __table_args__ = (UniqueConstraint("working_group_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    joined_on: Mapped[date] = mapped_column(Date)


class WorkingGroupTarget(Base):
    """Keyed by the target: a target is grouped by at most one working group."""

    __tablename__ = "working_group_target"

    target_id: Mapped[int] = mapped_column(
        ForeignKey("target.id", ondelete="CASCADE"), primary_key=True
    )
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )


class Meeting(Base):
    """A meeting of the joint forum (no working group) or of one working group."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id"), nullable=True, index=True
    )
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300))
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus))
    minutes: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The minutes as written, in the language the meeting was held in."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    participants: Mapped[list[MeetingParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingParticipant.organisation_id"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    documents: Mapped[list[MeetingDocument]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingDocument.id"
    )


class MeetingParticipant(Base):
    """An organisation present (or, while planned, invited)."""

    __tablename__ = "meeting_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))


class AgendaItem(Base):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text_th: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))
    proposed_by_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True
    )
    """The member organisation that asked for the item; None when the backbone set it."""


class MeetingDocument(Base):
    """A link to a document of the meeting (invitation, slides, signed minutes)."""

    __tablename__ = "meeting_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))


class Decision(Base):
    """What a meeting decided, who is responsible and by when. A later decision may
    supersede it; it is never deleted."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    text_th: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    responsible_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[DecisionStatus] = mapped_column(_enum(DecisionStatus))
    superseded_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(400))

    targets: Mapped[list[DecisionTarget]] = relationship(
        cascade="all, delete-orphan", order_by="DecisionTarget.target_id"
    )


class DecisionTarget(Base):
    __tablename__ = "decision_target"

    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("target.id", ondelete="CASCADE"), primary_key=True, index=True
    )
