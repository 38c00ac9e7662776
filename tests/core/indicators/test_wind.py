"""Wind: sectors of the compass, and hourly directions as vector means, never arithmetic."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from core.indicators.wind import hourly_wind, sector_of, vector_mean_direction, wind_sector_at
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station

HOUR = datetime(2026, 3, 1, 5, tzinfo=UTC)
RECEIVED = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("degrees", "sector"),
    [(0, "N"), (360, "N"), (22.4, "N"), (22.5, "NE"), (90, "E"), (200, "S"), (337.5, "N")],
)
def test_sectors(degrees: float, sector: str) -> None:
    assert sector_of(degrees) == sector


def test_350_and_10_degrees_mean_north_not_south() -> None:
    assert vector_mean_direction([(350, None), (10, None)]) == 0
    assert vector_mean_direction([(350, 1.0), (10, 1.0)]) == 0
    assert vector_mean_direction([(90, 3.0), (180, 3.0)]) == pytest.approx(135)
    assert vector_mean_direction([(90, 1.0), (270, 1.0)]) is None  # they cancel out
    assert vector_mean_direction([]) is None


def publish_wind(
    session: Session, code: str, readings: list[tuple[datetime, float, float | None]]
) -> None:
    """(time, direction, speed or None) readings of one station."""
    items: list[dict[str, object]] = []
    for moment, direction, speed in readings:
        items.append(
            {"parameter": "wind_direction", "value": direction, "time": moment.isoformat()}
        )
        if speed is not None:
            items.append({"parameter": "wind_speed", "value": speed, "time": moment.isoformat()})
    messages = [
        IncomingMessage(
            f"dustwatch/v1/readings/{code}", json.dumps(items[i : i + 1000]).encode(), RECEIVED
        )
        for i in range(0, len(items), 1000)
    ]
    outcome = ingest_messages(
        session, messages=messages, topic_prefix="dustwatch/v1", zone=default_zone()
    )
    assert outcome.rejected == 0, outcome.rejections


def test_an_hour_of_350_and_10_degrees_is_a_north_wind(session: Session) -> None:
    station = make_station(session)
    half = timedelta(minutes=30)
    publish_wind(
        session,
        station.code,
        [(HOUR, 350, 2.0), (HOUR + half, 10, 4.0), (HOUR + 2 * half, 180, None)],
    )
    winds = hourly_wind(session, [station.id], HOUR, HOUR + timedelta(hours=2))
    first = winds[HOUR]
    assert (first.sector, first.speed, first.readings) == ("N", 3.0, 2)
    assert first.direction == pytest.approx(3.3, abs=0.1)  # the stronger 10 degrees pulls east
    second = winds[HOUR + timedelta(hours=1)]
    assert (second.sector, second.speed) == ("S", None)
    found = wind_sector_at(session, HOUR + timedelta(minutes=59), near=(14.68, 100.87))
    assert found is not None
    assert found.sector == "N"
    assert wind_sector_at(session, HOUR, near=(13.7, 100.5)) is None  # Bangkok: none near
