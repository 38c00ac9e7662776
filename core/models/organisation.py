"""Organisations: the stakeholder registry of the case, with their contacts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit.db import Base, UTCDateTime


class StakeholderGroup(enum.StrEnum):
    """The stakeholder groups of the Na Phra Lan case."""

    AFFECTED_COMMUNITY = "affected_community"
    OPERATOR = "operator"
    SUBDISTRICT_ADMINISTRATION = "subdistrict_administration"
    LOCAL_GOVERNMENT = "local_government"
    MINISTRY_OF_INDUSTRY = "ministry_of_industry"
    BACKBONE = "backbone"
    OTHER = "other"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), unique=True)
    stakeholder_group: Mapped[StakeholderGroup] = mapped_column(
        Enum(
            StakeholderGroup,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    areas: Mapped[list[str]] = mapped_column(JSON)
    """Villages or areas the organisation is responsible for."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contacts: Mapped[list[OrganisationContact]] = relationship(
        order_by="OrganisationContact.id", cascade="all, delete-orphan", lazy="selectin"
    )


class OrganisationContact(Base):
    __tablename__ = "organisation_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(320))
    line_id: Mapped[str | None] = mapped_column(String(100))
