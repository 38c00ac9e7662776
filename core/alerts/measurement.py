"""Detectors of the measurement rules: a rolling hourly mean or NowCast over a threshold, a
NowCast AQI of the Thai scale in or above a band, a 24-hour mean over the Thai standard in
force, and a station silent for too long.

Each measures every station (of the rule's areas and station kind) and parameter it can
judge and says which figures hold (`Measured`), so that the engine records the figure that
shows an alert cleared and leaves alone a subject without enough data. Hourly figures are
those of complete clock hours: at 10:05 the last hour is 09:00–10:00, the NowCast's newest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.alerts.conditions import Condition
from core.alerts.engine import Detector, Measured
from core.indicators.averages import STANDARD_PARAMETERS, HourSum, load_24h_verdicts
from core.kit.time import floor_hour
from core.models import AlertKind, AlertRule, Averaging, HourlyAggregate, LatestReading, Station
from core.standards.aqi import compute_aqi
from core.standards.catalogue import thai_aqi_scale
from core.standards.nowcast import HOURS as NOWCAST_HOURS
from core.standards.nowcast import nowcast
from core.standards.parameters import BY_CODE, BY_ID, ParameterInfo

HOUR = timedelta(hours=1)
RUN_HOURS = 24
"""How far back a condition's start is looked for (for rules with a minimum duration)."""
NOWCAST_PARAMETERS = ("pm25", "pm10")


def station_subject(station_id: int, parameter: ParameterInfo) -> str:
    """The subject of a station's parameter; the migration that seeded the default rule
    gives the open alerts it adopted the same one."""
    return f"station:{station_id}:{parameter.code}"


def rule_stations(session: Session, rule: AlertRule) -> dict[int, Station]:
    """The stations a rule covers: of its areas (all when none) and station kind."""
    query = select(Station)
    if rule.areas:
        query = query.where(Station.area.in_(list(rule.areas)))
    if rule.station_kind:
        query = query.where(Station.kind == rule.station_kind)
    return {station.id: station for station in session.scalars(query)}


def rule_parameters(rule: AlertRule, applicable: Iterable[str]) -> list[ParameterInfo]:
    codes = [rule.parameter] if rule.parameter else list(applicable)
    return [BY_CODE[code] for code in codes if code in BY_CODE]


def _hour_means(
    session: Session,
    station_ids: Iterable[int],
    parameters: list[ParameterInfo],
    *,
    since: datetime,
    end: datetime,
) -> dict[tuple[int, int], dict[datetime, Decimal]]:
    rows = session.scalars(
        select(HourlyAggregate).where(
            HourlyAggregate.station_id.in_(list(station_ids)),
            HourlyAggregate.parameter_id.in_([p.id for p in parameters]),
            HourlyAggregate.hour >= since,
            HourlyAggregate.hour < end,
            HourlyAggregate.reading_count > 0,
        )
    )
    means: dict[tuple[int, int], dict[datetime, Decimal]] = defaultdict(dict)
    for row in rows:
        means[(row.station_id, row.parameter_id)][row.hour] = HourSum(
            row.hour, row.value_sum_milli, row.reading_count
        ).mean
    return means


def _nowcast_at(
    means: Mapping[datetime, Decimal], newest: datetime, parameter: ParameterInfo
) -> Decimal | None:
    hours = [means.get(newest - ago * HOUR) for ago in range(NOWCAST_HOURS)]
    # A negative mean (a sensor's offset below zero) is no concentration: a missing hour.
    usable = [mean if mean is not None and mean >= 0 else None for mean in hours]
    return nowcast(usable, parameter=parameter.code).value


def _figure_at(
    rule: AlertRule, means: Mapping[datetime, Decimal], newest: datetime, parameter: ParameterInfo
) -> Decimal | None:
    """The rule's figure for the hour starting `newest`: its mean, or the NowCast to it."""
    if rule.averaging == Averaging.NOWCAST.value:
        return _nowcast_at(means, newest, parameter)
    return means.get(newest)


def _started(figures_back: Iterable[tuple[datetime, bool]]) -> datetime | None:
    """The start of the run of hours, newest first, whose figure holds."""
    started = None
    for hour, holding in figures_back:
        if not holding:
            break
        started = hour
    return started


def _aqi_of(
    value: Decimal, parameter: ParameterInfo, *, on_day: datetime, zone: ZoneInfo
) -> tuple[int, int] | None:
    """(AQI, 1-based band) of a NowCast on the Thai scale in force that day."""
    scale = thai_aqi_scale(parameter.code, on=on_day.astimezone(zone).date())
    if scale is None:
        return None
    result = compute_aqi(scale, value)
    band = scale.bands.index(result.band) + 1
    return (result.index if result.index is not None else result.band.i_lo), band


def band_floor(
    parameter: ParameterInfo, band: int, *, on_day: datetime, zone: ZoneInfo
) -> int | None:
    scale = thai_aqi_scale(parameter.code, on=on_day.astimezone(zone).date())
    if scale is None or not 1 <= band <= len(scale.bands):
        return None
    return scale.bands[band - 1].i_lo


def _judged(
    rule: AlertRule,
    means: Mapping[datetime, Decimal],
    hour: datetime,
    parameter: ParameterInfo,
    zone: ZoneInfo,
) -> tuple[float, float] | None:
    """(figure, threshold) of the hour starting `hour`; None if it cannot be told."""
    if rule.kind is AlertKind.AQI_BAND:
        value = _nowcast_at(means, hour, parameter)
        if value is None or rule.aqi_band is None:
            return None
        found = _aqi_of(value, parameter, on_day=hour, zone=zone)
        floor = band_floor(parameter, rule.aqi_band, on_day=hour, zone=zone)
        if found is None or floor is None:
            return None
        return float(found[0]), float(floor)
    value = _figure_at(rule, means, hour, parameter)
    if value is None or rule.threshold is None:
        return None
    return float(value), rule.threshold


def measure_values(
    session: Session, rule: AlertRule, now: datetime, *, zone: ZoneInfo
) -> list[Condition]:
    """`value_over` and `aqi_band`: the hourly mean or NowCast (AQI) of every covered
    station's parameter for the last complete hour."""
    stations = rule_stations(session, rule)
    aqi = rule.kind is AlertKind.AQI_BAND
    applicable = NOWCAST_PARAMETERS if aqi else tuple(BY_CODE)
    parameters = rule_parameters(rule, applicable)
    if not stations or not parameters:
        return []
    newest = floor_hour(now) - HOUR
    since = newest - (RUN_HOURS + NOWCAST_HOURS) * HOUR
    means = _hour_means(session, stations, parameters, since=since, end=newest + HOUR)
    conditions = []
    for (station_id, parameter_id), by_hour in sorted(means.items()):
        parameter = BY_ID[parameter_id]
        station = stations[station_id]

        now_figure = _judged(rule, by_hour, newest, parameter, zone)
        if now_figure is None:
            continue
        run = []
        for back in range(RUN_HOURS):
            hour = newest - back * HOUR
            figure = _judged(rule, by_hour, hour, parameter, zone)
            run.append((hour, figure is not None and _holds_figure(rule, *figure)))
        started = _started(run)
        unit = "AQI" if aqi else parameter.unit
        conditions.append(
            Condition(
                subject=station_subject(station_id, parameter),
                area=station.area,
                value=now_figure[0],
                threshold=now_figure[1],
                unit=unit,
                started_at=started,
                station_id=station_id,
                parameter_id=parameter_id,
                details={"station": station.name},
            )
        )
    return conditions


def _holds_figure(rule: AlertRule, value: float, threshold: float) -> bool:
    """A value is over a threshold; an AQI is in a band at or above its lowest index."""
    if rule.kind is AlertKind.AQI_BAND:
        return value >= threshold
    return value > threshold


def _holds(rule: AlertRule, condition: Condition) -> bool:
    if condition.value is None or condition.threshold is None:
        return False
    return _holds_figure(rule, condition.value, condition.threshold)


def measure_24h(
    session: Session, rule: AlertRule, now: datetime, *, zone: ZoneInfo
) -> list[Condition]:
    """`exceedance_24h`: every valid 24-hour mean of the covered stations against the Thai
    standard in force (`core.indicators.averages`, as the public pages judge it)."""
    stations = rule_stations(session, rule)
    codes = [p.code for p in rule_parameters(rule, STANDARD_PARAMETERS)]
    codes = [code for code in codes if code in STANDARD_PARAMETERS]
    if not stations or not codes:
        return []
    verdicts = load_24h_verdicts(
        session, at=now, zone=zone, station_ids=list(stations), parameters=codes
    )
    conditions = []
    for (station_id, parameter_id), verdict in sorted(verdicts.items()):
        if verdict.over_standard is None or verdict.reported is None:
            continue  # too few hours, or no standard: neither opens nor resolves
        assert verdict.standard is not None
        parameter = BY_ID[parameter_id]
        station = stations[station_id]
        conditions.append(
            Condition(
                subject=station_subject(station_id, parameter),
                area=station.area,
                value=float(verdict.reported),
                threshold=float(verdict.standard.limit),
                unit=parameter.unit,
                started_at=verdict.average.end,
                station_id=station_id,
                parameter_id=parameter_id,
                details={
                    "station": station.name,
                    "standard_id": verdict.standard.id,
                    "over": int(verdict.over_standard),
                },
            )
        )
    return conditions


def _over_standard(rule: AlertRule, condition: Condition) -> bool:
    """The standard's own comparison (after reduction to the AQI scale's precision)."""
    return bool(condition.details.get("over"))


def measure_silence(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
    """`station_silent`: minutes since each covered station's last reading (of the rule's
    parameter, when it names one). A station that never sent anything is not counted: it
    has not gone silent, it has not started."""
    stations = rule_stations(session, rule)
    if not stations:
        return []
    query = (
        select(LatestReading.station_id, func.max(LatestReading.time))
        .where(LatestReading.station_id.in_(list(stations)))
        .group_by(LatestReading.station_id)
    )
    if rule.parameter and rule.parameter in BY_CODE:
        query = query.where(LatestReading.parameter_id == BY_CODE[rule.parameter].id)
    conditions = []
    for station_id, last in session.execute(query).all():
        station = stations[station_id]
        silent = max((now - last) / timedelta(minutes=1), 0.0)
        minutes = round(silent)
        conditions.append(
            Condition(
                subject=f"station:{station_id}:silent",
                area=station.area,
                value=float(minutes),
                threshold=float(rule.minutes or 0),
                unit="min",
                started_at=last,
                station_id=station_id,
                details={"station": station.name, "minutes": minutes},
            )
        )
    return conditions


def _silent_long_enough(rule: AlertRule, condition: Condition) -> bool:
    return (
        rule.minutes is not None and condition.value is not None and condition.value >= rule.minutes
    )


def measurement_detectors(zone: ZoneInfo) -> dict[str, Detector]:
    """The detectors of the four measurement kinds, for `evaluate_rules`."""
    return {
        AlertKind.VALUE_OVER.value: Measured(partial(measure_values, zone=zone), _holds),
        AlertKind.AQI_BAND.value: Measured(partial(measure_values, zone=zone), _holds),
        AlertKind.EXCEEDANCE_24H.value: Measured(partial(measure_24h, zone=zone), _over_standard),
        AlertKind.STATION_SILENT.value: Measured(measure_silence, _silent_long_enough),
    }
