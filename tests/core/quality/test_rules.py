"""Each quality-control rule on realistic values, and the US EPA correction against the
worked values carried with its source in the standards file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.models import QualityFlag, StationKind
from core.quality.correction import epa_corrected_milli, epa_corrected_pm25, epa_correction
from core.quality.rules import (
    check_age,
    check_humidity,
    check_range,
    check_spike,
    check_stuck,
    grade,
    is_low_cost,
)
from core.standards.parameters import BY_CODE, ParameterInfo

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
PM25, PM10, TEMPERATURE, HUMIDITY = (
    BY_CODE[c] for c in ("pm25", "pm10", "temperature", "humidity")
)


def milli(value: str) -> int:
    return int(Decimal(value) * 1000)


@pytest.mark.parametrize(
    ("parameter", "value", "flagged"),
    [
        (PM25, "850", False),  # Chiang Mai's worst smoke hours, in range
        (PM25, "999.9", False),  # the SDS011's and PMS5003's top of scale
        (PM25, "1200", True),  # beyond any low-cost sensor's scale
        (PM10, "1850", False),  # a quarry haul road with trucks
        (PM10, "2500", True),
        (TEMPERATURE, "44.6", False),  # Thailand's record (Tak, 2023)
        (TEMPERATURE, "55", True),  # a sensor in the sun or a broken one
        (TEMPERATURE, "-12", True),
    ],
)
def test_outside_the_plausible_range_is_invalid(
    parameter: ParameterInfo, value: str, flagged: bool
) -> None:
    finding = check_range(parameter, milli(value))
    assert (finding is not None) == flagged
    if finding is not None:
        assert finding.flag == QualityFlag.INVALID
        assert finding.rule == "range"
        assert "outside the plausible range" in finding.detail


def test_too_old_unless_declared_backfill() -> None:
    three_days = NOW - timedelta(days=3)  # a backlog after an outage
    ten_days = NOW - timedelta(days=10)  # a clock that was set back
    assert check_age(three_days, NOW, backfill=False) is None
    finding = check_age(ten_days, NOW, backfill=False)
    assert finding is not None
    assert (finding.flag, finding.rule) == (QualityFlag.SUSPECT, "too_old")
    assert "10 days old" in finding.detail
    assert check_age(NOW - timedelta(days=400), NOW, backfill=True) is None


def test_stuck_after_ten_identical_pollutant_values() -> None:
    assert check_stuck(PM25, milli("35.2"), 9) is None
    finding = check_stuck(PM25, milli("35.2"), 10)
    assert finding is not None
    assert (finding.flag, finding.rule) == (QualityFlag.SUSPECT, "stuck")
    assert "35.2 ug/m3 10 times in a row" in finding.detail
    # Humidity at 100 % through a rainy morning is real.
    assert check_stuck(HUMIDITY, milli("100"), 40) is None


def test_a_spike_is_a_jump_from_a_recent_neighbour() -> None:
    before = NOW - timedelta(minutes=1)
    finding = check_spike(PM10, milli("700"), NOW, before, milli("80"))
    assert finding is not None
    assert (finding.flag, finding.rule) == (QualityFlag.SUSPECT, "spike")
    assert finding.detail.startswith("+620 ug/m3")
    assert check_spike(PM10, milli("400"), NOW, before, milli("80")) is None
    # Two hours apart the readings are no neighbours.
    assert check_spike(PM10, milli("700"), NOW, NOW - timedelta(hours=2), milli("80")) is None
    # A drop counts too.
    drop = check_spike(TEMPERATURE, milli("18"), NOW, before, milli("31"))
    assert drop is not None
    assert drop.detail.startswith("-13 degC")
    assert check_spike(PM10, milli("700"), NOW, None, None) is None


def test_humid_air_makes_a_low_cost_pm_reading_suspect() -> None:
    finding = check_humidity(PM25, low_cost=True, humidity_milli=milli("97.5"))
    assert finding is not None
    assert (finding.flag, finding.rule) == (QualityFlag.SUSPECT, "humidity")
    assert check_humidity(PM25, low_cost=True, humidity_milli=milli("95")) is None
    assert check_humidity(PM25, low_cost=False, humidity_milli=milli("99")) is None
    assert check_humidity(TEMPERATURE, low_cost=True, humidity_milli=milli("99")) is None
    assert check_humidity(PM10, low_cost=True, humidity_milli=None) is None
    assert is_low_cost(StationKind.VOLUNTEER)
    assert not is_low_cost(StationKind.REFERENCE)
    assert not is_low_cost(StationKind.FACTORY)


def test_the_worst_finding_grades_and_every_detail_is_kept() -> None:
    graded = grade(
        [
            check_humidity(PM25, low_cost=True, humidity_milli=milli("98")),
            None,
            check_range(PM25, milli("1500")),
        ]
    )
    assert (graded.flag, graded.rule) == (QualityFlag.INVALID, "range")
    assert "plausible range" in graded.detail
    assert "humidity 98 %" in graded.detail
    assert grade([None, None]).flag == QualityFlag.VALID


def test_epa_correction_matches_the_worked_values_of_the_standards_file() -> None:
    correction = epa_correction()
    assert correction.id == "epa-purpleair-extended-2021-10"
    assert "Barkjohn" in correction.authority
    assert len(correction.examples_derived) == 5
    for example in correction.examples_derived:
        # Published to 0.001 ug/m3, the precision dustwatch stores.
        stored = epa_corrected_milli(milli(str(example.x)), milli(str(example.RH)))
        assert stored == milli(str(example.y)), example


def test_epa_correction_of_the_us_wide_formula_and_its_floor() -> None:
    # Below 30 ug/m3 it is the 2021 US-wide fit: 0.524*PA - 0.0862*RH + 5.75.
    assert epa_corrected_milli(milli("25"), milli("80")) == milli("11.954")
    # Clean, humid air would give a negative concentration: 0 instead.
    assert epa_corrected_milli(milli("2"), milli("90")) == 0
    # The pieces join: just below and at 50 ug/m3 agree to a thousandth.
    assert abs(
        epa_corrected_pm25(Decimal("49.999"), Decimal(60))
        - epa_corrected_pm25(Decimal(50), Decimal(60))
    ) < Decimal("0.002")
