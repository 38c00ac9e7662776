"""A station's history for the public pages: hourly means with every hour listed, and daily
24-hour means judged against the Thai standard in force on each local day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE
from core.kit.errors import InvalidInput, NotFound
from core.public.history import daily_series, hourly_series
from core.public.status import public_status
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station

ZONE = ZoneInfo("Asia/Bangkok")


def send(session: Session, code: str, readings: list[tuple[datetime, float]], **extra: str) -> None:
    body = [
        {"parameter": extra.get("parameter", "pm25"), "value": value, "time": t.isoformat()}
        for t, value in readings
    ]
    received = max(t for t, _ in readings) + timedelta(minutes=1)
    message = IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(body).encode(), received)
    ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone())


def test_hourly_means_list_every_hour_with_local_times(session: Session) -> None:
    make_station(session, code="h-1")
    now = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    send(
        session,
        "h-1",
        [
            (datetime(2026, 11, 22, 7, 5, tzinfo=UTC), 1.001),
            (datetime(2026, 11, 22, 7, 35, tzinfo=UTC), 1.002),  # mean 1.0015 → 1.002
            (datetime(2026, 11, 22, 9, 0, tzinfo=UTC), 40.0),
            (datetime(2026, 11, 22, 10, 10, tzinfo=UTC), 99.0),  # the hour in progress
        ],
    )
    series = hourly_series(
        session, code="h-1", parameter="pm25", hours=3, now=now, zone=ZONE, scope=PUBLIC_SCOPE
    )
    assert series.start == datetime(2026, 11, 22, 7, tzinfo=UTC)
    assert series.end == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert series.end_local.isoformat() == "2026-11-22T17:00:00+07:00"
    assert [(h.hour_local.hour, h.mean, h.reading_count) for h in series.hours] == [
        (14, 1.002, 2),
        (15, None, 0),
        (16, 40.0, 1),
    ]
    assert (series.standard_id, series.standard_limit) == ("th-pm25-24h-2023", 37.5)


def test_hourly_means_of_a_hidden_station_or_a_bad_request_are_refused(session: Session) -> None:
    make_station(session, code="h-private", public=False)
    make_station(session, code="h-2")
    now = datetime(2026, 11, 22, tzinfo=UTC)
    with pytest.raises(NotFound):
        hourly_series(
            session,
            code="h-private",
            parameter="pm25",
            hours=24,
            now=now,
            zone=ZONE,
            scope=PUBLIC_SCOPE,
        )
    with pytest.raises(InvalidInput, match="hours"):
        hourly_series(
            session, code="h-2", parameter="pm25", hours=745, now=now, zone=ZONE, scope=PUBLIC_SCOPE
        )
    with pytest.raises(InvalidInput, match="unknown parameter"):
        hourly_series(
            session, code="h-2", parameter="dust", hours=24, now=now, zone=ZONE, scope=PUBLIC_SCOPE
        )


def local_hours(day: date, count: int) -> list[datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return [start + timedelta(hours=h) for h in range(count)]


def test_daily_means_use_the_standard_in_force_each_day(session: Session) -> None:
    """45 µg/m³ was within the PM2.5 standard of 50 until 31 May 2023 and over the 37.5 of
    1 June 2023; a day with 17 hours of data is not judged."""
    station = make_station(session, code="d-1")
    for day, hours in ((date(2023, 5, 30), 17), (date(2023, 5, 31), 24), (date(2023, 6, 1), 18)):
        send(session, "d-1", [(t, 45.0) for t in local_hours(day, hours)])
    series = daily_series(
        session, station=station, parameter="pm25", today=date(2023, 6, 2), zone=ZONE
    )
    assert len(series.days) == 30
    assert (series.start, series.end) == (date(2023, 5, 4), date(2023, 6, 3))
    first = series.days[:4]
    assert [(d.day, d.mean, d.hours_with_data, d.valid) for d in first] == [
        (date(2023, 6, 2), None, 0, False),
        (date(2023, 6, 1), 45.0, 18, True),
        (date(2023, 5, 31), 45.0, 24, True),
        (date(2023, 5, 30), None, 17, False),
    ]
    assert [(d.standard_limit, d.over_standard) for d in first] == [
        (37.5, None),
        (37.5, True),
        (50.0, False),
        (50.0, None),
    ]
    assert (series.valid_days, series.exceedance_days) == (2, 1)


def test_status_gives_local_times_the_zone_and_the_scale(session: Session) -> None:
    make_station(session, code="s-1", area="Village A")
    now = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    send(session, "s-1", [(now - timedelta(hours=h), 30.0) for h in range(1, 25)])
    status = public_status(session, now=now, zone=ZONE)
    assert status.generated_at_local.isoformat() == "2026-11-22T17:30:00+07:00"
    assert (status.time_zone, status.scale) == ("Asia/Bangkok", "th-pcd-2023")
    station = next(s for s in status.stations if s.code == "s-1")
    [pm25] = station.parameters
    assert pm25.latest_time_local.isoformat() == "2026-11-22T16:30:00+07:00"
    assert pm25.scale_id == "th-pcd-2023"
    assert station.last_reading_time == now - timedelta(hours=1)
    [village] = [a for a in status.areas if a.area == "Village A"]
    assert (village.worst_station, village.aqi) == ("s-1", station.aqi)
    [words] = village.parameters
    assert (words.average_24h, words.standard_limit, words.over_standard) == (30.0, 37.5, False)


def test_a_village_takes_the_band_of_its_worst_station(session: Session) -> None:
    for code, value in (("w-clean", 10.0), ("w-dirty", 60.0), ("w-silent", None)):
        make_station(session, code=code, area="Village W")
        if value is not None:
            now = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
            send(session, code, [(now - timedelta(hours=h), value) for h in range(1, 25)])
    status = public_status(session, now=datetime(2026, 11, 22, 10, 30, tzinfo=UTC), zone=ZONE)
    [village] = [a for a in status.areas if a.area == "Village W"]
    assert village.worst_station == "w-dirty"
    assert village.band is not None
    assert village.band.color == "orange"
    assert village.station_codes == ["w-clean", "w-dirty", "w-silent"]
    assert village.parameters[0].over_standard is True
