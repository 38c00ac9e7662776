"""Averages and exceedances, computed exactly from hourly sums of integer thousandths.

An hour's mean is the mean of its readings kept, like every stored value, to a thousandth of
the unit (half away from zero); longer averages are exact means of those hourly means, so
that they come out the same from hourly rollups, daily rollups or the raw readings.

A 24-hour average is the mean of the hourly means of the 24 clock hours before the hour
that contains the evaluation time, [end - 24 h, end) in UTC, the way Air4Thai updates its
24-hour average every hour. It counts as valid with at least 18 of the 24 hours (75 %),
the US EPA completeness rule for daily PM; PCD publishes no rule of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.indicators.judging import judge_24h_mean
from core.kit.means import hourly_mean_milli
from core.kit.time import floor_hour
from core.models import HourlyAggregate
from core.standards.aqi import AqiResult, compute_aqi
from core.standards.catalogue import Standard, thai_24h_standard
from core.standards.parameters import BY_CODE, BY_ID, MILLI, ParameterInfo

HOURS_IN_DAY = 24
MIN_VALID_HOURS = 18


@dataclass(frozen=True)
class HourSum:
    hour: datetime
    value_sum_milli: int
    reading_count: int

    @property
    def mean_milli(self) -> int:
        return hourly_mean_milli(self.value_sum_milli, self.reading_count)

    @property
    def mean(self) -> Decimal:
        return Decimal(self.mean_milli) / MILLI


@dataclass(frozen=True)
class Average:
    """Mean of hourly means over [start, end), with how complete the hours were."""

    start: datetime
    end: datetime
    value: Decimal | None
    hours_with_data: int
    hours_expected: int

    @property
    def completeness(self) -> Decimal:
        return Decimal(self.hours_with_data) / self.hours_expected

    @property
    def valid(self) -> bool:
        return self.value is not None and self.hours_with_data >= MIN_VALID_HOURS


@dataclass(frozen=True)
class Verdict:
    """A 24-hour average judged against the Thai standard and AQI scale of its period."""

    parameter: ParameterInfo
    average: Average
    standard: Standard | None
    reported: Decimal | None
    """The average reduced to the AQI scale's precision; what is compared and shown."""
    over_standard: bool | None
    """None when the average is not valid or no standard applies."""
    aqi: AqiResult | None


def day_window_end(at: datetime) -> datetime:
    """End of the 24-hour window used at `at`: the start of the hour containing it."""
    return floor_hour(at)


def mean_of_hourly_means(hours: Iterable[HourSum], *, start: datetime, end: datetime) -> Average:
    """Exact mean of the hourly means of the hours in [start, end) that have data."""
    expected = int((end - start) / timedelta(hours=1))
    means = [h.mean for h in hours if start <= h.hour < end and h.reading_count > 0]
    value = sum(means, Decimal(0)) / len(means) if means else None
    return Average(
        start=start, end=end, value=value, hours_with_data=len(means), hours_expected=expected
    )


def period_day(end: datetime, zone: ZoneInfo) -> date:
    """The local day a period ending at `end` describes, for choosing standards."""
    return (end - timedelta(microseconds=1)).astimezone(zone).date()


def judge_24h(parameter: ParameterInfo, average: Average, zone: ZoneInfo) -> Verdict:
    """Compare a 24-hour average with the Thai standard and AQI scale in force for its period.

    The average is reduced to the AQI scale's precision (half-up for Thai scales) before
    both the comparison and the index, so that 'over the standard' and 'AQI above 100'
    always agree; the comparison is `judge_24h_mean`, the one daily means are judged with.
    """
    day = period_day(average.end, zone)
    if average.value is None or not average.valid:
        standard = thai_24h_standard(parameter.code, on=day)
        return Verdict(parameter, average, standard, None, None, None)
    judged = judge_24h_mean(parameter.code, average.value, on=day)
    aqi = compute_aqi(judged.scale, average.value) if judged.scale else None
    return Verdict(parameter, average, judged.standard, judged.reported, judged.over_standard, aqi)


STANDARD_PARAMETERS = ("pm25", "pm10")
"""Parameters with a Thai 24-hour standard that dustwatch judges and alerts on."""
WATER_PARAMETERS = ("do", "bod", "ph", "nh3n")
"""Surface water parameters with a Thai standard (class 3), judged by their daily mean."""
JUDGED_PARAMETERS = STANDARD_PARAMETERS + WATER_PARAMETERS
"""What the status and station pages judge over 24 hours; alerts stay on the dust ones."""


def load_24h_verdicts(
    session: Session,
    *,
    at: datetime,
    zone: ZoneInfo,
    station_ids: Collection[int] | None = None,
    parameters: Collection[str] = STANDARD_PARAMETERS,
) -> dict[tuple[int, int], Verdict]:
    """Verdicts for every (station, parameter) with data in the 24 hours before `at`'s hour,
    for the parameter codes given (PM2.5 and PM10 unless told)."""
    end = day_window_end(at)
    start = end - timedelta(hours=HOURS_IN_DAY)
    parameter_ids = [BY_CODE[code].id for code in parameters]
    query = select(HourlyAggregate).where(
        HourlyAggregate.parameter_id.in_(parameter_ids),
        HourlyAggregate.hour >= start,
        HourlyAggregate.hour < end,
    )
    if station_ids is not None:
        query = query.where(HourlyAggregate.station_id.in_(station_ids))
    grouped: dict[tuple[int, int], list[HourSum]] = defaultdict(list)
    for row in session.scalars(query):
        grouped[(row.station_id, row.parameter_id)].append(
            HourSum(row.hour, row.value_sum_milli, row.reading_count)
        )
    return {
        key: judge_24h(BY_ID[key[1]], mean_of_hourly_means(hours, start=start, end=end), zone)
        for key, hours in grouped.items()
    }


def series_24h_verdicts(
    session: Session,
    *,
    station_id: int,
    parameter: ParameterInfo,
    first_end: datetime,
    last_end: datetime,
    zone: ZoneInfo,
) -> list[tuple[datetime, Verdict]]:
    """The verdict of every 24-hour window of one station's parameter ending on the hours
    first_end..last_end, each as `load_24h_verdicts` would have given it at that hour and
    against the standard in force then; from one read of the hourly rows."""
    query = select(HourlyAggregate).where(
        HourlyAggregate.station_id == station_id,
        HourlyAggregate.parameter_id == parameter.id,
        HourlyAggregate.hour >= first_end - timedelta(hours=HOURS_IN_DAY),
        HourlyAggregate.hour < last_end,
    )
    by_hour = {
        row.hour: HourSum(row.hour, row.value_sum_milli, row.reading_count)
        for row in session.scalars(query)
    }
    verdicts = []
    end = first_end
    while end <= last_end:
        start = end - timedelta(hours=HOURS_IN_DAY)
        hours = [
            hour_sum
            for h in range(HOURS_IN_DAY)
            if (hour_sum := by_hour.get(start + timedelta(hours=h))) is not None
        ]
        average = mean_of_hourly_means(hours, start=start, end=end)
        verdicts.append((end, judge_24h(parameter, average, zone)))
        end += timedelta(hours=1)
    return verdicts
