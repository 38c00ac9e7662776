"""24-hour averages: exact, with completeness, judged against the standard of their period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.indicators.averages import (
    HourSum,
    day_window_end,
    judge_24h,
    mean_of_hourly_means,
    period_day,
)
from core.kit.time import BANGKOK
from core.standards.parameters import BY_CODE

END = datetime(2026, 11, 22, 0, tzinfo=UTC)
START = END - timedelta(hours=24)


def hours(values_milli: list[list[int]], start: datetime = START) -> list[HourSum]:
    """One HourSum per hour from lists of reading values (thousandths)."""
    return [
        HourSum(start + timedelta(hours=i), sum(vs), len(vs))
        for i, vs in enumerate(values_milli)
        if vs
    ]


def test_average_is_the_mean_of_hourly_means_not_of_readings() -> None:
    # Hour 0 has three readings averaging 30, the other 23 hours one reading of 60.
    data = [[10_000, 30_000, 50_000]] + [[60_000]] * 23
    average = mean_of_hourly_means(hours(data), start=START, end=END)
    assert average.value == (Decimal(30) + 23 * Decimal(60)) / 24
    assert average.hours_with_data == 24


def test_average_is_exact_where_binary_floats_are_not() -> None:
    # 0.1 + 0.2 over two hours: floats give 0.15000000000000002
    data = [[100], [200]] + [[]] * 22
    average = mean_of_hourly_means(hours(data), start=START, end=END)
    assert average.value == Decimal("0.15")


@pytest.mark.parametrize(("hours_with_data", "valid"), [(17, False), (18, True), (24, True)])
def test_an_average_needs_18_of_24_hours(hours_with_data: int, valid: bool) -> None:
    data = [[50_000]] * hours_with_data + [[]] * (24 - hours_with_data)
    average = mean_of_hourly_means(hours(data), start=START, end=END)
    assert average.valid is valid
    assert average.completeness == Decimal(hours_with_data) / 24


def test_hours_outside_the_window_are_ignored() -> None:
    before = hours([[999_000]], start=START - timedelta(hours=1))
    inside = hours([[40_000]] * 24)
    average = mean_of_hourly_means(before + inside, start=START, end=END)
    assert average.value == Decimal(40)


def test_window_ends_at_the_start_of_the_current_hour() -> None:
    assert day_window_end(datetime(2026, 11, 22, 8, 59, 59, tzinfo=UTC)) == datetime(
        2026, 11, 22, 8, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("mean_milli", "over", "reported"),
    [
        (37_500, False, Decimal("37.5")),
        (37_549, False, Decimal("37.5")),
        (37_550, True, Decimal("37.6")),
        (80_000, True, Decimal("80.0")),
    ],
)
def test_pm25_over_standard_agrees_with_aqi_above_100(
    mean_milli: int, over: bool, reported: Decimal
) -> None:
    average = mean_of_hourly_means(hours([[mean_milli]] * 24), start=START, end=END)
    verdict = judge_24h(BY_CODE["pm25"], average, BANGKOK)
    assert verdict.over_standard is over
    assert verdict.reported == reported
    assert verdict.aqi is not None
    assert (verdict.aqi.index is None or verdict.aqi.index > 100) is over


def test_incomplete_average_gets_no_verdict() -> None:
    average = mean_of_hourly_means(hours([[200_000]] * 10), start=START, end=END)
    verdict = judge_24h(BY_CODE["pm10"], average, BANGKOK)
    assert verdict.over_standard is None
    assert verdict.aqi is None


def test_standard_is_chosen_by_the_local_day_the_period_describes() -> None:
    # A window ending 2023-05-31 17:00 UTC = 2023-06-01 00:00 Bangkok describes 31 May.
    end = datetime(2023, 5, 31, 17, tzinfo=UTC)
    assert str(period_day(end, BANGKOK)) == "2023-05-31"
    average = mean_of_hourly_means(
        hours([[45_000]] * 24, start=end - timedelta(hours=24)),
        start=end - timedelta(hours=24),
        end=end,
    )
    verdict = judge_24h(BY_CODE["pm25"], average, BANGKOK)
    assert verdict.standard is not None
    assert verdict.standard.id == "th-pm25-24h-2010"
    assert verdict.over_standard is False  # 45 is under the old limit of 50
    later = end + timedelta(hours=1)
    average = mean_of_hourly_means(
        hours([[45_000]] * 24, start=later - timedelta(hours=24)),
        start=later - timedelta(hours=24),
        end=later,
    )
    assert judge_24h(BY_CODE["pm25"], average, BANGKOK).over_standard is True
