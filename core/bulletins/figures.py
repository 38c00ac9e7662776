"""A bulletin's figures, from the indicators (core.indicators): nothing is averaged here.

Only public stations count: a bulletin is published to everyone, and a factory's private
fence-line data is not. A station is "down" on a local day when none of its parameters has
a valid daily mean that day (fewer than 18 hours with data), the rule of every indicator.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE
from core.bulletins.schemas import (
    AlertFigure,
    BandFigure,
    BulletinFigures,
    ChartFigure,
    ChartSeries,
    ParameterFigure,
    StationDown,
    StationFigure,
    TargetProgress,
)
from core.indicators.averages import MIN_VALID_HOURS
from core.indicators.daily import daily_means, daily_rows, hours_in_day
from core.indicators.service import choose_series, compute_indicators, unit_factor
from core.kit.errors import InvalidInput
from core.models import Alert, BulletinKind, Station
from core.standards.parameters import BY_ID, PARAMETERS, ParameterInfo, from_milli
from core.targets.service import agreed_targets_of_area

CHART_PARAMETERS = ("pm25", "pm10")
CHART_DAYS = 7
WEEK_DAYS = 7


def period_ended(now: datetime, zone: ZoneInfo, kind: BulletinKind) -> tuple[date, date]:
    """The local days (first, last) of the period that ended when `now`'s local day began:
    yesterday, or the seven days up to yesterday."""
    last = now.astimezone(zone).date() - timedelta(days=1)
    if kind is BulletinKind.DAILY:
        return last, last
    return last - timedelta(days=WEEK_DAYS - 1), last


def public_areas(session: Session) -> list[str]:
    """Areas with at least one public station: those a bulletin can speak of."""
    return list(
        session.scalars(
            select(Station.area).where(PUBLIC_SCOPE.visible()).distinct().order_by(Station.area)
        )
    )


def _stations(session: Session, area: str) -> list[Station]:
    return list(
        session.scalars(
            select(Station)
            .where(PUBLIC_SCOPE.visible(), Station.area == area)
            .order_by(Station.code)
        )
    )


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _judged_parameters() -> list[ParameterInfo]:
    """Parameters with a Thai standard: the ones a bulletin measures against one."""
    judged = []
    for info in PARAMETERS:
        try:
            choose_series(info, None)
        except InvalidInput:
            continue
        judged.append(info)
    return judged


def _parameter_figure(
    session: Session,
    info: ParameterInfo,
    area: str,
    start: date,
    end: date,
    zone: ZoneInfo,
    names: dict[str, str],
) -> ParameterFigure | None:
    result = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        parameter=info.code,
        start=start,
        end=end,
        zone=zone,
        area=area,
    )
    if result.completeness.hours_with_data == 0:
        return None
    in_force = next(
        (
            v
            for v in result.standards
            if (v.effective_from is None or v.effective_from <= end)
            and (v.effective_to is None or end <= v.effective_to)
        ),
        None,
    )
    return ParameterFigure(
        parameter=info.code,
        unit=info.unit,
        standard_id=in_force.id if in_force else None,
        standard_period=result.standard_period,
        limit=in_force.limit_in_parameter_unit if in_force else None,
        valid_days=result.valid_days.valid_days,
        days_in_period=result.valid_days.days_in_period,
        exceedance_days=result.exceedances.days,
        worst_value=result.worst_day.value,
        worst_day=result.worst_day.day,
        worst_station=result.worst_day.station_code,
        period_mean=result.period_mean.value,
        aqi_bands=[
            BandFigure(label_th=b.label_th, label_en=b.label_en, color=b.color, days=b.days)
            for b in result.aqi_bands.bands
        ],
        stations=[
            StationFigure(
                station_code=s.station_code,
                station_name=names[s.station_code],
                valid_days=s.valid_days,
                exceedance_days=s.exceedance_days,
                mean=s.mean,
                worst_value=s.worst_value,
                worst_day=s.worst_day,
                completeness=s.completeness,
            )
            for s in result.stations
        ],
    )


def _stations_down(
    session: Session, stations: list[Station], start: date, end: date, zone: ZoneInfo
) -> list[StationDown]:
    """Per station, the days without a valid daily mean of any parameter."""
    ids = [s.id for s in stations]
    best_hours: dict[tuple[int, date], int] = defaultdict(int)
    hours_by_parameter: dict[tuple[int, int], int] = defaultdict(int)
    for info in PARAMETERS:
        for station_id, day, _total, hours in daily_rows(
            session,
            station_ids=ids,
            parameter_id=info.id,
            start=start,
            end=end + timedelta(days=1),
            zone=zone,
        ):
            best_hours[(station_id, day)] = max(best_hours[(station_id, day)], hours)
            hours_by_parameter[(station_id, info.id)] += hours
    expected = sum(hours_in_day(day, zone) for day in _days(start, end))
    down = []
    for station in stations:
        days = [d for d in _days(start, end) if best_hours[(station.id, d)] < MIN_VALID_HOURS]
        if not days:
            continue
        best = max(
            (h for (sid, _), h in hours_by_parameter.items() if sid == station.id), default=0
        )
        down.append(
            StationDown(
                station_code=station.code,
                station_name=station.name,
                days_down=days,
                completeness=round(best / expected, 3),
            )
        )
    return down


def _alert_figure(alert: Alert, station: Station) -> AlertFigure:
    # The query takes only alerts of a measure against a limit: these figures are set.
    assert alert.parameter_id is not None
    assert alert.limit_milli is not None
    assert alert.peak_average_milli is not None
    info = BY_ID[alert.parameter_id]
    return AlertFigure(
        alert_id=alert.public_id,
        station_code=station.code,
        parameter=info.code,
        unit=info.unit,
        limit=float(from_milli(alert.limit_milli)),
        peak_average=float(from_milli(alert.peak_average_milli)),
        opened_at=alert.opened_at,
        resolved_at=alert.resolved_at,
    )


def _station(alert: Alert, by_id: dict[int, Station]) -> Station:
    assert alert.station_id is not None  # the query takes the alerts of these stations
    return by_id[alert.station_id]


def _alerts(
    session: Session, stations: list[Station], start: date, end: date, zone: ZoneInfo
) -> tuple[list[AlertFigure], list[AlertFigure], int]:
    """Alerts of the area's public stations opened, and resolved, in the period; and how many
    were still open when it ended."""
    first = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    by_id = {s.id: s for s in stations}
    if not by_id:
        return [], [], 0
    rows = session.scalars(
        select(Alert)
        .where(
            Alert.station_id.in_(list(by_id)),
            # A measure over a limit; a silent station shows among the stations down.
            Alert.parameter_id.is_not(None),
            Alert.limit_milli.is_not(None),
            Alert.peak_average_milli.is_not(None),
            Alert.opened_at < last,
            or_(Alert.resolved_at.is_(None), Alert.resolved_at >= first),
        )
        .order_by(Alert.opened_at, Alert.id)
    ).all()
    opened = [_alert_figure(a, _station(a, by_id)) for a in rows if a.opened_at >= first]
    resolved = [
        _alert_figure(a, _station(a, by_id))
        for a in rows
        if a.resolved_at is not None and first <= a.resolved_at < last
    ]
    still_open = sum(1 for a in rows if a.resolved_at is None or a.resolved_at >= last)
    return opened, resolved, still_open


def _chart(session: Session, stations: list[Station], end: date, zone: ZoneInfo) -> ChartFigure:
    days = _days(end - timedelta(days=CHART_DAYS - 1), end)
    series: list[ChartSeries] = []
    limits: dict[str, float] = {}
    ids = [s.id for s in stations]
    by_id = {s.id: s for s in stations}
    for code in CHART_PARAMETERS:
        info = next(p for p in PARAMETERS if p.code == code)
        values: dict[int, dict[date, float | None]] = defaultdict(dict)
        for mean in daily_means(
            session,
            station_ids=ids,
            parameter_id=info.id,
            start=days[0],
            end=end + timedelta(days=1),
            zone=zone,
        ):
            value = mean.value
            values[mean.station_id][mean.day] = (
                round(float(value), 1) if value is not None else None
            )
        charted = [
            ChartSeries(
                station_code=by_id[sid].code,
                station_name=by_id[sid].name,
                parameter=code,
                values=[days_values.get(d) for d in days],
            )
            for sid, days_values in sorted(values.items(), key=lambda i: by_id[i[0]].code)
            if any(v is not None for v in days_values.values())
        ]
        if not charted:
            continue
        series.extend(charted)
        version = next((v for v in choose_series(info, None) if v.in_force_on(end)), None)
        if version is not None and version.period == "24h":
            limits[code] = float(version.limit * unit_factor(version, info))
    return ChartFigure(days=days, series=series, limits=limits)


def _target_figure(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def target_progress(
    session: Session, *, area: str, end: date, zone: ZoneInfo
) -> list[TargetProgress]:
    """The area's agreed targets with their progress as of the bulletin's last day: the
    provisional value, the counted (certified) one and whether it is on track."""
    as_of = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)
    shown = []
    for target, progress in agreed_targets_of_area(session, area=area, now=as_of, zone=zone):
        value = _target_figure(progress.provisional.value)
        counted = _target_figure(progress.counted.value if progress.counted is not None else None)
        goal = f"{target.target_value:g}"
        judged_en = {True: "on track", False: "behind the path", None: "not yet judged"}
        judged_th = {True: "เป็นไปตามแผน", False: "ช้ากว่าแผน", None: "ยังประเมินไม่ได้"}
        shown.append(
            TargetProgress(
                name=target.title_en,
                name_th=target.title_th,
                progress=(
                    f"{value} over the last {progress.window_days} days (provisional), "
                    f"{counted} on certified data, {judged_en[progress.on_track]}; "
                    f"target {goal} by {target.deadline.isoformat()}"
                ),
                progress_th=(
                    f"{value} ใน {progress.window_days} วันล่าสุด (เบื้องต้น), "
                    f"{counted} จากข้อมูลที่รับรองแล้ว, {judged_th[progress.on_track]}; "
                    f"เป้าหมาย {goal} ภายใน {target.deadline.isoformat()}"
                ),
            )
        )
    return shown


def compute_figures(
    session: Session, *, area: str, kind: BulletinKind, start: date, end: date, zone: ZoneInfo
) -> BulletinFigures:
    stations = _stations(session, area)
    names = {s.code: s.name for s in stations}
    parameters = [
        figure
        for info in _judged_parameters()
        if (figure := _parameter_figure(session, info, area, start, end, zone, names)) is not None
    ]
    opened, resolved, still_open = _alerts(session, stations, start, end, zone)
    return BulletinFigures(
        area=area,
        kind=kind.value,
        period_start=start,
        period_end=end,
        time_zone=zone.key,
        stations=[s.code for s in stations],
        parameters=parameters,
        stations_down=_stations_down(session, stations, start, end, zone),
        alerts_opened=opened,
        alerts_resolved=resolved,
        alerts_open_at_end=still_open,
        targets=target_progress(session, area=area, end=end, zone=zone),
        chart=_chart(session, stations, end, zone),
    )
