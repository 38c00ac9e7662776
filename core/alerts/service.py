"""Alerts on breaches of the Thai 24-hour standards: opened once, kept up to date, resolved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access.principal import system_principal
from core.access.scope import StationScope
from core.alerts.schemas import AlertPublic, severity_of
from core.audit import record_change
from core.indicators.averages import Verdict, load_24h_verdicts
from core.models import Alert, AlertKind, Station
from core.outbox.service import enqueue_alert_opened, enqueue_alert_resolved
from core.standards.parameters import BY_ID, from_milli, to_milli


@dataclass
class AlertRun:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    reevaluated_hours: int = 0
    """Hours touched by late readings taken from `pending_evaluation` by this run."""


@dataclass(frozen=True)
class Hysteresis:
    """When an open alert counts as cleared: so that a value flapping around the limit keeps
    one alert open instead of opening and resolving one every hour."""

    clear_evaluations: int = 3
    """Evaluations in a row with the average under the limit."""
    clear_margin: float = 0.1
    """Or at once, under limit × (1 − margin)."""

    def cleared(self, *, average_milli: int, limit_milli: int, streak: int) -> bool:
        well_under = average_milli < limit_milli * (1 - self.clear_margin)
        return well_under or streak >= self.clear_evaluations


def evaluate_24h_exceedances(
    session: Session, *, now: datetime, zone: ZoneInfo, hysteresis: Hysteresis | None = None
) -> AlertRun:
    """Open, update or resolve one alert per station and parameter over its 24-hour standard.

    Idempotent: running it again for the same `now` changes nothing. An average that is not
    valid (fewer than 18 hours of data) neither opens nor resolves an alert. An open alert
    resolves once `hysteresis` says the average has cleared. Flushes only.
    """
    hysteresis = hysteresis or Hysteresis()
    run = AlertRun()
    verdicts = load_24h_verdicts(session, at=now, zone=zone)
    open_alerts = {
        (a.station_id, a.parameter_id): a
        for a in session.scalars(
            select(Alert).where(Alert.resolved_at.is_(None), Alert.kind == AlertKind.EXCEEDANCE_24H)
        )
    }
    for key, verdict in sorted(verdicts.items()):
        alert = open_alerts.get(key)
        if verdict.over_standard is None or verdict.reported is None:
            continue
        average_milli = to_milli(verdict.reported)
        if verdict.over_standard and alert is None:
            opened = _open_alert(session, key, verdict, average_milli, now, zone)
            if opened is not None:
                run.opened.append(opened.id)
        elif verdict.over_standard and alert is not None:
            alert.latest_average_milli = average_milli
            alert.peak_average_milli = max(alert.peak_average_milli, average_milli)
            alert.updated_at = now
            alert.clear_streak = 0
            run.updated.append(alert.id)
        elif alert is not None:
            if alert.updated_at == now:
                continue  # already judged at this moment: idempotent
            alert.latest_average_milli = average_milli
            alert.updated_at = now
            alert.clear_streak += 1
            if hysteresis.cleared(
                average_milli=average_milli,
                limit_milli=alert.limit_milli,
                streak=alert.clear_streak,
            ):
                resolve_automatically(
                    session, alert, average_milli=average_milli, now=now, zone=zone
                )
                run.resolved.append(alert.id)
            else:
                run.updated.append(alert.id)
    session.flush()
    return run


AUTOMATIC = system_principal("dustwatch alert check")


def resolve_automatically(
    session: Session, alert: Alert, *, average_milli: int, now: datetime, zone: ZoneInfo
) -> None:
    """The condition cleared: say so, with the average that shows it, in the audit log and
    to everyone who was told of the alert."""
    alert.resolved_at = now
    alert.resolution = "automatic"
    alert.resolved_average_milli = average_milli
    record_change(
        session,
        actor=AUTOMATIC,
        action="alert.resolve",
        entity="alert",
        entity_id=alert.public_id,
        before={"status": "open"},
        after={
            "status": "resolved",
            "resolution": "automatic",
            "average": str(from_milli(average_milli)),
            "limit": str(from_milli(alert.limit_milli)),
        },
    )
    enqueue_alert_resolved(session, alert, zone=zone, now=now)


def _open_alert(
    session: Session,
    key: tuple[int, int],
    verdict: Verdict,
    average_milli: int,
    now: datetime,
    zone: ZoneInfo,
) -> Alert | None:
    """The alert and the messages that tell its subscribers, in one transaction."""
    assert verdict.standard is not None
    alert = Alert(
        station_id=key[0],
        parameter_id=key[1],
        kind=AlertKind.EXCEEDANCE_24H,
        standard_id=verdict.standard.id,
        limit_milli=to_milli(verdict.standard.limit),
        opened_at=now,
        opening_average_milli=average_milli,
        peak_average_milli=average_milli,
        latest_average_milli=average_milli,
        updated_at=now,
        detected_at=now,
        arrived_late=False,
    )
    try:
        with session.begin_nested():
            session.add(alert)
            session.flush()
    except IntegrityError:
        return None  # another replica opened it first; the unique index keeps one
    enqueue_alert_opened(session, alert, zone=zone)
    return alert


def list_alerts(
    session: Session,
    *,
    status: Literal["open", "resolved"] | None,
    scope: StationScope,
    areas: Sequence[str] | None = None,
    limit: int = 200,
) -> list[AlertPublic]:
    """Newest first, of the stations the scope may see (and in `areas`, when given)."""
    query = select(Alert, Station).join(Station, Station.id == Alert.station_id)
    if status == "open":
        query = query.where(Alert.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(Alert.resolved_at.is_not(None))
    query = query.where(scope.visible())
    if areas is not None:
        query = query.where(Station.area.in_(list(areas)))
    query = query.order_by(Alert.opened_at.desc(), Alert.id.desc()).limit(limit)
    return [alert_out(alert, station) for alert, station in session.execute(query)]


def alert_out(alert: Alert, station: Station) -> AlertPublic:
    parameter = BY_ID[alert.parameter_id]
    return AlertPublic(
        id=alert.public_id,
        status="open" if alert.resolved_at is None else "resolved",
        kind=alert.kind.value,
        station_code=station.code,
        station_name=station.name,
        area=station.area,
        parameter=parameter.code,
        unit=parameter.unit,
        standard_id=alert.standard_id,
        limit=float(from_milli(alert.limit_milli)),
        opening_average=float(from_milli(alert.opening_average_milli)),
        peak_average=float(from_milli(alert.peak_average_milli)),
        latest_average=float(from_milli(alert.latest_average_milli)),
        opened_at=alert.opened_at,
        updated_at=alert.updated_at,
        resolved_at=alert.resolved_at,
        detected_at=alert.detected_at,
        arrived_late=alert.arrived_late,
        severity=severity_of(peak_milli=alert.peak_average_milli, limit_milli=alert.limit_milli),
        acknowledged_at=alert.acknowledged_at,
    )
