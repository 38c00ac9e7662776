"""Alerts on breaches of the Thai 24-hour standards: opened once, kept up to date, resolved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true
from sqlalchemy.orm import Session

from core.access.scope import StationScope
from core.alerts.engine import (
    AUTOMATIC,
    AlertRun,
    Hysteresis,
    evaluate_rules,
    resolve_automatically,
)
from core.alerts.measurement import measurement_detectors
from core.alerts.schemas import AlertPublic, Severity, severity_of
from core.models import Alert, AlertKind, Station
from core.outbox.messages import alert_severity
from core.standards.parameters import BY_ID, from_milli

__all__ = [
    "AUTOMATIC",
    "AlertRun",
    "Hysteresis",
    "alert_out",
    "alert_visible",
    "evaluate_24h_exceedances",
    "list_alerts",
    "resolve_automatically",
]


def evaluate_24h_exceedances(
    session: Session, *, now: datetime, zone: ZoneInfo, hysteresis: Hysteresis | None = None
) -> AlertRun:
    """The rules of kind `exceedance_24h` alone (the default one opens one alert per station
    and parameter over its 24-hour standard): `evaluate_rules` with the measurement detectors.

    Idempotent: running it again for the same `now` changes nothing. An average that is not
    valid (fewer than 18 hours of data) neither opens nor resolves an alert. An open alert
    resolves once `hysteresis` says the average has cleared. Flushes only.
    """
    return evaluate_rules(
        session,
        now=now,
        zone=zone,
        detectors=measurement_detectors(zone),
        hysteresis=hysteresis,
        kinds=frozenset({AlertKind.EXCEEDANCE_24H}),
    )


def alert_visible(scope: StationScope) -> ColumnElement[bool]:
    """Who sees which alert: one of a station follows the station's visibility; a
    facility's (a late or breaching report) its own organisation and staff; an area's (a
    cluster of observations, a backlog) staff only. Staff see every station already."""
    if scope.all_private:
        return true()
    conditions = [and_(Alert.station_id.is_not(None), scope.visible())]
    if scope.organisation_id is not None:
        conditions.append(
            and_(Alert.station_id.is_(None), Alert.facility_id == scope.organisation_id)
        )
    return or_(*conditions)


def alert_area() -> ColumnElement[str]:
    """The area an alert concerns: its own, else its station's (alerts before rules)."""
    return func.coalesce(Alert.area, Station.area)


def severity_is(severity: Severity) -> ColumnElement[bool]:
    """`severity_of` as a condition on the alert table, so a list can be filtered by it."""
    very_high = Alert.peak_average_milli >= 2 * Alert.limit_milli
    high = 2 * Alert.peak_average_milli >= 3 * Alert.limit_milli
    if severity == "very_high":
        return very_high
    if severity == "high":
        return and_(high, not_(very_high))
    return not_(high)


def list_alerts(
    session: Session,
    *,
    status: Literal["open", "resolved"] | None,
    scope: StationScope,
    areas: Sequence[str] | None = None,
    severity: Severity | None = None,
    limit: int = 200,
) -> list[AlertPublic]:
    """Newest first, of what the scope may see (and in `areas`, and of `severity`, when
    given)."""
    query = select(Alert, Station).outerjoin(Station, Station.id == Alert.station_id)
    if status == "open":
        query = query.where(Alert.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(Alert.resolved_at.is_not(None))
    query = query.where(alert_visible(scope))
    if areas is not None:
        query = query.where(alert_area().in_(list(areas)))
    if severity is not None:
        query = query.where(severity_is(severity))
    query = query.order_by(Alert.opened_at.desc(), Alert.id.desc()).limit(limit)
    return [alert_out(alert, station) for alert, station in session.execute(query)]


def _figure(milli: int | None) -> float | None:
    return None if milli is None else float(from_milli(milli))


def alert_out(alert: Alert, station: Station | None) -> AlertPublic:
    parameter = BY_ID[alert.parameter_id] if alert.parameter_id is not None else None
    severity = (
        severity_of(peak_milli=alert.peak_average_milli, limit_milli=alert.limit_milli)
        if alert.peak_average_milli is not None and alert.limit_milli
        else "moderate"
    )
    return AlertPublic(
        id=alert.public_id,
        status="open" if alert.resolved_at is None else "resolved",
        kind=alert.kind.value,
        station_code=station.code if station is not None else None,
        station_name=station.name if station is not None else None,
        area=alert.area or (station.area if station is not None else ""),
        parameter=parameter.code if parameter is not None else None,
        unit=parameter.unit if parameter is not None else None,
        standard_id=alert.standard_id,
        limit=_figure(alert.limit_milli),
        opening_average=_figure(alert.opening_average_milli),
        peak_average=_figure(alert.peak_average_milli),
        latest_average=_figure(alert.latest_average_milli),
        opened_at=alert.opened_at,
        updated_at=alert.updated_at,
        resolved_at=alert.resolved_at,
        detected_at=alert.detected_at,
        arrived_late=alert.arrived_late,
        severity=severity,
        level=alert_severity(alert),
        rule_id=alert.rule_id,
        title_th=alert.title_th,
        title_en=alert.title_en,
        text_th=alert.text_th,
        text_en=alert.text_en,
        acknowledged_at=alert.acknowledged_at,
    )
