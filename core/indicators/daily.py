"""Daily means over local days, the unit every indicator and compliance answer counts in.

A day is a local calendar day in the deployment's time zone (midnight to midnight), made of
the UTC clock hours that start in it. Its mean is the mean of its hourly means, valid with at
least 18 hours of data (75 %, the US EPA completeness rule for daily PM; PCD publishes none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, localcontext
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.indicators.averages import MIN_VALID_HOURS
from core.kit.means import hourly_mean_milli
from core.models import DailyAggregate, HourlyAggregate, RollupState
from core.standards.parameters import MILLI

EXACT_DIGITS = 50
"""Decimal digits for means: a mean of at most 25 hourly means of whole thousandths either
terminates well within this or is never within 1e-45 of a rounding tie, so reducing it to a
reporting precision gives the same answer as exact arithmetic."""


def exact_quotient(numerator: int, denominator: int) -> Decimal:
    with localcontext() as context:
        context.prec = EXACT_DIGITS
        return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class DailyMean:
    """One station's one parameter on one local day."""

    station_id: int
    parameter_id: int
    day: date
    hour_mean_sum_milli: int
    """Sum of the day's hourly means, in thousandths of the unit."""
    hours_with_data: int
    hours_expected: int

    @property
    def valid(self) -> bool:
        return self.hours_with_data >= MIN_VALID_HOURS

    @property
    def value(self) -> Decimal | None:
        """The mean of the day's hourly means; None when the day is not valid."""
        if not self.valid:
            return None
        return exact_quotient(self.hour_mean_sum_milli, self.hours_with_data * int(MILLI))

    @property
    def completeness(self) -> Decimal:
        return Decimal(self.hours_with_data) / self.hours_expected


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


@cache
def hours_in_day(day: date, zone: ZoneInfo) -> int:
    """24, or 23 / 25 on a daylight-saving change (cached: a year's indicator asks per row)."""
    start, end = day_bounds(day, zone)
    return int((end - start) / timedelta(hours=1))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def hourly_means(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    first: datetime,
    last: datetime,
) -> Iterator[tuple[int, datetime, int]]:
    """(station id, hour, the hour's mean in thousandths) of the hours in [first, last) that
    have readings, from the hourly rollups."""
    rows = session.execute(
        select(
            HourlyAggregate.station_id,
            HourlyAggregate.hour,
            HourlyAggregate.value_sum_milli,
            HourlyAggregate.reading_count,
        ).where(
            HourlyAggregate.station_id.in_(station_ids),
            HourlyAggregate.parameter_id == parameter_id,
            HourlyAggregate.hour >= first,
            HourlyAggregate.hour < last,
            HourlyAggregate.reading_count > 0,
        )
    )
    for row in rows:
        yield row.station_id, row.hour, hourly_mean_milli(row.value_sum_milli, row.reading_count)


def daily_means_from_hourly(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> list[DailyMean]:
    """The days in [start, end) that have data, ordered by station and day, from the
    hourly rollups."""
    if not station_ids or start >= end:
        return []
    first, _ = day_bounds(start, zone)
    last, _ = day_bounds(end, zone)
    totals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for station_id, hour, mean_milli in hourly_means(
        session, station_ids=station_ids, parameter_id=parameter_id, first=first, last=last
    ):
        total = totals[(station_id, local_day(hour, zone))]
        total[0] += mean_milli
        total[1] += 1
    return [
        DailyMean(station_id, parameter_id, day, mean_sum, hours, hours_in_day(day, zone))
        for (station_id, day), (mean_sum, hours) in sorted(totals.items())
    ]


DayRow = tuple[int, date, int, int]
"""(station id, local day, sum of the day's hourly means in thousandths, hours with data): a
daily mean as plain integers, for callers that read many station-days at once."""


def daily_rows(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> list[DayRow]:
    """The days in [start, end) that have data, ordered by station and day, as tuples: the
    same days as `daily_means` without an object per day. Read from the daily rollups; from
    the hourly ones when the daily rollups were built in another zone (until start-up rebuilds
    them)."""
    if not station_ids or start >= end:
        return []
    built_in = session.scalar(select(RollupState.time_zone))
    if built_in != zone.key:
        return [
            (m.station_id, m.day, m.hour_mean_sum_milli, m.hours_with_data)
            for m in daily_means_from_hourly(
                session,
                station_ids=station_ids,
                parameter_id=parameter_id,
                start=start,
                end=end,
                zone=zone,
            )
        ]
    query = (
        select(
            DailyAggregate.station_id,
            DailyAggregate.day,
            DailyAggregate.hour_mean_sum_milli,
            DailyAggregate.hours_with_data,
        )
        .where(
            DailyAggregate.station_id.in_(station_ids),
            DailyAggregate.parameter_id == parameter_id,
            DailyAggregate.day >= start,
            DailyAggregate.day < end,
            DailyAggregate.hours_with_data > 0,
        )
        .order_by(DailyAggregate.station_id, DailyAggregate.day)
    )
    # Core rather than ORM execution: the rows are plain columns, and the ORM layer costs more
    # than the query when a whole deployment's year (tens of thousands of rows) is read. Core
    # does not autoflush, so flush as the ORM would have.
    if session.autoflush:
        session.flush()
    return [
        (station_id, day, total, hours)
        for station_id, day, total, hours in session.connection().execute(query)
    ]


def daily_means(
    session: Session,
    *,
    station_ids: Collection[int],
    parameter_id: int,
    start: date,
    end: date,
    zone: ZoneInfo,
) -> list[DailyMean]:
    """The days in [start, end) that have data, ordered by station and day: what every
    indicator and compliance answer counts (`daily_rows`, one object per day)."""
    return [
        DailyMean(station_id, parameter_id, day, mean_sum, hours, hours_in_day(day, zone))
        for station_id, day, mean_sum, hours in daily_rows(
            session,
            station_ids=station_ids,
            parameter_id=parameter_id,
            start=start,
            end=end,
            zone=zone,
        )
    ]
