"""The CAP 1.2 messages published about public alerts: each document kept as it was sent."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class CapStep(enum.StrEnum):
    """Which step of an alert a message tells; the CAP `msgType` follows from it."""

    OPENED = "opened"
    """msgType Alert."""
    SEVERITY_RAISED = "severity_raised"
    """msgType Update: the 24-hour average went into a higher severity."""
    CLEARED = "cleared"
    """msgType Update with responseType AllClear: the data show the air has cleared."""
    WITHDRAWN = "withdrawn"
    """msgType Cancel: closed by hand, without data that show it cleared."""

    @property
    def msg_type(self) -> str:
        if self is CapStep.OPENED:
            return "Alert"
        if self is CapStep.WITHDRAWN:
            return "Cancel"
        return "Update"

    @property
    def final(self) -> bool:
        return self in (CapStep.CLEARED, CapStep.WITHDRAWN)


class CapMessage(Base):
    """One CAP document about one alert, never changed once stored.

    Identifiers must never be reused and later messages cite earlier ones by `sender`,
    `identifier` and `sent` exactly as written, so all three are kept as strings and the
    document itself is stored rather than rebuilt (a renamed station must not change it).
    """

    __tablename__ = "cap_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    """1 for the alert's first message, then 2, 3, …: unique per alert."""
    step: Mapped[CapStep] = mapped_column(
        Enum(CapStep, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    identifier: Mapped[str] = mapped_column(String(200), unique=True)
    sender: Mapped[str] = mapped_column(String(200))
    sent: Mapped[str] = mapped_column(String(25))
    """As written in the document: local time with its offset, whole seconds."""
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    severity: Mapped[str] = mapped_column(String(16))
    """The alert's severity when sent (moderate, high, very_high): a later rise is an Update."""
    headline_en: Mapped[str] = mapped_column(String(400))
    """The English headline: the Atom index's entry title."""
    document: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("alert_id", "sequence"),)
