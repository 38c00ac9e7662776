"""Grouping by event, as plain deterministic rules: a new complaint belongs to an open
incident when it was made near it in time and place, or downwind of the same source (the
same wind, and the two places on one line along it, within WIND_RADIUS_KM), or during the
same measured peak at the station nearest to both.

Kept free of the database so that the geometry and time cases are tested directly; the
service (core/complaints/incidents.py) feeds it the candidates and the peak check."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.kit.geo import haversine_m

TIME_WINDOW = timedelta(hours=3)
"""Complaints this close in time to an incident's span may be the same event."""
NEAR_KM = 2.0
"""…when they are also this close to its centre."""
PEAK_MAX_SPAN = timedelta(hours=24)
"""A measured peak is followed at most this long: longer is an episode, not an event."""

WIND_RADIUS_KM = 5.0
"""Complaints farther apart than this are not put together by the wind alone."""
PLUME_HALF_ANGLE = 30.0
"""How far (degrees) the line between two places may turn from the wind's axis and still
be one plume: the wind sectors are 45 degrees wide."""
SECTOR_DEGREES = {"N": 0, "NE": 45, "E": 90, "SE": 135, "S": 180, "SW": 225, "W": 270, "NW": 315}

PeakCheck = Callable[[str, datetime, datetime], bool]
"""Whether the station's hourly means stayed over the standard from the first to the last
moment given (both inclusive, by clock hour)."""


@dataclass(frozen=True)
class Sighting:
    """The new complaint as the rules see it."""

    at: datetime
    latitude: float | None
    longitude: float | None
    village: str | None
    peak_station: str | None
    """The nearest station with evidence, when that evidence shows the standard exceeded."""
    wind_sector: str | None = None
    """Where the wind came from in that hour (N, NE, … NW), where wind is measured."""


@dataclass(frozen=True)
class Candidate:
    """An open incident as the rules see it."""

    id: int
    started_at: datetime
    ended_at: datetime
    latitude: float | None
    longitude: float | None
    village: str | None
    peak_station: str | None
    wind_sector: str | None = None
    """The wind of its complaints (the first measured)."""


def _points(candidate: Candidate, sighting: Sighting) -> tuple[float, float, float, float] | None:
    """The incident's centre and the complaint's point, when both are known."""
    if (
        candidate.latitude is None
        or candidate.longitude is None
        or sighting.latitude is None
        or sighting.longitude is None
    ):
        return None
    return candidate.latitude, candidate.longitude, sighting.latitude, sighting.longitude


def distance_km(candidate: Candidate, sighting: Sighting) -> float | None:
    """Between the incident's centre and the complaint's point; None without both."""
    points = _points(candidate, sighting)
    return haversine_m(*points) / 1000 if points is not None else None


def near_in_place(candidate: Candidate, sighting: Sighting) -> bool:
    """Within NEAR_KM when both have a point; else in the same village."""
    km = distance_km(candidate, sighting)
    if km is not None:
        return km <= NEAR_KM
    return sighting.village is not None and sighting.village == candidate.village


def near_in_time(candidate: Candidate, sighting: Sighting) -> bool:
    return candidate.started_at - TIME_WINDOW <= sighting.at <= candidate.ended_at + TIME_WINDOW


def same_peak(candidate: Candidate, sighting: Sighting, peak: PeakCheck) -> bool:
    """The same station over the standard for both, with no dip in between."""
    station = sighting.peak_station
    if station is None or station != candidate.peak_station:
        return False
    first = min(candidate.started_at, sighting.at)
    last = max(candidate.ended_at, sighting.at)
    if last - first > PEAK_MAX_SPAN:
        return False
    return peak(station, first, last)


def bearing_degrees(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The initial compass bearing from the first point to the second, 0 <= b < 360."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    y = math.sin(dlon) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    return math.degrees(math.atan2(y, x)) % 360


def _off_axis(bearing: float, axis: float) -> float:
    """The angle between a bearing and an axis, either way along it (0..90)."""
    turn = abs(bearing - axis) % 180
    return min(turn, 180 - turn)


def downwind_alike(candidate: Candidate, sighting: Sighting) -> bool:
    """Both with the wind from the same sector, near in time, within WIND_RADIUS_KM, and
    one place downwind of the other: the line between them runs along the wind."""
    wind = sighting.wind_sector
    if wind is None or wind != candidate.wind_sector or not near_in_time(candidate, sighting):
        return False
    points = _points(candidate, sighting)
    if points is None or haversine_m(*points) / 1000 > WIND_RADIUS_KM:
        return False
    if points[:2] == points[2:]:
        return True
    bearing = bearing_degrees(*points)
    return _off_axis(bearing, SECTOR_DEGREES[wind]) <= PLUME_HALF_ANGLE


def same_event(candidate: Candidate, sighting: Sighting, peak: PeakCheck) -> bool:
    if near_in_time(candidate, sighting) and near_in_place(candidate, sighting):
        return True
    if downwind_alike(candidate, sighting):
        return True
    return same_peak(candidate, sighting, peak)


def choose_incident(
    candidates: Iterable[Candidate], sighting: Sighting, peak: PeakCheck
) -> Candidate | None:
    """The matching incident nearest in place (then in time, then the oldest), so that the
    answer never depends on the order the database returned them in."""

    def rank(candidate: Candidate) -> tuple[float, float, int]:
        km = distance_km(candidate, sighting)
        gap = max(
            (candidate.started_at - sighting.at).total_seconds(),
            (sighting.at - candidate.ended_at).total_seconds(),
            0.0,
        )
        return (km if km is not None else NEAR_KM, gap, candidate.id)

    matching = [c for c in candidates if same_event(c, sighting, peak)]
    return min(matching, key=rank, default=None)
