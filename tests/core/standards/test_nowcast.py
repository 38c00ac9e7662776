"""The US EPA NowCast against the worked examples published with it, hours newest first.

Sources:
- EPA/AirNow training slides "Computing the NowCast" (https://cdn.slideserve.com/brina/
  computing-the-nowcast): the 12-hour example 50 80 75 90 82 53 64 74 21 10 16 13 (oldest
  first), weight 1 - 80/90 < 0.5 so 0.5, NowCast 17.4 ug/m3.
- MazamaScience/AirMonitor, vignette "NowCast" (vignettes/articles/NowCast.Rmd, rendered in
  docs/articles/articles/NowCast.html @f48ddd7): Omak, WA, August 2015 — Example 1 (12 valid
  hours) 54.81126 -> 54.8; Example 2 (one hour missing) w = 0.6193159, 543.896 -> 543.8;
  Example 3 (five hours missing) 164.7973 -> 164.7.
- bellrichm/weewx-aqi-xtype bin/user/tests/unit/test_nowcast.py: the same Omak hours give
  54.8 and 164.7.
- The rule: AirNow forum "The NowCast for PM2.5 and PM10"
  (https://forum.airnowtech.org/t/the-nowcast-for-pm2-5-and-pm10/172) and EPA's PM NowCast
  fact sheet (https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P100X0J6.txt): 2 of the 3 newest
  hours valid; raw hours; truncated to 0.1 ug/m3 (PM2.5) or 1 ug/m3 (PM10).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.standards.nowcast import nowcast


def printed(value: Decimal, like: str) -> Decimal:
    return value.quantize(Decimal(like), rounding=ROUND_HALF_UP)


def hours(*values: float | None) -> list[Decimal | None]:
    return [None if v is None else Decimal(str(v)) for v in values]


SLIDES_OLDEST_FIRST = hours(50, 80, 75, 90, 82, 53, 64, 74, 21, 10, 16, 13)
OMAK_1 = hours(46.3, 27.4, 59.8, 129.2, 130.6, 215.4, 143.2, 93.7, 101.8, 49.3, 80.2, 123.3)
OMAK_2 = hours(478.5, 504.6, 589.8, 683.3, 711.0, None, 745.5, 645.7, 583.0, 510.4, 486.2, 461.7)
OMAK_3 = hours(149.5, 149.9, 238.6, None, None, None, None, None, 763.8, 744.6, 734.0, 711.8)


@pytest.mark.parametrize(
    ("given", "value", "raw", "weight", "used"),
    [
        pytest.param(SLIDES_OLDEST_FIRST[::-1], "17.4", "17.41", "0.5", 12, id="EPA slides"),
        pytest.param(OMAK_1, "54.8", "54.81126", "0.5", 12, id="AirMonitor example 1"),
        pytest.param(OMAK_2, "543.8", "543.896", "0.6193159", 11, id="AirMonitor example 2"),
        pytest.param(OMAK_3, "164.7", "164.7973", "0.5", 7, id="AirMonitor example 3"),
    ],
)
def test_published_examples(
    given: list[Decimal | None], value: str, raw: str, weight: str, used: int
) -> None:
    result = nowcast(given, parameter="pm25")
    assert result.value == Decimal(value)
    assert result.raw is not None
    assert result.weight is not None
    # As published: R prints 7 significant digits, rounded.
    assert printed(result.raw, raw) == Decimal(raw)
    assert printed(result.weight, weight) == Decimal(weight)
    assert (result.hours_used, result.note) == (used, None)


def test_truncates_where_rounding_would_differ() -> None:
    """543.896 and 164.797 would round to 543.9 and 164.8; the NowCast truncates."""
    assert [nowcast(h, parameter="pm25").value for h in (OMAK_2, OMAK_3)] == [
        Decimal("543.8"),
        Decimal("164.7"),
    ]


def test_pm10_truncates_to_whole_micrograms() -> None:
    assert nowcast(OMAK_1, parameter="pm10").value == Decimal(54)


def test_newest_comes_first() -> None:
    """The same hours in the other order weigh the old smoke hours most: a different value."""
    assert nowcast(OMAK_1[::-1], parameter="pm25").value != Decimal("54.8")


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(hours(), id="no hours"),
        pytest.param(hours(12.0), id="one hour"),
        pytest.param(hours(None, None, 12.0, 12.0), id="two newest missing"),
        pytest.param(hours(12.0, None, None, 12.0, 12.0), id="hours 1 and 2 missing"),
        pytest.param(hours(None, 12.0, None, 12.0), id="hours 0 and 2 missing"),
    ],
)
def test_insufficient_data_when_fewer_than_two_of_the_three_newest(
    given: list[Decimal | None],
) -> None:
    result = nowcast(given, parameter="pm25")
    assert (result.value, result.raw, result.weight, result.hours_used) == (None, None, None, 0)
    assert result.note is not None
    assert result.note.startswith("insufficient data")


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(hours(12.0, 12.0), id="two hours"),
        pytest.param(hours(None, 12.0, 12.0), id="current hour missing"),
        pytest.param(hours(12.0, None, 12.0), id="previous hour missing"),
    ],
)
def test_two_of_the_three_newest_are_enough(given: list[Decimal | None]) -> None:
    result = nowcast(given, parameter="pm25")
    assert (result.value, result.weight) == (Decimal("12.0"), Decimal(1))


def test_steady_air_is_the_plain_mean() -> None:
    """c_min = c_max: w = 1, the NowCast is the 12-hour average (here 0, which has no max)."""
    assert nowcast(hours(*[0.0] * 12), parameter="pm25").value == Decimal("0.0")
    steady = nowcast(hours(*[20.0] * 6, *[20.0] * 6), parameter="pm25")
    assert (steady.value, steady.weight) == (Decimal("20.0"), Decimal(1))


def test_weight_is_never_below_a_half() -> None:
    result = nowcast(hours(100.0, 1.0), parameter="pm25")
    # w* = 0.01 -> 0.5: (100 + 0.5 * 1) / 1.5 = 67.0
    assert (result.weight, result.value) == (Decimal("0.5"), Decimal("67.0"))


@pytest.mark.parametrize(
    ("given", "parameter", "message"),
    [
        (hours(*[10.0] * 13), "pm25", "12 newest hours"),
        (hours(10.0, -1.0), "pm25", "hour 1"),
        ([Decimal("NaN"), Decimal(1)], "pm25", "hour 0"),
        ([Decimal("Infinity"), Decimal(1)], "pm25", "hour 0"),
        (hours(10.0, 10.0), "o3", "pm25 and pm10"),
    ],
)
def test_mistakes_are_refused(given: list[Decimal | None], parameter: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nowcast(given, parameter=parameter)
