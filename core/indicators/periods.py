"""Daily statistics for standards of other averaging times, from hourly rollups, and annual means.

- 8-hour standards: an 8-hour mean is the mean of the hourly means of 8 consecutive clock
  hours, valid with at least 6 of them (75 %). A day's figure is the highest valid 8-hour mean
  among the 8-hour periods that start in that local day (the US EPA "daily maximum 8-hour
  average"); the day counts as valid with at least 18 valid 8-hour periods (75 % of 24).
- 1-hour standards: a day's figure is its highest hourly mean; valid with at least 18 hours.
- Annual means: the mean of a calendar year's valid daily means; valid when at least 75 % of
  the year's days are valid (the US EPA completeness rule for annual PM means; PCD publishes
  none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.indicators.averages import MIN_VALID_HOURS
from core.indicators.daily import day_bounds, exact_quotient, hourly_means, local_day
from core.standards.parameters import MILLI

EIGHT_HOURS = 8
MIN_VALID_IN_EIGHT = 6
MIN_VALID_EIGHT_HOUR_PERIODS = 18
MIN_VALID_YEAR_SHARE = Decimal("0.75")

RULE_8H = (
    "8-hour mean: mean of 8 consecutive hourly means, valid with at least 6 of them; a day's "
    "figure is the highest valid 8-hour mean starting in that local day, and the day is valid "
    "with at least 18 valid 8-hour means."
)
RULE_1H = (
    "1-hour standard: a day's figure is its highest hourly mean; the day is valid with at "
    f"least {MIN_VALID_HOURS} hours of data."
)
RULE_ANNUAL = (
    "Annual mean: mean of the calendar year's valid daily means; valid when at least 75 % of "
    "the year's days are valid."
)


@dataclass(frozen=True)
class DayFigure:
    """One station's statistic for one local day (a maximum 8-hour or 1-hour mean)."""

    station_id: int
    day: date
    value: Decimal | None
    """None when the day is not valid for this statistic."""
    samples: int
    """Valid 8-hour periods, or hours with data."""


def _hourly_means(
    session: Session,
    station_ids: Collection[int],
    parameter_id: int,
    first: datetime,
    last: datetime,
) -> dict[int, dict[datetime, int]]:
    means: dict[int, dict[datetime, int]] = defaultdict(dict)
    for station_id, hour, mean_milli in hourly_means(
        session, station_ids=station_ids, parameter_id=parameter_id, first=first, last=last
    ):
        means[station_id][hour] = mean_milli
    return means


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def max_8h_means(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> list[DayFigure]:
    """Daily maximum 8-hour means for the local days in [start, end) that have data."""
    if not station_ids or start >= end:
        return []
    first, _ = day_bounds(start, zone)
    last, _ = day_bounds(end, zone)
    hour = timedelta(hours=1)
    means = _hourly_means(
        session, station_ids, parameter_id, first, last + (EIGHT_HOURS - 1) * hour
    )
    figures = []
    for station_id in sorted(means):
        hours = means[station_id]
        for day in _days(start, end):
            begin, finish = day_bounds(day, zone)
            best: Decimal | None = None
            valid_periods = 0
            moment = begin
            while moment < finish:
                window = [hours[h] for i in range(EIGHT_HOURS) if (h := moment + i * hour) in hours]
                if len(window) >= MIN_VALID_IN_EIGHT:
                    valid_periods += 1
                    mean = exact_quotient(sum(window), len(window) * int(MILLI))
                    best = mean if best is None or mean > best else best
                moment += hour
            if valid_periods == 0 and not any(begin <= h < finish for h in hours):
                continue
            valid = valid_periods >= MIN_VALID_EIGHT_HOUR_PERIODS
            figures.append(DayFigure(station_id, day, best if valid else None, valid_periods))
    return figures


def max_1h_means(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> list[DayFigure]:
    """Daily maximum hourly means for the local days in [start, end) that have data."""
    if not station_ids or start >= end:
        return []
    first, _ = day_bounds(start, zone)
    last, _ = day_bounds(end, zone)
    means = _hourly_means(session, station_ids, parameter_id, first, last)
    per_day: dict[tuple[int, date], list[int]] = defaultdict(list)
    for station_id, hours in means.items():
        for moment, mean in hours.items():
            per_day[(station_id, local_day(moment, zone))].append(mean)
    return [
        DayFigure(
            station_id,
            day,
            Decimal(max(values)) / MILLI if len(values) >= MIN_VALID_HOURS else None,
            len(values),
        )
        for (station_id, day), values in sorted(per_day.items())
    ]


@dataclass(frozen=True)
class AnnualMean:
    year: int
    value: Fraction
    """Exact mean of the valid daily values in the year (within the period asked for)."""
    valid_days: int
    days_in_year: int

    @property
    def valid(self) -> bool:
        return self.valid_days >= MIN_VALID_YEAR_SHARE * self.days_in_year


def annual_means(daily: Iterable[tuple[date, Fraction]]) -> list[AnnualMean]:
    """Annual means of (day, valid daily mean) pairs, one per calendar year present."""
    totals: dict[int, list[Fraction]] = defaultdict(list)
    for day, value in daily:
        totals[day.year].append(value)
    return [
        AnnualMean(
            year,
            sum(values, Fraction(0)) / len(values),
            len(values),
            (date(year + 1, 1, 1) - date(year, 1, 1)).days,
        )
        for year, values in sorted(totals.items())
    ]
