"""Thai AQI (PCD) against the published breakpoints and the observed half-up rounding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.standards.aqi import compute_aqi
from core.standards.catalogue import load_standards, thai_24h_standard, thai_aqi_scale

SCALE_2023 = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("pollutant", "concentration", "index", "color"),
    [
        # PCD 2023 PM2.5: 0-15 / 15.1-25 / 25.1-37.5 / 37.6-75 / 75.1+ ug/m3
        ("pm25", "0", 0, "blue"),
        ("pm25", "15.0", 25, "blue"),
        ("pm25", "15.1", 26, "green"),
        ("pm25", "25.0", 50, "green"),
        ("pm25", "25.1", 51, "yellow"),
        ("pm25", "37.5", 100, "yellow"),  # AQI 100 = the 24-hour standard
        ("pm25", "37.6", 101, "orange"),
        ("pm25", "75.0", 200, "orange"),
        ("pm25", "75.1", None, "red"),  # open-ended band: no published index method
        ("pm25", "1.5", 3, "blue"),  # 2.5 rounds half-up to 3, not half-even to 2
        ("pm25", "37.54", 100, "yellow"),  # reduced half-up to 37.5
        ("pm25", "37.55", 101, "orange"),  # reduced half-up to 37.6
        # PCD 2023 PM10: 0-50 / 51-80 / 81-120 / 121-180 / 181+ ug/m3
        ("pm10", "49", 25, "blue"),  # 24.5 -> 25, as Air4Thai output shows
        ("pm10", "45", 23, "blue"),  # 22.5 -> 23, as Air4Thai output shows
        ("pm10", "50", 25, "blue"),
        ("pm10", "51", 26, "green"),
        ("pm10", "80", 50, "green"),
        ("pm10", "120", 100, "yellow"),
        ("pm10", "120.4", 100, "yellow"),
        ("pm10", "120.5", 101, "orange"),
        ("pm10", "180", 200, "orange"),
        ("pm10", "181", None, "red"),
    ],
)
def test_thai_aqi_matches_published_breakpoints(
    pollutant: str, concentration: str, index: int | None, color: str
) -> None:
    scale = thai_aqi_scale(pollutant, on=SCALE_2023)
    assert scale is not None
    result = compute_aqi(scale, Decimal(concentration))
    assert (result.index, result.band.color) == (index, color)


def test_interpolation_inside_a_band_rounds_half_up() -> None:
    scale = thai_aqi_scale("pm25", on=SCALE_2023)
    assert scale is not None
    # 25.1-37.5 -> 51-100: I = 49/12.4 * (30.0 - 25.1) + 51 = 70.36 -> 70
    assert compute_aqi(scale, Decimal("30.0")).index == 70


def test_bands_carry_thai_and_english_advice() -> None:
    scale = thai_aqi_scale("pm10", on=SCALE_2023)
    assert scale is not None
    band = compute_aqi(scale, Decimal("150")).band
    assert band.label_th == "เริ่มมีผลกระทบต่อสุขภาพ"
    assert band.label_en == "Starting to affect health"
    assert band.advice_th
    assert band.advice_en


def test_the_2018_scale_applies_to_periods_before_june_2023() -> None:
    scale = thai_aqi_scale("pm25", on=date(2020, 1, 15))
    assert scale is not None
    assert scale.id == "th-pcd-2018"
    # 2018 PM2.5 bands: 38-50 ug/m3 -> 51-100; 37.5 rounds half-up to 38
    assert compute_aqi(scale, Decimal("37.5")).index == 51


@pytest.mark.parametrize(
    ("day", "limit"),
    [
        (date(2023, 5, 31), Decimal(50)),
        (date(2023, 6, 1), Decimal("37.5")),
        (date(2026, 1, 1), Decimal("37.5")),
    ],
)
def test_pm25_standard_in_force_follows_effective_dates(day: date, limit: Decimal) -> None:
    standard = thai_24h_standard("pm25", on=day)
    assert standard is not None
    assert standard.limit == limit


def test_pm10_standard_is_120() -> None:
    standard = thai_24h_standard("pm10", on=date(2026, 11, 22))
    assert standard is not None
    assert (standard.id, standard.limit) == ("th-pm10-24h", Decimal(120))


def test_every_figure_carries_its_source() -> None:
    figures = load_standards()
    assert all(s.source for s in figures.standards)
    assert all(s.source for s in figures.aqi_scales)


def test_negative_concentration_is_refused() -> None:
    scale = thai_aqi_scale("pm10", on=SCALE_2023)
    assert scale is not None
    with pytest.raises(ValueError, match="negative"):
        compute_aqi(scale, Decimal("-1"))
