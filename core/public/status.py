"""The public status: latest values, 24-hour averages against the Thai standards, AQI bands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE, StationScope
from core.indicators.averages import (
    JUDGED_PARAMETERS,
    Verdict,
    load_24h_verdicts,
    period_day,
)
from core.models import LatestReading, Station
from core.public.schemas import (
    AreaParameterStatus,
    AreaStatus,
    BandPublic,
    ParameterStatus,
    StationStatus,
    StatusPublic,
)
from core.standards.catalogue import (
    THAI_AQI,
    AqiBand,
    aqi_scales,
    standard_by_id,
    thai_aqi_scale,
    worse,
)
from core.standards.parameters import BY_ID, from_milli
from core.stations.service import get_station


def public_status(
    session: Session, *, now: datetime, zone: ZoneInfo, scope: StationScope = PUBLIC_SCOPE
) -> StatusPublic:
    """Every station of the scope (the public ones by default) with its latest readings and
    24-hour verdicts at `now`, and each village's worst; local times in `zone`."""
    stations = list(session.scalars(select(Station).where(scope.visible()).order_by(Station.code)))
    statuses = station_statuses(session, stations=stations, now=now, zone=zone)
    scale = thai_aqi_scale("pm25", on=now.astimezone(zone).date())
    return StatusPublic(
        generated_at=now,
        generated_at_local=now.astimezone(zone),
        time_zone=zone.key,
        scale=scale.id if scale else None,
        stations=statuses,
        areas=area_statuses(statuses, zone=zone),
    )


def station_status(
    session: Session, *, code: str, scope: StationScope, now: datetime, zone: ZoneInfo
) -> StationStatus:
    """One station as its page shows it; NotFound when unknown or hidden from the scope."""
    station = get_station(session, code=code, scope=scope)
    [status] = station_statuses(session, stations=[station], now=now, zone=zone)
    return status


def area_statuses(stations: Sequence[StationStatus], *, zone: ZoneInfo) -> list[AreaStatus]:
    """Each village once, by name: the band of its worst station and its newest reading, so
    that a village is never shown cleaner than its dirtiest sensor."""
    by_area: dict[str, list[StationStatus]] = defaultdict(list)
    for station in stations:
        by_area[station.area].append(station)
    areas = []
    for area, members in sorted(by_area.items()):
        judged = [s for s in members if s.band is not None]
        worst = max(judged, key=lambda s: (s.aqi is None, s.aqi or 0), default=None)
        times = [s.last_reading_time for s in members if s.last_reading_time is not None]
        last = max(times, default=None)
        areas.append(
            AreaStatus(
                area=area,
                aqi=worst.aqi if worst else None,
                band=worst.band if worst else None,
                worst_station=worst.code if worst else None,
                aqi_applies=any(s.aqi_applies for s in members),
                station_codes=[s.code for s in members],
                parameters=_area_parameters(members),
                last_reading_time=last,
                last_reading_time_local=last.astimezone(zone) if last else None,
            )
        )
    return areas


ParameterPair = tuple[StationStatus, ParameterStatus]


def _worst(pairs: list[ParameterPair]) -> ParameterPair:
    """The worst valid average under the parameter's standard (the highest under a maximum,
    the lowest under a minimum, the furthest from a range's middle); while none is valid, the
    one with the most hours so far."""
    valid = [pair for pair in pairs if pair[1].average_24h is not None]
    if not valid:
        return max(pairs, key=lambda pair: pair[1].average_24h_hours)
    standard = standard_by_id(valid[0][1].standard_id or "")
    if standard is None or standard.bound == "upper":
        return max(valid, key=lambda pair: pair[1].average_24h or 0.0)
    found = valid[0]
    for pair in valid[1:]:
        if worse(
            standard.bound,
            Fraction(str(pair[1].average_24h)),
            Fraction(str(found[1].average_24h)),
            standard.limit,
            standard.lower_limit,
        ):
            found = pair
    return found


def _area_parameters(stations: Sequence[StationStatus]) -> list[AreaParameterStatus]:
    """Per parameter with a Thai 24-hour standard, the station with the worst valid
    average; while none is valid, the one with the most hours so far."""
    measured: dict[str, list[ParameterPair]] = defaultdict(list)
    for station in stations:
        for parameter in station.parameters:
            if parameter.parameter in JUDGED_PARAMETERS:
                measured[parameter.parameter].append((station, parameter))
    result = []
    for code in JUDGED_PARAMETERS:
        if code not in measured:
            continue
        station, worst = _worst(measured[code])
        result.append(
            AreaParameterStatus(
                parameter=code,
                unit=worst.unit,
                average_24h=worst.average_24h,
                average_24h_hours=worst.average_24h_hours,
                station=station.code,
                standard_id=worst.standard_id,
                standard_limit=worst.standard_limit,
                standard_bound=worst.standard_bound,
                standard_lower_limit=worst.standard_lower_limit,
                over_standard=worst.over_standard,
            )
        )
    return result


def station_statuses(
    session: Session, *, stations: Sequence[Station], now: datetime, zone: ZoneInfo
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
    verdicts = load_24h_verdicts(
        session, at=now, zone=zone, station_ids=ids, parameters=JUDGED_PARAMETERS
    )
    return [_station_status(s, latest[s.id], verdicts, zone) for s in stations]


def _station_status(
    station: Station,
    latest: list[LatestReading],
    verdicts: dict[tuple[int, int], Verdict],
    zone: ZoneInfo,
) -> StationStatus:
    parameters = [
        _parameter_status(row, verdicts.get((station.id, row.parameter_id)), zone) for row in latest
    ]
    last = max((p.latest_time for p in parameters), default=None)
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
        aqi_applies=not parameters or any(_has_aqi(p.parameter) for p in parameters),
        last_reading_time=last,
        last_reading_time_local=last.astimezone(zone) if last else None,
        parameters=parameters,
    )


def _parameter_status(
    row: LatestReading, verdict: Verdict | None, zone: ZoneInfo
) -> ParameterStatus:
    info = BY_ID[row.parameter_id]
    average = verdict.average if verdict else None
    scale = (
        thai_aqi_scale(info.code, on=period_day(verdict.average.end, zone))
        if verdict and verdict.aqi
        else None
    )
    return ParameterStatus(
        parameter=info.code,
        unit=info.unit,
        latest_value=float(from_milli(row.value_milli)),
        latest_time=row.time,
        latest_time_local=row.time.astimezone(zone),
        average_24h=float(verdict.reported) if verdict and verdict.reported is not None else None,
        average_24h_hours=average.hours_with_data if average else 0,
        average_24h_completeness=float(average.completeness) if average else 0.0,
        window_start=average.start if average else None,
        window_end=average.end if average else None,
        window_start_local=average.start.astimezone(zone) if average else None,
        window_end_local=average.end.astimezone(zone) if average else None,
        standard_id=verdict.standard.id if verdict and verdict.standard else None,
        standard_limit=float(verdict.standard.limit) if verdict and verdict.standard else None,
        standard_bound=verdict.standard.bound if verdict and verdict.standard else None,
        standard_lower_limit=(
            float(verdict.standard.lower_limit)
            if verdict and verdict.standard and verdict.standard.lower_limit is not None
            else None
        ),
        over_standard=verdict.over_standard if verdict else None,
        scale_id=scale.id if scale else None,
        aqi=verdict.aqi.index if verdict and verdict.aqi else None,
        band=_band(verdict.aqi.band) if verdict and verdict.aqi else None,
    )


def _has_aqi(code: str) -> bool:
    """Whether any Thai AQI scale covers the parameter (PM, gases), whenever in force."""
    return any(scale.parameter == code and scale.family == THAI_AQI for scale in aqi_scales())


def _band(band: AqiBand) -> BandPublic:
    return BandPublic(
        label_en=band.label_en,
        label_th=band.label_th,
        color=band.color,
        advice_en=band.advice_en,
        advice_th=band.advice_th,
    )
