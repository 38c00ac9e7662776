"""Grouping by event, as plain deterministic rules: a new complaint belongs to an open
incident when it was made near it in time and place, or during the same measured peak at
the station nearest to both.

Kept free of the database so that the geometry and time cases are tested directly; the
service (core/complaints/incidents.py) feeds it the candidates and the peak check.

"Downwind of the same source" is left for when wind is measured: a `wind_sector` field on
`Sighting` and `Candidate` (the sector the wind came from at the nearest station) and one
more rule in `same_event` (same sector, within WIND_RADIUS_KM of each other) add it without
changing the callers."""

from __future__ import annotations

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


def distance_km(candidate: Candidate, sighting: Sighting) -> float | None:
    """Between the incident's centre and the complaint's point; None without both."""
    if (
        candidate.latitude is None
        or candidate.longitude is None
        or sighting.latitude is None
        or sighting.longitude is None
    ):
        return None
    return (
        haversine_m(candidate.latitude, candidate.longitude, sighting.latitude, sighting.longitude)
        / 1000
    )


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


def same_event(candidate: Candidate, sighting: Sighting, peak: PeakCheck) -> bool:
    if near_in_time(candidate, sighting) and near_in_place(candidate, sighting):
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
