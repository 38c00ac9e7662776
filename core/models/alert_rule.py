"""Alert rules: what the backbone unit wants to hear about, where, and how loudly."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, Float, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime
from core.models.alert import AlertKind
from core.models.delivery import Severity


class Averaging(enum.StrEnum):
    HOURLY = "hourly"
    """The mean of the last complete clock hour."""
    NOWCAST = "nowcast"
    """The US EPA NowCast of the last 12 hours (core/standards/nowcast.py)."""


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class AlertRule(Base):
    """One configurable rule; its alerts keep a reference to it, so a rule is disabled, never
    deleted. Settings a kind does not use stay NULL."""

    __tablename__ = "alert_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AlertKind] = mapped_column(
        Enum(AlertKind, native_enum=False, length=32, values_callable=_values)
    )
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    areas: Mapped[list[str]] = mapped_column(JSON)
    """Station or facility areas the rule covers; empty: every area."""
    station_kind: Mapped[str | None] = mapped_column(String(16))
    """volunteer, factory or reference; NULL: any kind of station."""
    parameter: Mapped[str | None] = mapped_column(String(16))
    """A parameter code (pm25, pm10, ...); NULL: every parameter the kind applies to."""
    threshold: Mapped[float | None] = mapped_column(Float)
    aqi_band: Mapped[int | None] = mapped_column(Integer)
    """1-based band of the Thai AQI scale (1 very good ... 5 unhealthy): at or above it."""
    minutes: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int | None] = mapped_column(Integer)
    radius_m: Mapped[int | None] = mapped_column(Integer)
    window_minutes: Mapped[int | None] = mapped_column(Integer)
    averaging: Mapped[str | None] = mapped_column(String(16))
    min_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    """A condition must have held this long (by its own start) before an alert opens."""
    clear_evaluations: Mapped[int | None] = mapped_column(Integer)
    """Overrides the deployment's hysteresis: checks in a row without the condition."""
    severity: Mapped[Severity] = mapped_column(
        Enum(Severity, native_enum=False, length=16, values_callable=_values)
    )
    title_th: Mapped[str] = mapped_column(String(400))
    title_en: Mapped[str] = mapped_column(String(400))
    message_th: Mapped[str] = mapped_column(String(2000))
    message_en: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(400))
