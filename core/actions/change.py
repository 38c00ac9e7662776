"""The measured change of an action: its parameter on its stations before and after it
started, computed each time from the shared measurement (core.indicators), never typed in.

- After: the local days from the start to yesterday, at most 90 of them.
- Before: as many days immediately before the start.
- Last year: the after period's calendar days one year earlier (the same season), shown when
  they have valid data.
Each period's figures are those of `compute_indicators` over the action's public stations
(a day is the worst valid station that day, as for an area): the mean of the valid daily
means, the days over the Thai 24-hour standard and the share of valid days. The hour-of-day
profile is the mean of the stations' hourly means at each local hour; the wind sectors put
each hour's means under the vector-mean wind of that hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE
from core.actions.schemas import (
    Change,
    HourOfDay,
    MeasuredChange,
    PeriodFigures,
    WindSector,
)
from core.indicators.daily import day_bounds, hourly_means
from core.indicators.schemas import IndicatorsPublic
from core.indicators.service import compute_indicators
from core.indicators.wind import SECTORS, WIND_DIRECTION, hourly_wind, wind_stations_near
from core.kit.geo import haversine_m
from core.models import Action, Reading, Station
from core.standards.parameters import BY_CODE

MAX_AFTER_DAYS = 90
WEAK_SHARE = 0.75
"""Below this share of valid days in a period the comparison is flagged as weak (the share the
daily and annual means themselves ask for)."""
SHOWN = Decimal("0.001")

STATEMENT_EN = (
    "This compares the same measurement on the same stations before and after the action "
    "started. It is not proof that the action caused the change: the weather, the season and "
    "other sources of dust change too. The same days one year earlier show how much the "
    "season alone may explain. Where a period has few days of valid data, the comparison is "
    "weak."
)
STATEMENT_TH = (
    "นี่คือการเปรียบเทียบค่าที่วัดได้ที่สถานีเดียวกันก่อนและหลังเริ่มการดำเนินการ "
    "ไม่ใช่หลักฐานว่าการดำเนินการเป็นสาเหตุของการเปลี่ยนแปลง เพราะสภาพอากาศ ฤดูกาล "
    "และแหล่งฝุ่นอื่นก็เปลี่ยนไปด้วย ช่วงวันเดียวกันของปีก่อนช่วยให้เห็นว่าฤดูกาลอย่างเดียว"
    "อาจอธิบายได้มากเพียงใด หากช่วงใดมีวันที่มีข้อมูลครบถ้วนน้อย การเปรียบเทียบก็อ่อนลง"
)
RULE = (
    "After: the local days from the start to yesterday, at most 90. Before: as many days just "
    "before the start. Last year: the after period's days one year earlier. Figures by the "
    "indicators' rules over the action's public stations (a day is the worst valid station "
    "that day); a period with under 75 % valid days makes the comparison weak. Hour of day: "
    "mean of the hourly means at each local hour. Wind sector: each hour under the vector mean "
    "of its wind direction."
)


def _rounded(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(SHOWN, rounding=ROUND_HALF_UP))


def one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def action_stations(session: Session, action: Action) -> list[Station]:
    """The public stations the action's place names: those listed, and those within its
    radius of its point."""
    wanted = {code.lower() for code in action.station_codes}
    found = []
    for station in session.scalars(
        select(Station).where(Station.public.is_(True)).order_by(Station.code)
    ):
        listed = station.code.lower() in wanted
        near = (
            action.latitude is not None
            and action.longitude is not None
            and action.radius_km is not None
            and haversine_m(action.latitude, action.longitude, station.latitude, station.longitude)
            <= action.radius_km * 1000
        )
        if listed or near:
            found.append(station)
    return found


def _figures(indicators: IndicatorsPublic) -> PeriodFigures:
    return PeriodFigures(
        start=indicators.start,
        end=indicators.end,
        days=indicators.valid_days.days_in_period,
        valid_days=indicators.valid_days.valid_days,
        valid_day_share=indicators.valid_days.share,
        mean=indicators.period_mean.value,
        exceedance_days=indicators.exceedances.days,
    )


def _change(indicators: IndicatorsPublic, against: str) -> Change:
    change = indicators.change
    assert change is not None
    return Change(
        against=against,
        mean_change=change.mean_change,
        mean_change_percent=change.mean_change_percent,
        exceedance_days_change=change.exceedance_days_change,
    )


def _hour_means(
    session: Session,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> dict[datetime, list[int]]:
    """The stations' hourly means (thousandths) of the local days start..end, by UTC hour."""
    first, _ = day_bounds(start, zone)
    _, last = day_bounds(end, zone)
    by_hour: dict[datetime, list[int]] = defaultdict(list)
    for _, hour, mean_milli in hourly_means(
        session, station_ids=station_ids, parameter_id=parameter_id, first=first, last=last
    ):
        by_hour[hour].append(mean_milli)
    return by_hour


def _mean(values: list[int]) -> float | None:
    return _rounded(Fraction(sum(values), len(values) * 1000)) if values else None


def _profile(
    before: dict[datetime, list[int]], after: dict[datetime, list[int]], zone: ZoneInfo
) -> list[HourOfDay]:
    def by_local_hour(hours: dict[datetime, list[int]]) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = defaultdict(list)
        for hour, means in hours.items():
            grouped[hour.astimezone(zone).hour].extend(means)
        return grouped

    old, new = by_local_hour(before), by_local_hour(after)
    return [
        HourOfDay(
            hour=h,
            before=_mean(old[h]),
            before_hours=len(old[h]),
            after=_mean(new[h]),
            after_hours=len(new[h]),
        )
        for h in range(24)
    ]


def _wind_station_ids(session: Session, action: Action, stations: list[Station]) -> list[int]:
    """The action's own stations that measure wind; else the wind stations near its place."""
    ids = [s.id for s in stations]
    measuring = set(
        session.scalars(
            select(Reading.station_id)
            .where(Reading.station_id.in_(ids), Reading.parameter_id == WIND_DIRECTION.id)
            .distinct()
        )
    )
    if measuring:
        return sorted(measuring)
    if action.latitude is not None and action.longitude is not None:
        return wind_stations_near(session, action.latitude, action.longitude)
    if stations:
        latitude = sum(s.latitude for s in stations) / len(stations)
        longitude = sum(s.longitude for s in stations) / len(stations)
        return wind_stations_near(session, latitude, longitude)
    return []


def _by_sector(
    session: Session, wind_ids: list[int], hours: dict[datetime, list[int]]
) -> dict[str, tuple[list[int], int]]:
    """Per sector: the hourly means of the hours the wind came from it, and how many hours."""
    if not hours or not wind_ids:
        return {}
    winds = hourly_wind(session, wind_ids, min(hours), max(hours) + timedelta(hours=1))
    sectors: dict[str, tuple[list[int], int]] = {}
    for hour, means in hours.items():
        wind = winds.get(hour)
        sector = wind.sector if wind is not None else None
        if sector is None:
            continue
        values, count = sectors.get(sector, ([], 0))
        sectors[sector] = (values + means, count + 1)
    return sectors


def _unavailable(
    action: Action, reason_code: str, reason: str, stations: list[str]
) -> MeasuredChange:
    return MeasuredChange(
        available=False,
        reason=reason,
        reason_code=reason_code,
        parameter=action.parameter,
        unit=BY_CODE[action.parameter].unit,
        stations=stations,
        before=None,
        after=None,
        last_year=None,
        changes=[],
        by_hour=[],
        wind_stations=[],
        by_wind=[],
        weak=False,
        statement_th=STATEMENT_TH,
        statement_en=STATEMENT_EN,
        rule=RULE,
    )


def measured_change(
    session: Session, action: Action, *, now: datetime, zone: ZoneInfo, detail: bool = True
) -> MeasuredChange:
    """The action's before/after comparison; `detail` adds the hour-of-day profile and the
    wind sectors (lists left empty without it, for summaries)."""
    if action.start_date is None:
        return _unavailable(action, "no_start", "the action has no start date", [])
    stations = action_stations(session, action)
    codes = [s.code for s in stations]
    if not stations:
        return _unavailable(
            action, "no_stations", "no public station lies in the action's place", []
        )
    yesterday = now.astimezone(zone).date() - timedelta(days=1)
    start = action.start_date
    if start > yesterday:
        return _unavailable(
            action, "not_started", "no whole day has passed since the action started", codes
        )
    after_end = min(yesterday, start + timedelta(days=MAX_AFTER_DAYS - 1))
    length = (after_end - start).days + 1
    before_start, before_end = start - timedelta(days=length), start - timedelta(days=1)
    last_start, last_end = one_year_earlier(start), one_year_earlier(after_end)

    def indicators(
        first: date, last: date, baseline: tuple[date, date] | None = None
    ) -> IndicatorsPublic:
        return compute_indicators(
            session,
            scope=PUBLIC_SCOPE,
            parameter=action.parameter,
            start=first,
            end=last,
            zone=zone,
            station_codes=codes,
            baseline_start=baseline[0] if baseline else None,
            baseline_end=baseline[1] if baseline else None,
        )

    after = indicators(start, after_end, (before_start, before_end))
    before = indicators(before_start, before_end)
    last_year = indicators(last_start, last_end)
    has_last_year = last_year.valid_days.valid_days > 0
    changes = [_change(after, "before")]
    if has_last_year:
        changes.append(_change(indicators(start, after_end, (last_start, last_end)), "last_year"))
    if after.valid_days.valid_days == 0 or before.valid_days.valid_days == 0:
        missing = _unavailable(
            action,
            "no_data",
            "a period has no valid day of data on the action's stations: nothing to compare",
            codes,
        )
        return missing.model_copy(update={"before": _figures(before), "after": _figures(after)})
    by_hour: list[HourOfDay] = []
    by_wind: list[WindSector] = []
    wind_codes: list[str] = []
    if detail:
        ids = [s.id for s in stations]
        parameter_id = BY_CODE[action.parameter].id
        old = _hour_means(session, ids, parameter_id, before_start, before_end, zone)
        new = _hour_means(session, ids, parameter_id, start, after_end, zone)
        by_hour = _profile(old, new, zone)
        wind_ids = _wind_station_ids(session, action, stations)
        old_sectors = _by_sector(session, wind_ids, old)
        new_sectors = _by_sector(session, wind_ids, new)
        by_wind = [
            WindSector(
                sector=sector,
                before=_mean(old_sectors.get(sector, ([], 0))[0]),
                before_hours=old_sectors.get(sector, ([], 0))[1],
                after=_mean(new_sectors.get(sector, ([], 0))[0]),
                after_hours=new_sectors.get(sector, ([], 0))[1],
            )
            for sector in SECTORS
            if sector in old_sectors or sector in new_sectors
        ]
        if by_wind:
            wind_codes = list(
                session.scalars(
                    select(Station.code).where(Station.id.in_(wind_ids)).order_by(Station.code)
                )
            )
    weak = min(before.valid_days.share, after.valid_days.share) < WEAK_SHARE
    return MeasuredChange(
        available=True,
        reason=None,
        reason_code=None,
        parameter=action.parameter,
        unit=BY_CODE[action.parameter].unit,
        stations=codes,
        before=_figures(before),
        after=_figures(after),
        last_year=_figures(last_year) if has_last_year else None,
        changes=changes,
        by_hour=by_hour,
        wind_stations=wind_codes,
        by_wind=by_wind,
        weak=weak,
        statement_th=STATEMENT_TH,
        statement_en=STATEMENT_EN,
        rule=RULE,
    )
