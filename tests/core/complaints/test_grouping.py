"""Grouping by event, the rules alone: near in time and place, or the same measured peak at
the nearest station; the choice never depends on the order of the candidates."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from core.complaints.grouping import (
    NEAR_KM,
    TIME_WINDOW,
    WIND_RADIUS_KM,
    Candidate,
    Sighting,
    choose_incident,
    same_event,
)

T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
LAT, LON = 14.68, 100.87
KM_NORTH = 1 / 111.2
"""One kilometre north, in degrees of latitude."""
KM_EAST = 1 / (111.32 * math.cos(math.radians(LAT)))
"""One kilometre east, in degrees of longitude at LAT."""


def no_peak(_station: str, _first: datetime, _last: datetime) -> bool:
    return False


def always_over(_station: str, _first: datetime, _last: datetime) -> bool:
    return True


def incident(
    id: int = 1,
    *,
    start: datetime = T0,
    end: datetime | None = None,
    lat: float | None = LAT,
    lon: float | None = LON,
    village: str | None = "Na Phra Lan",
    peak: str | None = None,
    wind: str | None = None,
) -> Candidate:
    return Candidate(
        id=id,
        started_at=start,
        ended_at=end or start,
        latitude=lat,
        longitude=lon,
        village=village,
        peak_station=peak,
        wind_sector=wind,
    )


def sighting(
    at: datetime = T0,
    *,
    km_north: float = 0.0,
    point: bool = True,
    village: str | None = "Na Phra Lan",
    peak: str | None = None,
    km_east: float = 0.0,
    wind: str | None = None,
) -> Sighting:
    return Sighting(
        at=at,
        latitude=LAT + km_north * KM_NORTH if point else None,
        longitude=LON + km_east * KM_EAST if point else None,
        village=village,
        peak_station=peak,
        wind_sector=wind,
    )


def test_near_in_time_and_place_is_the_same_event_up_to_the_limits() -> None:
    assert same_event(incident(), sighting(T0 + TIME_WINDOW, km_north=1.99), no_peak)
    assert same_event(incident(), sighting(T0 - TIME_WINDOW, km_north=-1.99), no_peak)
    # Just past either limit: another event.
    assert not same_event(incident(), sighting(T0 + TIME_WINDOW + timedelta(seconds=1)), no_peak)
    assert not same_event(incident(), sighting(km_north=NEAR_KM + 0.02), no_peak)


def test_the_window_runs_from_the_incident_s_whole_span() -> None:
    long_one = incident(end=T0 + timedelta(hours=5))
    assert same_event(long_one, sighting(T0 + timedelta(hours=8)), no_peak)
    assert not same_event(long_one, sighting(T0 + timedelta(hours=8, minutes=1)), no_peak)


def test_without_a_point_the_village_decides() -> None:
    assert same_event(incident(), sighting(point=False), no_peak)
    assert not same_event(incident(), sighting(point=False, village="Far"), no_peak)
    assert not same_event(incident(lat=None, lon=None), sighting(village=None), no_peak)


def test_the_same_peak_joins_complaints_far_apart_and_hours_apart() -> None:
    later = sighting(T0 + timedelta(hours=9), km_north=2.8, peak="v-1")
    assert same_event(incident(peak="v-1"), later, always_over)
    # A dip below the standard between them: two peaks, two events.
    assert not same_event(incident(peak="v-1"), later, no_peak)
    # Another station's peak, or no exceedance at all, is not the same peak.
    assert not same_event(incident(peak="v-2"), later, always_over)
    assert not same_event(incident(peak=None), later, always_over)
    # Longer than a day is an episode, not one event.
    much_later = sighting(T0 + timedelta(hours=25), km_north=2.8, peak="v-1")
    assert not same_event(incident(peak="v-1"), much_later, always_over)


def test_the_peak_check_gets_the_whole_span_in_order() -> None:
    asked: list[tuple[str, datetime, datetime]] = []

    def record(station: str, first: datetime, last: datetime) -> bool:
        asked.append((station, first, last))
        return True

    earlier = sighting(T0 - timedelta(hours=6), km_north=5, peak="v-1")
    assert same_event(incident(end=T0 + timedelta(hours=1), peak="v-1"), earlier, record)
    assert asked == [("v-1", T0 - timedelta(hours=6), T0 + timedelta(hours=1))]


def test_the_nearest_matching_incident_wins_whatever_the_order() -> None:
    near = incident(2, lat=LAT + 0.5 * KM_NORTH)
    nearer = incident(3, lat=LAT + 0.1 * KM_NORTH)
    far = incident(4, lat=LAT + 3 * KM_NORTH)
    for order in ([near, nearer, far], [far, nearer, near], [nearer, far, near]):
        assert choose_incident(order, sighting(), no_peak) == nearer
    assert choose_incident([far], sighting(), no_peak) is None


def test_ties_go_to_the_closest_in_time_then_the_oldest() -> None:
    before = incident(5, start=T0 - timedelta(hours=2))
    now = incident(6, start=T0)
    twin = incident(7, start=T0)
    assert choose_incident([twin, before, now], sighting(), no_peak) == now


def test_downwind_of_the_same_source_is_the_same_event_along_the_wind_only() -> None:
    # North-east wind: a village 4 km to the south-west lies in the same plume.
    source_side = incident(wind="NE")
    along = sighting(km_north=-2.83, km_east=-2.83, wind="NE")
    assert same_event(source_side, along, no_peak)
    # As far away but across the wind (to the south-east): another event.
    across = sighting(km_north=-2.83, km_east=2.83, wind="NE")
    assert not same_event(source_side, across, no_peak)
    # Along the wind but with another wind, no wind measured, too far, or too late: not by wind.
    assert not same_event(source_side, sighting(km_north=-2.83, km_east=-2.83, wind="E"), no_peak)
    assert not same_event(source_side, sighting(km_north=-2.83, km_east=-2.83), no_peak)
    far = WIND_RADIUS_KM / math.sqrt(2) + 0.1
    assert not same_event(source_side, sighting(km_north=-far, km_east=-far, wind="NE"), no_peak)
    late = T0 + TIME_WINDOW + timedelta(minutes=1)
    assert not same_event(
        source_side, sighting(late, km_north=-2.83, km_east=-2.83, wind="NE"), no_peak
    )
