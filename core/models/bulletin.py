"""Bulletins: the backbone unit's daily and weekly account of an area's air, in Thai and
English, drafted from the indicators, reviewed by staff, then published and kept."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class BulletinKind(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class BulletinStatus(enum.StrEnum):
    """draft → approved → published; any of them may be withdrawn (then kept, not shown)."""

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Bulletin(Base):
    """One area's bulletin for one period; drafting the same period again finds this row."""

    __tablename__ = "bulletin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[str] = mapped_column(String(200))
    kind: Mapped[BulletinKind] = mapped_column(
        Enum(BulletinKind, native_enum=False, length=16, values_callable=_values)
    )
    period_start: Mapped[date] = mapped_column(Date)
    """The first local day covered."""
    period_end: Mapped[date] = mapped_column(Date)
    """The last local day covered (inclusive)."""
    status: Mapped[BulletinStatus] = mapped_column(
        Enum(BulletinStatus, native_enum=False, length=16, values_callable=_values)
    )
    title_th: Mapped[str] = mapped_column(String(400))
    title_en: Mapped[str] = mapped_column(String(400))
    body_th: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    """What the text says, as data (core.bulletins.schemas.BulletinFigures)."""
    chart_th: Mapped[bytes | None] = mapped_column(LargeBinary)
    """PNG of the last 7 days' daily means with Thai labels; None until rendered."""
    chart_en: Mapped[bytes | None] = mapped_column(LargeBinary)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_label: Mapped[str | None] = mapped_column(String(400))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_label: Mapped[str | None] = mapped_column(String(400))
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_label: Mapped[str | None] = mapped_column(String(400))
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_label: Mapped[str | None] = mapped_column(String(400))
    withdrawn_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (
        UniqueConstraint("area", "kind", "period_start"),
        Index("ix_bulletin_status_published_at", "status", "published_at"),
    )
