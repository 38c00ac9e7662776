"""The quantities dustwatch stores, each with one fixed unit, the range of values that are
physically possible (outside it a value is refused) and the narrower plausible range (outside
it a value is stored but quality control flags it invalid).

Ids are part of the stored data (readings hold the id, not the code) and are seeded by the
migrations; they are never reused or renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ParameterInfo:
    id: int
    code: str
    name: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    """Physically possible values (as far as a sensor can report them); beyond: refused."""
    plausible_low: Decimal
    plausible_high: Decimal
    """Values a working instrument in Thailand reports; beyond: stored, flagged invalid."""
    pollutant: str | None = None
    """The pollutant name used by the standards file, for those that have standards."""


PARAMETERS: tuple[ParameterInfo, ...] = (
    ParameterInfo(
        1, "pm25", "PM2.5", "ug/m3", Decimal(0), Decimal(5000), Decimal(0), Decimal(1000), "PM2.5"
    ),
    ParameterInfo(
        2, "pm10", "PM10", "ug/m3", Decimal(0), Decimal(10000), Decimal(0), Decimal(2000), "PM10"
    ),
    ParameterInfo(
        3,
        "tsp",
        "Total suspended particulates",
        "ug/m3",
        Decimal(0),
        Decimal(20000),
        Decimal(0),
        Decimal(5000),
    ),
    ParameterInfo(
        4, "o3", "Ozone", "ppb", Decimal(0), Decimal(1000), Decimal(0), Decimal(500), "O3"
    ),
    ParameterInfo(
        5,
        "no2",
        "Nitrogen dioxide",
        "ppb",
        Decimal(0),
        Decimal(2000),
        Decimal(0),
        Decimal(1000),
        "NO2",
    ),
    ParameterInfo(
        6,
        "so2",
        "Sulphur dioxide",
        "ppb",
        Decimal(0),
        Decimal(2000),
        Decimal(0),
        Decimal(1000),
        "SO2",
    ),
    ParameterInfo(
        7, "co", "Carbon monoxide", "ppm", Decimal(0), Decimal(1000), Decimal(0), Decimal(100), "CO"
    ),
    ParameterInfo(
        8,
        "temperature",
        "Air temperature",
        "degC",
        Decimal(-40),
        Decimal(70),
        Decimal(-10),
        Decimal(50),
    ),
    ParameterInfo(
        9, "humidity", "Relative humidity", "%", Decimal(0), Decimal(100), Decimal(0), Decimal(100)
    ),
    ParameterInfo(
        10,
        "pressure",
        "Air pressure",
        "hPa",
        Decimal(300),
        Decimal(1100),
        Decimal(700),
        Decimal(1090),
    ),
    # A stack's particulate emission, as factories report it (dry, at normal conditions).
    ParameterInfo(
        11,
        "stack_pm",
        "Stack particulate matter",
        "mg/Nm3",
        Decimal(0),
        Decimal(10000),
        Decimal(0),
        Decimal(5000),
    ),
    # Wind, for the wind sector of a measured change or a complaint. The direction is where
    # the wind blows from (meteorological convention), 0 and 360 both north; hourly values
    # are vector means (core/indicators/wind.py), never arithmetic means of degrees.
    ParameterInfo(
        12, "wind_speed", "Wind speed", "m/s", Decimal(0), Decimal(100), Decimal(0), Decimal(60)
    ),
    ParameterInfo(
        13,
        "wind_direction",
        "Wind direction (from)",
        "deg",
        Decimal(0),
        Decimal(360),
        Decimal(0),
        Decimal(360),
    ),
    # Surface water quality (the water case). Ids 12-20 are left to air and weather.
    ParameterInfo(
        21,
        "do",
        "Dissolved oxygen",
        "mg/L",
        Decimal(0),
        Decimal(50),
        Decimal(0),
        Decimal(20),
        "DO",
    ),
    ParameterInfo(
        22,
        "bod",
        "Biochemical oxygen demand (BOD5)",
        "mg/L",
        Decimal(0),
        Decimal(100000),
        Decimal(0),
        Decimal(20000),
        "BOD",
    ),
    ParameterInfo(23, "ph", "pH", "pH", Decimal(0), Decimal(14), Decimal(2), Decimal(12), "pH"),
    ParameterInfo(
        24,
        "nh3n",
        "Ammonia nitrogen (NH3-N)",
        "mg/L",
        Decimal(0),
        Decimal(10000),
        Decimal(0),
        Decimal(1000),
        "NH3-N",
    ),
)

BY_CODE: dict[str, ParameterInfo] = {p.code: p for p in PARAMETERS}
BY_ID: dict[int, ParameterInfo] = {p.id: p for p in PARAMETERS}

MILLI = Decimal(1000)


def parameter_by_code(code: str) -> ParameterInfo | None:
    return BY_CODE.get(code.strip().lower())


def to_milli(value: Decimal) -> int:
    """Thousandths of the unit, rounded half-up: the stored form of every value."""
    return int((value * MILLI).to_integral_value(rounding="ROUND_HALF_UP"))


def from_milli(value_milli: int) -> Decimal:
    return Decimal(value_milli) / MILLI
