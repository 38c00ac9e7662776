"""The Thai class 3 surface water standard (NEB Notification No. 8, B.E. 2537): dissolved
oxygen is a minimum, pH a range, BOD and ammonia maximums; daily judgements, indicators and
an area's worst day follow the bound."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE
from core.indicators.judging import judge_24h_mean
from core.indicators.service import compute_indicators
from core.standards.catalogue import thai_24h_standard
from tests.core.indicators.test_indicators import ZONE, flat, publish
from tests.factories import make_station

DAY = date(2026, 3, 2)


def test_the_class_3_figures_are_those_published() -> None:
    do = thai_24h_standard("do", on=DAY)
    bod = thai_24h_standard("bod", on=DAY)
    nh3n = thai_24h_standard("nh3n", on=DAY)
    ph = thai_24h_standard("ph", on=DAY)
    assert do is not None
    assert (do.bound, do.limit, do.unit) == ("lower", Decimal("4.0"), "mg/L")
    assert bod is not None
    assert (bod.bound, bod.limit) == ("upper", Decimal("2.0"))
    assert nh3n is not None
    assert (nh3n.bound, nh3n.limit) == ("upper", Decimal("0.5"))
    assert ph is not None
    assert (ph.bound, ph.lower_limit, ph.limit) == ("range", 5, 9)
    assert all("Notification No. 8" in s.authority for s in (do, bod, nh3n, ph))
    assert all("hydrolaw.thaiwater.net" in s.source for s in (do, bod, nh3n, ph))


@pytest.mark.parametrize(
    ("parameter", "mean", "broken"),
    [
        ("do", "3.99", True),  # below the minimum of 4.0 mg/L
        ("do", "4.0", False),  # the minimum itself meets it
        ("do", "7.5", False),  # plenty of oxygen is never "over"
        ("ph", "4.9", True),
        ("ph", "5", False),
        ("ph", "9", False),
        ("ph", "9.1", True),
        ("bod", "2.0", False),
        ("bod", "2.01", True),
        ("nh3n", "0.6", True),
    ],
)
def test_a_daily_mean_is_judged_by_the_bound_of_its_standard(
    parameter: str, mean: str, broken: bool
) -> None:
    judged = judge_24h_mean(parameter, Decimal(mean), on=DAY)
    assert judged.scale is None  # no AQI for water: compared exactly
    assert judged.reported == Decimal(mean)
    assert judged.over_standard is broken


def test_the_air_standard_is_still_a_maximum() -> None:
    assert judge_24h_mean("pm10", Decimal("121"), on=DAY).over_standard is True
    assert judge_24h_mean("pm10", Decimal("120"), on=DAY).over_standard is False


def test_days_below_the_oxygen_minimum_are_counted_and_an_area_day_is_its_lowest_station(
    session: Session,
) -> None:
    upstream = make_station(session, area="Lam Takhong")
    downstream = make_station(session, area="Lam Takhong")
    publish(session, upstream.code, "do", DAY, flat("6.5"))
    publish(session, downstream.code, "do", DAY, flat("3.2"))
    publish(session, upstream.code, "do", date(2026, 3, 3), flat("5.8"))
    publish(session, downstream.code, "do", date(2026, 3, 3), flat("4.4"))
    figures = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        parameter="do",
        area="Lam Takhong",
        start=DAY,
        end=date(2026, 3, 3),
        zone=ZONE,
    )
    assert figures.standard_series == "th-sw3-do"
    assert figures.standards[0].bound == "lower"
    assert figures.exceedances.days == 1
    assert [(d.value, d.over_standard, d.station_code) for d in figures.days] == [
        (3.2, True, downstream.code),
        (4.4, False, downstream.code),
    ]
    assert (figures.worst_day.value, figures.worst_day.day) == (3.2, DAY)
    assert figures.period_mean.value == pytest.approx(3.8)
    assert figures.aqi_bands.valid_days_without_scale == 2
    by_station = {s.station_code: s for s in figures.stations}
    assert by_station[upstream.code].exceedance_days == 0
    assert by_station[upstream.code].worst_value == 5.8
    assert by_station[downstream.code].exceedance_days == 1


def test_a_ph_day_outside_the_range_on_either_side_counts(session: Session) -> None:
    station = make_station(session, area="Lam Takhong")
    for offset, value in enumerate(("4.5", "7.0", "9.8")):
        publish(session, station.code, "ph", date(2026, 3, 2 + offset), flat(value))
    figures = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        parameter="ph",
        station_code=station.code,
        start=DAY,
        end=date(2026, 3, 4),
        zone=ZONE,
    )
    assert [d.over_standard for d in figures.days] == [True, False, True]
    assert figures.exceedances.days == 2
    assert figures.worst_day.value == 9.8  # furthest from the middle of 5-9
