"""Simulated Na Phra Lan stations for demo mode: plausible dust, with days over the standard.

Values are deterministic for a station and a time, so a restart of the demo republishes
the same readings and the store keeps each once.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.kit.time import BANGKOK
from core.models import StationKind


@dataclass(frozen=True)
class StationSpec:
    """A demo station as registered; `owner` names its demo organisation (cli/demo/people.py)."""

    code: str
    name: str
    kind: StationKind
    owner: str
    latitude: float
    longitude: float
    area: str
    public: bool | None = None
    """None: the default for its kind (factory stations are private)."""


@dataclass(frozen=True)
class DemoStation:
    station: StationSpec
    pm10_base: float
    """Typical 24-hour PM10 in ug/m3 on an ordinary day."""
    pm25_share: float
    """PM2.5 as a share of PM10; crustal dust from quarries and mills is coarse."""
    wind: bool = False
    """Also measures wind speed and direction (an anemometer and vane on the mast)."""

    def readings(self, moment: datetime) -> dict[str, float]:
        return simulate(self, moment)


DEMO_STATIONS: tuple[DemoStation, ...] = (
    DemoStation(
        StationSpec(
            code="npl-v01",
            name="Haul road by the quarries (volunteer)",
            kind=StationKind.VOLUNTEER,
            owner="volunteers",
            latitude=14.6815,
            longitude=100.8712,
            area="Na Phra Lan",
        ),
        pm10_base=165.0,
        pm25_share=0.33,
        wind=True,
    ),
    DemoStation(
        StationSpec(
            code="npl-v02",
            name="Na Phra Lan school (volunteer)",
            kind=StationKind.VOLUNTEER,
            owner="volunteers",
            latitude=14.6741,
            longitude=100.8655,
            area="Na Phra Lan",
        ),
        pm10_base=95.0,
        pm25_share=0.38,
    ),
    DemoStation(
        StationSpec(
            code="hbg-v01",
            name="Huai Bong health centre (volunteer)",
            kind=StationKind.VOLUNTEER,
            owner="volunteers",
            latitude=14.7003,
            longitude=100.8968,
            area="Huai Bong",
        ),
        pm10_base=62.0,
        pm25_share=0.42,
    ),
    DemoStation(
        StationSpec(
            code="pkh-r01",
            name="Phu Khae reference monitor",
            kind=StationKind.REFERENCE,
            owner="backbone",
            latitude=14.6512,
            longitude=100.9041,
            area="Phu Khae",
        ),
        pm10_base=48.0,
        pm25_share=0.45,
        wind=True,
    ),
    DemoStation(
        StationSpec(
            code="npl-f01",
            name="Stone mill fence line (operator)",
            kind=StationKind.FACTORY,
            owner="factory-a",
            latitude=14.6788,
            longitude=100.8749,
            area="Na Phra Lan",
        ),
        pm10_base=170.0,
        pm25_share=0.30,
    ),
    DemoStation(
        StationSpec(
            code="npl-f02",
            name="Quarry gate fence line (operator)",
            kind=StationKind.FACTORY,
            owner="factory-b",
            latitude=14.6852,
            longitude=100.8801,
            area="Na Phra Lan",
        ),
        pm10_base=140.0,
        pm25_share=0.32,
    ),
)


def _diurnal(hour: float) -> float:
    """Morning truck traffic and the afternoon shift change, calm at night; mean about 1."""
    morning = 0.9 * math.exp(-((hour - 8.0) ** 2) / 5.0)
    afternoon = 0.6 * math.exp(-((hour - 17.0) ** 2) / 6.0)
    return 0.62 + morning + afternoon


def seeded_random(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _day_factor(code: str, moment: datetime) -> float:
    """Some days are dustier (dry wind, more trucks); the same every run for a given day."""
    day = moment.astimezone(BANGKOK).date()
    return 0.85 + 0.45 * seeded_random(code, day).random()


def _wind(demo: DemoStation, moment: datetime, hour: float) -> dict[str, float]:
    """The dry season's north-east monsoon, veering east in the afternoon, stronger by day;
    the direction is where the wind blows from, so it wraps around north."""
    noise = seeded_random(demo.station.code, "wind", moment.isoformat())
    direction = 35.0 + 40.0 * math.sin((hour - 8.0) / 24 * 2 * math.pi) + noise.gauss(0, 25)
    speed = 1.2 + 1.8 * math.exp(-((hour - 14.0) ** 2) / 18.0) + noise.gauss(0, 0.4)
    return {"wind_speed": round(max(0.0, speed), 1), "wind_direction": round(direction % 360, 0)}


def simulate(demo: DemoStation, moment: datetime) -> dict[str, float]:
    """PM10, PM2.5 (ug/m3), temperature (degC) and humidity (%) at one station and time; wind
    speed (m/s) and direction (degrees, from) where the station measures wind."""
    local = moment.astimezone(BANGKOK)
    hour = local.hour + local.minute / 60
    noise = seeded_random(demo.station.code, moment.isoformat())
    pm10 = demo.pm10_base * _day_factor(demo.station.code, moment) * _diurnal(hour)
    pm10 *= max(0.5, noise.gauss(1.0, 0.12))
    pm25 = pm10 * demo.pm25_share + 8.0 * noise.random()
    temperature = 27.0 + 6.0 * math.sin((hour - 9.0) / 24 * 2 * math.pi) + noise.gauss(0, 0.3)
    humidity = min(98.0, max(20.0, 70.0 - 18.0 * math.sin((hour - 9.0) / 24 * 2 * math.pi)))
    values = {
        "pm10": round(pm10, 1),
        "pm25": round(pm25, 1),
        "temperature": round(temperature, 1),
        "humidity": round(humidity, 1),
    }
    return values | (_wind(demo, moment, hour) if demo.wind else {})


def times_between(start: datetime, end: datetime, step: timedelta) -> Iterator[datetime]:
    moment = start
    while moment < end:
        yield moment
        moment += step
