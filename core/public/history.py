"""A station's recent history for the public pages: hourly means for charts and the daily
24-hour means of the last weeks against the Thai standard in force each day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import StationScope
from core.indicators.daily import daily_means, hours_in_day
from core.kit.errors import InvalidInput
from core.kit.means import hourly_mean_milli
from core.kit.time import floor_hour, to_utc
from core.models import HourlyAggregate, Station
from core.public.schemas import (
    DailyMeanPublic,
    DailySeriesPublic,
    HourlyMeanPublic,
    HourlySeriesPublic,
)
from core.standards.aqi import reduce_to_precision
from core.standards.catalogue import thai_24h_standard, thai_aqi_scale
from core.standards.parameters import ParameterInfo, from_milli, parameter_by_code
from core.stations.service import get_station

MAX_HOURS = 31 * 24
"""The longest hourly series one request may ask for, as for raw readings."""
DAILY_DAYS = 30
EARLIEST_UNTIL = datetime(2000, 1, 1, tzinfo=UTC)
"""No reading is accepted before 2000."""


def known_parameter(code: str) -> ParameterInfo:
    info = parameter_by_code(code)
    if info is None:
        raise InvalidInput(f"unknown parameter {code!r}")
    return info


def hourly_series(
    session: Session,
    *,
    code: str,
    parameter: str,
    hours: int,
    now: datetime,
    zone: ZoneInfo,
    scope: StationScope,
    until: datetime | None = None,
) -> HourlySeriesPublic:
    """The hourly means of the `hours` full clock hours before the hour containing `until`
    (default and at most `now`: the hour in progress is left out, its mean would change),
    every hour listed; with the Thai 24-hour standard in force on the series' last day.

    Raises NotFound for a station outside the scope and InvalidInput for an unknown
    parameter, a number of hours outside 1..MAX_HOURS or an `until` before 2000.
    """
    if not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(f"hours must be between 1 and {MAX_HOURS}")
    if until is not None:
        until = to_utc(until)
        if until < EARLIEST_UNTIL:
            raise InvalidInput(f"end must be {EARLIEST_UNTIL.date()} or later")
    info = known_parameter(parameter)
    if info.code == "wind_direction":
        raise InvalidInput(
            "wind direction has no arithmetic hourly mean (350 and 10 degrees are north, not "
            "south): its hourly values are vector means, shown with an action's measured change"
        )
    station = get_station(session, code=code, scope=scope)
    last = now if until is None else min(until, now)
    end = floor_hour(last.astimezone(UTC))
    start = end - timedelta(hours=hours)
    sums = {
        row.hour: (row.value_sum_milli, row.reading_count)
        for row in session.scalars(
            select(HourlyAggregate).where(
                HourlyAggregate.station_id == station.id,
                HourlyAggregate.parameter_id == info.id,
                HourlyAggregate.hour >= start,
                HourlyAggregate.hour < end,
                HourlyAggregate.reading_count > 0,
            )
        )
    }
    points = []
    for step in range(hours):
        hour = start + timedelta(hours=step)
        value_sum, count = sums.get(hour, (0, 0))
        mean = float(from_milli(hourly_mean_milli(value_sum, count))) if count else None
        points.append(
            HourlyMeanPublic(
                hour=hour, hour_local=hour.astimezone(zone), mean=mean, reading_count=count
            )
        )
    standard = thai_24h_standard(info.code, on=last.astimezone(zone).date())
    return HourlySeriesPublic(
        station=station.code,
        parameter=info.code,
        unit=info.unit,
        time_zone=zone.key,
        start=start,
        end=end,
        start_local=start.astimezone(zone),
        end_local=end.astimezone(zone),
        standard_id=standard.id if standard else None,
        standard_limit=float(standard.limit) if standard else None,
        hours=points,
    )


def daily_series(
    session: Session, *, station: Station, parameter: str, today: date, zone: ZoneInfo
) -> DailySeriesPublic:
    """The last DAILY_DAYS local days up to and including `today`, newest first, each judged
    as the 24-hour verdicts are: the mean reduced to the Thai AQI scale's precision, then
    compared with the Thai 24-hour standard in force that day; only valid days count."""
    info = known_parameter(parameter)
    start = today - timedelta(days=DAILY_DAYS - 1)
    end = today + timedelta(days=1)
    found = {
        d.day: d
        for d in daily_means(
            session, station_ids=[station.id], parameter_id=info.id, start=start, end=end, zone=zone
        )
    }
    days = []
    for offset in range(DAILY_DAYS):
        day = today - timedelta(days=offset)
        standard = thai_24h_standard(info.code, on=day)
        scale = thai_aqi_scale(info.code, on=day)
        daily = found.get(day)
        value = daily.value if daily else None
        reported = (
            reduce_to_precision(scale, value)
            if value is not None and scale is not None and scale.period == "24h"
            else value
        )
        hours = daily.hours_with_data if daily else 0
        expected = daily.hours_expected if daily else hours_in_day(day, zone)
        days.append(
            DailyMeanPublic(
                day=day,
                mean=float(reported) if reported is not None else None,
                hours_with_data=hours,
                hours_expected=expected,
                completeness=hours / expected,
                valid=daily.valid if daily else False,
                standard_id=standard.id if standard else None,
                standard_limit=float(standard.limit) if standard else None,
                standard_bound=standard.bound if standard else None,
                standard_lower_limit=(
                    float(standard.lower_limit)
                    if standard is not None and standard.lower_limit is not None
                    else None
                ),
                over_standard=(
                    standard.breached_by(reported) if reported is not None and standard else None
                ),
            )
        )
    return DailySeriesPublic(
        parameter=info.code,
        unit=info.unit,
        start=start,
        end=end,
        valid_days=sum(d.valid for d in days),
        exceedance_days=sum(bool(d.over_standard) for d in days),
        days=days,
    )
