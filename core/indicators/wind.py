"""Hourly wind from the readings: mean speed and the vector mean of the direction.

Directions are where the wind blows from, in degrees clockwise from north. An hour's
direction is never the arithmetic mean of its degrees (350 and 10 would give 180, a south
wind, for two northerly readings): each reading is a vector of its speed (of length one when
no speed was measured at that moment) and the hour's direction is the direction of their sum.
An hour whose vectors cancel out (calm, or opposite winds) has no direction.

Read from the readings, not the hourly rollups, whose sums of degrees mean nothing; readings
flagged invalid by quality control are left out, as they are from every mean.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kit.geo import haversine_m
from core.kit.time import floor_hour
from core.models import QualityFlag, Reading, Station
from core.standards.parameters import BY_CODE, MILLI

SECTORS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
"""Eight compass sectors of 45 degrees, each centred on its direction (N: 337.5..22.5)."""
CALM_LENGTH = 1e-9
"""A resultant shorter than this (relative to the mean speed) has no direction."""
WIND_SPEED = BY_CODE["wind_speed"]
WIND_DIRECTION = BY_CODE["wind_direction"]


@dataclass(frozen=True)
class HourlyWind:
    hour: datetime
    """The UTC clock hour [hour, hour + 1 h)."""
    speed: float | None
    """Mean of the hour's speed readings (m/s); None when only directions were measured."""
    direction: float | None
    """Vector-mean direction the wind blows from, 0 <= d < 360; None when the vectors cancel."""
    readings: int
    """Direction readings counted."""

    @property
    def sector(self) -> str | None:
        return sector_of(self.direction) if self.direction is not None else None


def sector_of(degrees: float) -> str:
    """The compass sector (N, NE, ... NW) a direction falls in; 360 is north."""
    return SECTORS[int(((degrees % 360) + 22.5) // 45) % len(SECTORS)]


def vector_mean_direction(pairs: Collection[tuple[float, float | None]]) -> float | None:
    """The direction of the sum of (direction in degrees, speed or None) vectors; a reading
    without a speed counts as a unit vector. None when there are none or they cancel."""
    east = north = 0.0
    total = 0.0
    for degrees, speed in pairs:
        length = 1.0 if speed is None else speed
        radians = math.radians(degrees)
        east += length * math.sin(radians)
        north += length * math.cos(radians)
        total += length
    if not pairs or math.hypot(east, north) <= CALM_LENGTH * max(total, 1.0):
        return None
    return round(math.degrees(math.atan2(east, north)), 6) % 360


def _readings(
    session: Session,
    station_ids: Collection[int],
    parameter_id: int,
    start: datetime,
    end: datetime,
) -> list[tuple[int, datetime, int]]:
    return [
        (row.station_id, row.time, row.value_milli)
        for row in session.execute(
            select(Reading.station_id, Reading.time, Reading.value_milli).where(
                Reading.station_id.in_(station_ids),
                Reading.parameter_id == parameter_id,
                Reading.time >= start,
                Reading.time < end,
                Reading.quality_flag != QualityFlag.INVALID,
            )
        )
    ]


def hourly_wind(
    session: Session, station_ids: Collection[int], start: datetime, end: datetime
) -> dict[datetime, HourlyWind]:
    """Each UTC hour in [start, end) with a direction reading at any of the stations: the
    mean speed and the vector-mean direction over all of them."""
    if not station_ids or start >= end:
        return {}
    speeds: dict[tuple[int, datetime], float] = {
        (station, moment): value / float(MILLI)
        for station, moment, value in _readings(session, station_ids, WIND_SPEED.id, start, end)
    }
    directions: dict[datetime, list[tuple[float, float | None]]] = defaultdict(list)
    for station, moment, value in _readings(session, station_ids, WIND_DIRECTION.id, start, end):
        directions[floor_hour(moment)].append((value / float(MILLI), speeds.get((station, moment))))
    hourly_speeds: dict[datetime, list[float]] = defaultdict(list)
    for (_, moment), speed in speeds.items():
        hourly_speeds[floor_hour(moment)].append(speed)
    return {
        hour: HourlyWind(
            hour=hour,
            speed=(
                sum(hourly_speeds[hour]) / len(hourly_speeds[hour])
                if hourly_speeds.get(hour)
                else None
            ),
            direction=vector_mean_direction(pairs),
            readings=len(pairs),
        )
        for hour, pairs in sorted(directions.items())
    }


WIND_RADIUS_KM = 10.0
"""How far a wind station may be from the place asked about to stand for its wind."""


def wind_stations_near(
    session: Session, latitude: float, longitude: float, *, radius_km: float = WIND_RADIUS_KM
) -> list[int]:
    """Public stations within `radius_km` that have ever reported a wind direction, nearest
    first."""
    measured = select(Reading.station_id).where(Reading.parameter_id == WIND_DIRECTION.id)
    stations = session.scalars(
        select(Station).where(Station.public.is_(True), Station.id.in_(measured.distinct()))
    ).all()
    distances = [
        (haversine_m(latitude, longitude, s.latitude, s.longitude) / 1000, s.id) for s in stations
    ]
    return [station_id for km, station_id in sorted(distances) if km <= radius_km]


def wind_sector_at(
    session: Session,
    moment: datetime,
    *,
    station_ids: Collection[int] | None = None,
    near: tuple[float, float] | None = None,
) -> HourlyWind | None:
    """The wind of the UTC hour containing `moment`, from the stations given or the wind
    stations within 10 km of `near` (latitude, longitude); None when none measured it."""
    ids = list(station_ids or [])
    if not ids and near is not None:
        ids = wind_stations_near(session, near[0], near[1])
    hour = floor_hour(moment)
    return hourly_wind(session, ids, hour, hour + timedelta(hours=1)).get(hour)
