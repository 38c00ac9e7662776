"""Poison messages: what no database can store (NUL, lone surrogates) or no clock can express
(times that overflow) is kept as a rejection, and the readings after it are stored. A
writer that stops committing shows in /health. Real Mosquitto; PostgreSQL and SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from core.kit.db import make_engine
from core.models import Reading, RejectedMessage
from tests.ingest.test_nothing_lost import add_station, running
from tests.support import Device, Mosquitto, wait_for

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def database(backend: str, fresh_database_url: str) -> Iterator[tuple[str, Engine]]:
    engine = make_engine(fresh_database_url)
    yield fresh_database_url, engine
    engine.dispose()


def reading(value: float, minutes_ago: int) -> dict[str, object]:
    return {
        "parameter": "pm10",
        "value": value,
        "time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
    }


def stored_values(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(Reading.value_milli)))


def rejections(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(RejectedMessage.payload, RejectedMessage.reason).order_by(RejectedMessage.id)
        )
        return [(row.payload, row.reason) for row in rows]


def test_poison_messages_become_rejections_and_the_readings_after_them_are_stored(
    mosquitto: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    topic = f"{topic_prefix}/readings/{add_station(engine)}"
    poison: list[bytes] = [
        b"\x00\x01\x02\x03 not json \x00",
        json.dumps({"\u0000": 1}).encode(),
        json.dumps({"\ud800": 1}).encode(),
        json.dumps(
            [
                {"parameter": "pm10", "value": 5, "time": "9999-12-31T23:59:59-14:00"},
                reading(1, 30),
                {"parameter": "pm10", "value": 6, "time": "0001-01-01T00:00:00+14:00"},
            ]
        ).encode(),
    ]
    with running(url, mosquitto, topic_prefix) as runtime:
        device = Device(host="127.0.0.1", port=mosquitto.port)
        for payload in poison:
            device.publish(topic, payload)
        for value in (2, 3, 4):
            device.publish(topic, reading(value, 30 - value))
        device.close()
        wait_for(
            lambda: stored_values(engine) == [1000, 2000, 3000, 4000],
            timeout=20,
            what="the readings around and after the poison",
        )
        health = TestClient(runtime.app).get("/health")
    kept = rejections(engine)
    assert len(kept) == 5
    assert "not json" in kept[0][0]
    assert "\x00" not in kept[0][0]
    assert kept[0][1].startswith("payload is not JSON")
    assert "Extra inputs are not permitted" in kept[1][1]
    assert "valid string" in kept[2][1]
    assert [reason.split(":")[0] for _, reason in kept[3:]] == ["reading 0", "reading 2"]
    assert all("outside the range" in reason for _, reason in kept[3:])
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    ingest = next(c for c in health.json()["components"] if c["name"] == "ingest")
    assert ingest["detail"]["rejected"] == 5
    assert ingest["detail"]["accepted"] == 4


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_writer_that_stopped_committing_shows_in_health(
    mosquitto: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    topic = f"{topic_prefix}/readings/{add_station(engine)}"
    with running(url, mosquitto, topic_prefix, stall_seconds=1) as runtime:
        client = TestClient(runtime.app)
        assert client.get("/health").json()["status"] == "ok"
        with engine.connect() as blocker:
            # Another transaction holds the table: the writer's insert waits on it.
            blocker.execute(text("LOCK TABLE reading IN ACCESS EXCLUSIVE MODE"))
            device = Device(host="127.0.0.1", port=mosquitto.port)
            device.publish(topic, reading(1, 5))
            device.close()
            degraded = wait_for(
                lambda: (r := client.get("/health")).status_code == 503 and r,
                timeout=20,
                what="/health to report the stalled writer",
            )
            blocker.rollback()
        body = degraded.json()
        assert body["status"] == "degraded"
        assert body["problems"][0].startswith("ingest: 1 waiting")
        ingest = next(c for c in body["components"] if c["name"] == "ingest")
        assert ingest["stalled"] is True
        assert ingest["detail"]["oldest_waiting_seconds"] >= 0
        wait_for(lambda: stored_values(engine) == [1000], what="the reading after the lock")
        recovered = wait_for(
            lambda: (r := client.get("/health")).status_code == 200 and r,
            what="/health ok again",
        )
        assert recovered.json()["status"] == "ok"
