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
    UniqueConstraint,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime
from core.models.delivery import Severity


class AlertKind(enum.StrEnum):
    """What a rule looks at, and so what its alerts are about; each kind has a detector
    (core/alerts/measurement.py, core/alerts/detectors/) finding the conditions holding now."""

    VALUE_OVER = "value_over"
    AQI_BAND = "aqi_band"
    EXCEEDANCE_24H = "exceedance_24h"
    STATION_SILENT = "station_silent"
    REPORT_LATE = "report_late"
    REPORT_BREACH = "report_breach"
    OBSERVATION_CLUSTER = "observation_cluster"
    BACKLOG = "backlog"


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
    """A condition one rule found, for one subject (a station's parameter, a facility's report,
    an area's cluster); at most one open per rule and subject, updated in place while it holds.

    Alerts from before rules (rule_id NULL) keep the older key: one open per station,
    parameter and kind. The *_average_milli columns hold the rule's figure (an average, an
    AQI, minutes, a count) in thousandths, `limit_milli` the threshold it is compared with."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the API shows instead of `id`: gaps in a sequence would reveal private alerts.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rule.id"))
    subject: Mapped[str | None] = mapped_column(String(200))
    """The condition's stable key (core/alerts/conditions.py), unique among a rule's open alerts."""
    area: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[Severity | None] = mapped_column(
        Enum(Severity, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    """The rule's severity when it opened; NULL for alerts from before rules."""
    station_id: Mapped[int | None] = mapped_column(ForeignKey("station.id"))
    parameter_id: Mapped[int | None] = mapped_column(SmallInteger, ForeignKey("parameter.id"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    """The facility (organisation) a report alert is about: its operators see it."""
    kind: Mapped[AlertKind] = mapped_column(
        Enum(
            AlertKind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        )
    )
    standard_id: Mapped[str | None] = mapped_column(String(64))
    limit_milli: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opening_average_milli: Mapped[int | None] = mapped_column(Integer)
    peak_average_milli: Mapped[int | None] = mapped_column(Integer)
    latest_average_milli: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_detected_when_opened)
    """When dustwatch learnt of the breach; later than `opened_at` when readings came late."""
    arrived_late: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    """Its start was found in readings that arrived after their hour: opened for the past."""
    clear_streak: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    """Consecutive evaluations with the average under the limit while still open: hysteresis."""
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_label: Mapped[str | None] = mapped_column(String(400))
    acknowledged_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledgement_note: Mapped[str | None] = mapped_column(String(2000))
    resolution: Mapped[str | None] = mapped_column(String(16))
    """"automatic" (the condition cleared) or "by_hand"; None while open."""
    resolved_by_label: Mapped[str | None] = mapped_column(String(400))
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution_reason: Mapped[str | None] = mapped_column(String(2000))
    resolved_average_milli: Mapped[int | None] = mapped_column(Integer)
    """The 24-hour average that showed the condition had cleared (automatic resolution)."""
    title_th: Mapped[str | None] = mapped_column(String(400))
    title_en: Mapped[str | None] = mapped_column(String(400))
    text_th: Mapped[str | None] = mapped_column(String(2000))
    text_en: Mapped[str | None] = mapped_column(String(2000))
    """Rendered from the rule's templates when it opened and at each update."""
    escalation_level: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    """The level of recipients told so far: 1 when it opens, higher each time it escalates
    unacknowledged (see `AlertEscalation`)."""
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it last escalated; the next level is due a set time after this."""

    __table_args__ = (
        Index(
            "uq_alert_open",
            "station_id",
            "parameter_id",
            "kind",
            unique=True,
            postgresql_where=text("resolved_at IS NULL AND rule_id IS NULL"),
            sqlite_where=text("resolved_at IS NULL AND rule_id IS NULL"),
        ),
        Index(
            "uq_alert_rule_open",
            "rule_id",
            "subject",
            unique=True,
            postgresql_where=text("resolved_at IS NULL AND rule_id IS NOT NULL"),
            sqlite_where=text("resolved_at IS NULL AND rule_id IS NOT NULL"),
        ),
        Index("ix_alert_opened_at", "opened_at"),
    )


class AlertEscalation(Base):
    """An alert not acknowledged in time was told to the next level of recipients: one row per
    alert and level, so that no level is told twice."""

    __tablename__ = "alert_escalation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"))
    level: Mapped[int] = mapped_column(SmallInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    messages: Mapped[int] = mapped_column(Integer)
    """How many messages went to that level's recipients (none: nobody subscribed to it)."""

    __table_args__ = (UniqueConstraint("alert_id", "level"),)


class AlertResponse(Base):
    """One thing someone did about an alert ("water truck sent to road 3"): appended, kept."""

    __tablename__ = "alert_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_label: Mapped[str] = mapped_column(String(400))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(2000))
