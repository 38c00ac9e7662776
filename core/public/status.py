"""The public status: latest values, 24-hour averages against the Thai standards, AQI bands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE, StationScope
from core.indicators.averages import Verdict, load_24h_verdicts
from core.models import LatestReading, Station
from core.public.schemas import BandPublic, ParameterStatus, StationStatus, StatusPublic
from core.standards.catalogue import AqiBand
from core.standards.parameters import BY_ID, from_milli
from core.stations.service import get_station


def public_status(
    session: Session, *, now: datetime, scope: StationScope = PUBLIC_SCOPE
) -> StatusPublic:
    """Every station of the scope (the public ones by default) with its latest readings and
    24-hour verdicts at `now`."""
    stations = list(session.scalars(select(Station).where(scope.visible()).order_by(Station.code)))
    return StatusPublic(
        generated_at=now, stations=station_statuses(session, stations=stations, now=now)
    )


def station_status(
    session: Session, *, code: str, scope: StationScope, now: datetime
) -> StationStatus:
    """One station as its page shows it; NotFound when unknown or hidden from the scope."""
    station = get_station(session, code=code, scope=scope)
    [status] = station_statuses(session, stations=[station], now=now)
    return status


def station_statuses(
    session: Session, *, stations: Sequence[Station], now: datetime
) -> list[StationStatus]:
    """These stations, in the order given, with their latest readings and 24-hour verdicts;
    the caller has already decided that they may be seen."""
    ids = [s.id for s in stations]
    latest: dict[int, list[LatestReading]] = defaultdict(list)
    for row in session.scalars(
        select(LatestReading)
        .where(LatestReading.station_id.in_(ids))
        .order_by(LatestReading.parameter_id)
    ):
        latest[row.station_id].append(row)
    verdicts = load_24h_verdicts(session, at=now, station_ids=ids)
    return [_station_status(s, latest[s.id], verdicts) for s in stations]


def _station_status(
    station: Station, latest: list[LatestReading], verdicts: dict[tuple[int, int], Verdict]
) -> StationStatus:
    parameters = [
        _parameter_status(row, verdicts.get((station.id, row.parameter_id))) for row in latest
    ]
    judged = [p for p in parameters if p.band is not None]
    worst = max(judged, key=lambda p: (p.aqi is None, p.aqi or 0), default=None)
    return StationStatus(
        code=station.code,
        name=station.name,
        kind=station.kind.value,
        area=station.area,
        latitude=station.latitude,
        longitude=station.longitude,
        aqi=worst.aqi if worst else None,
        band=worst.band if worst else None,
        parameters=parameters,
    )


def _parameter_status(row: LatestReading, verdict: Verdict | None) -> ParameterStatus:
    info = BY_ID[row.parameter_id]
    average = verdict.average if verdict else None
    return ParameterStatus(
        parameter=info.code,
        unit=info.unit,
        latest_value=float(from_milli(row.value_milli)),
        latest_time=row.time,
        average_24h=float(verdict.reported) if verdict and verdict.reported is not None else None,
        average_24h_hours=average.hours_with_data if average else 0,
        average_24h_completeness=float(average.completeness) if average else 0.0,
        window_start=average.start if average else None,
        window_end=average.end if average else None,
        standard_id=verdict.standard.id if verdict and verdict.standard else None,
        standard_limit=float(verdict.standard.limit) if verdict and verdict.standard else None,
        over_standard=verdict.over_standard if verdict else None,
        aqi=verdict.aqi.index if verdict and verdict.aqi else None,
        band=_band(verdict.aqi.band) if verdict and verdict.aqi else None,
    )


def _band(band: AqiBand) -> BandPublic:
    return BandPublic(
        label_en=band.label_en,
        label_th=band.label_th,
        color=band.color,
        advice_en=band.advice_en,
        advice_th=band.advice_th,
    )
