"""A three-day backlog, sent after an outage in batches newest first, with hours that grow
over batches and re-sent readings: every hourly and daily rollup it touches equals a rebuild
from the raw readings, and the indicators and the station page show the days it filled."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from core.kit.means import hourly_mean_milli
from core.kit.time import floor_hour
from core.models import DailyAggregate, HourlyAggregate, Reading
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from core.standards.parameters import BY_CODE
from tests.api.conftest import Api, make_api
from tests.factories import make_station

PREFIX = "dustwatch/v1"
PM10 = BY_CODE["pm10"].id
HOURS = 72


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine)


def value(hour: int, minute: int) -> float:
    return round(30 + (hour * 37 + minute * 3) % 80 + 0.123, 3)


def reading(start: datetime, hour: int, minute: int) -> dict[str, object]:
    moment = start + timedelta(hours=hour, minutes=minute)
    return {"parameter": "pm10", "value": value(hour, minute), "time": moment.isoformat()}


def send(api: Api, code: str, readings: list[dict[str, object]], received_at: datetime) -> None:
    message = IncomingMessage(
        f"{PREFIX}/readings/{code}", json.dumps(readings).encode(), received_at
    )
    outcome = ingest_messages(
        api.session, messages=[message], topic_prefix=PREFIX, zone=default_zone()
    )
    assert outcome.rejected == 0, outcome.rejections
    api.session.commit()


def daily_table_means(html: str) -> dict[str, str]:
    """Day -> the mean cell of the station page's daily table."""
    return dict(
        re.findall(
            r'<tr data-day="([0-9-]+)"[^>]*>\s*<th[^>]*>.*?</th>\s*<td class="mean">([^<]*)<',
            html,
            flags=re.S,
        )
    )


def test_a_multi_day_backlog_updates_every_rollup_it_touches_and_what_users_see(api: Api) -> None:
    zone = default_zone()
    now = datetime.now(UTC)
    start = floor_hour(now) - timedelta(hours=HOURS)
    station = make_station(api.session)
    api.session.commit()
    first_day = start.astimezone(zone).date()
    today = now.astimezone(zone).date()
    query = {
        "parameter": "pm10",
        "station": station.code,
        "start": first_day.isoformat(),
        "end": today.isoformat(),
    }
    before = api.client.get("/indicators", params=query).json()
    page_before = api.client.get(f"/stations/{station.code}/page").text
    assert before["completeness"]["hours_with_data"] == 0

    # Newest first, a day per batch, each hour at :00, :20 and :40.
    for day in reversed(range(3)):
        batch = [reading(start, h, m) for h in range(24 * day, 24 * day + 24) for m in (0, 20, 40)]
        send(api, station.code, batch, now)
    # A last batch adds :50 to some hours already stored and sends some readings again.
    grown = [reading(start, h, 50) for h in range(0, HOURS, 5)]
    again = [reading(start, h, 20) for h in range(0, HOURS, 7)]
    send(api, station.code, grown + again, now)

    raw_hours: dict[datetime, tuple[int, int]] = {}
    for row in api.session.scalars(select(Reading).where(Reading.station_id == station.id)):
        total, count = raw_hours.get(floor_hour(row.time), (0, 0))
        raw_hours[floor_hour(row.time)] = (total + row.value_milli, count + 1)
    assert len(raw_hours) == HOURS
    assert sum(count for _, count in raw_hours.values()) == HOURS * 3 + len(grown)
    stored_hours = {
        row.hour: (row.value_sum_milli, row.reading_count)
        for row in api.session.scalars(
            select(HourlyAggregate).where(
                HourlyAggregate.station_id == station.id, HourlyAggregate.parameter_id == PM10
            )
        )
    }
    assert stored_hours == raw_hours

    raw_days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for hour, (total, count) in raw_hours.items():
        day = raw_days[hour.astimezone(zone).date()]
        day[0] += hourly_mean_milli(total, count)
        day[1] += 1
    stored_days = {
        row.day: [row.hour_mean_sum_milli, row.hours_with_data]
        for row in api.session.scalars(
            select(DailyAggregate).where(
                DailyAggregate.station_id == station.id, DailyAggregate.parameter_id == PM10
            )
        )
    }
    assert stored_days == dict(raw_days)
    assert len(stored_days) >= 3

    after = api.client.get("/indicators", params=query).json()
    assert after["completeness"]["hours_with_data"] == HOURS
    assert after["valid_days"]["valid_days"] >= 2
    assert after["period_mean"]["value"] is not None

    yesterday = (today - timedelta(days=1)).isoformat()
    assert yesterday not in daily_table_means(page_before)
    mean = daily_table_means(api.client.get(f"/stations/{station.code}/page").text)[yesterday]
    assert re.match(r"\s*[0-9.,]+\s", mean), mean
