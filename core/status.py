"""The public status: latest values, 24-hour averages against the Thai standards, AQI bands."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.indicators import Verdict, load_24h_verdicts
from core.models import LatestReading, Station
from core.parameters import BY_ID, from_milli
from core.standards import AqiBand


class BandOut(BaseModel):
    label_en: str
    label_th: str | None
    color: str
    advice_en: str | None
    advice_th: str | None


class ParameterStatus(BaseModel):
    parameter: str
    unit: str
    latest_value: float
    latest_time: datetime
    average_24h: float | None
    """Mean of hourly means over [window_start, window_end), at the AQI scale's precision."""
    average_24h_hours: int
    average_24h_completeness: float
    window_start: datetime | None
    window_end: datetime | None
    standard_id: str | None
    standard_limit: float | None
    over_standard: bool | None
    aqi: int | None
    band: BandOut | None


class StationStatus(BaseModel):
    code: str
    name: str
    kind: str
    area: str
    latitude: float
    longitude: float
    aqi: int | None
    band: BandOut | None
    parameters: list[ParameterStatus]


class StatusOut(BaseModel):
    generated_at: datetime
    stations: list[StationStatus]


def public_status(session: Session, *, now: datetime) -> StatusOut:
    """Every public station with its latest readings and 24-hour verdicts at `now`."""
    stations = list(
        session.scalars(select(Station).where(Station.public.is_(True)).order_by(Station.code))
    )
    ids = [s.id for s in stations]
    latest: dict[int, list[LatestReading]] = defaultdict(list)
    for row in session.scalars(
        select(LatestReading)
        .where(LatestReading.station_id.in_(ids))
        .order_by(LatestReading.parameter_id)
    ):
        latest[row.station_id].append(row)
    verdicts = load_24h_verdicts(session, at=now, station_ids=ids)
    return StatusOut(
        generated_at=now,
        stations=[_station_status(s, latest[s.id], verdicts) for s in stations],
    )


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


def _band(band: AqiBand) -> BandOut:
    return BandOut(
        label_en=band.label_en,
        label_th=band.label_th,
        color=band.color,
        advice_en=band.advice_en,
        advice_th=band.advice_th,
    )
