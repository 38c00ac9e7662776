"""The integer verdict on a daily mean (`_daily_mean_over`, used for every station-day of an
area or the deployment) agrees with the Decimal judgement (`_judge`) everywhere, in particular
within a step of the limit, on both sides of the PM2.5 standard change of 2023-06-01."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from core.indicators.daily import exact_quotient
from core.indicators.service import _daily_mean_over, _judge
from core.standards.catalogue import standard_in_force
from core.standards.parameters import BY_CODE

DAYS = [date(2023, 5, 31), date(2023, 6, 1), date(2025, 3, 1)]


@st.composite
def near_the_limit(draw: st.DrawFn) -> tuple[str, date, int, int]:
    """A parameter, a day, and a valid day's sum of hourly means whose mean is within a few
    steps of that day's limit (or anywhere, now and then)."""
    code = draw(st.sampled_from(["pm25", "pm10"]))
    day = draw(st.sampled_from(DAYS))
    hours = draw(st.integers(18, 25))
    standard = standard_in_force(f"th-{code}-24h", on=day)
    assert standard is not None
    centre = int(standard.limit * 1000) * hours
    total = draw(
        st.one_of(
            st.integers(centre - 3000 * hours, centre + 3000 * hours),
            st.integers(-200_000 * hours, 600_000 * hours),
        )
    )
    return code, day, total, hours


@settings(max_examples=2000, deadline=None)
@given(case=near_the_limit())
def test_the_integer_verdict_is_the_decimal_one(case: tuple[str, date, int, int]) -> None:
    code, day, total, hours = case
    parameter = BY_CODE[code]
    series = f"th-{code}-24h"
    expected = _judge(series, parameter, "24h", day, exact_quotient(total, hours * 1000))[2]
    assert _daily_mean_over(series, parameter, "24h", (1, day, total, hours)) is expected


def test_a_mean_just_at_half_a_step_is_decided_by_the_rounding() -> None:
    # PM10: 120.5 rounds half-up to 121 > 120; 120.4999... stays 120, not over.
    pm10 = BY_CODE["pm10"]
    day = DAYS[2]
    assert _daily_mean_over("th-pm10-24h", pm10, "24h", (1, day, 120_500 * 24, 24)) is True
    assert _daily_mean_over("th-pm10-24h", pm10, "24h", (1, day, 120_500 * 24 - 1, 24)) is False
