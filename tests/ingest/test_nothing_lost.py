"""Nothing lost: readings published while the ingest, the broker or the database is down or
crashing are all stored, each exactly once. PostgreSQL and a real Mosquitto with persistence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from cli.runtime import Runtime
from core.kit.db import make_engine
from core.models import HourlyAggregate, Reading
from core.settings import DatabaseSettings, MqttSettings, SchedulerSettings, Settings
from ingest.mqtt import MqttIngest
from tests.conftest import PostgresDatabases
from tests.factories import make_station
from tests.support import Device, Mosquitto, free_port, wait_for

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=2)


@pytest.fixture
def broker() -> Iterator[Mosquitto]:
    """A Mosquitto of this test's own, since the tests restart it."""
    mosquitto = Mosquitto.create()
    yield mosquitto
    mosquitto.remove()


@pytest.fixture
def database(postgres: PostgresDatabases) -> Iterator[tuple[str, Engine]]:
    url = postgres.create()
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def add_station(engine: Engine) -> str:
    with engine.begin() as connection:
        with Session(bind=connection) as session:
            return make_station(session).code


def batches(count: int, per_message: int) -> list[list[dict[str, object]]]:
    """`count` messages of `per_message` pm10 readings a minute apart, values 1, 2, 3, …"""
    messages = []
    for m in range(count):
        messages.append(
            [
                {
                    "parameter": "pm10",
                    "value": m * per_message + r + 1,
                    "time": (START + timedelta(minutes=m * per_message + r)).isoformat(),
                }
                for r in range(per_message)
            ]
        )
    return messages


def stored(engine: Engine) -> tuple[int, int, int]:
    """(readings, readings counted in hourly aggregates, sum of aggregated values)."""
    with engine.connect() as connection:
        readings = connection.scalar(select(func.count()).select_from(Reading))
        counted, total = connection.execute(
            select(
                func.coalesce(func.sum(HourlyAggregate.reading_count), 0),
                func.coalesce(func.sum(HourlyAggregate.value_sum_milli), 0),
            )
        ).one()
    return int(readings or 0), int(counted), int(total)


def expected(n: int) -> tuple[int, int, int]:
    return n, n, sum(range(1, n + 1)) * 1000


@contextmanager
def running_ingest(settings: Settings) -> Iterator[MqttIngest]:
    """The ingest of one dustwatch process, subscribed, stopped on exit."""
    runtime = Runtime(settings)
    runtime.start(migrate=False, scheduler=False)
    try:
        assert runtime.ingest is not None
        assert runtime.ingest.wait_until_subscribed(15)
        yield runtime.ingest
    finally:
        runtime.stop()


def publish_all(broker: Mosquitto, topic: str, payloads: list[list[dict[str, object]]]) -> None:
    device = Device(host="127.0.0.1", port=broker.port)
    for payload in payloads:
        device.publish(topic, payload)
    device.close()


def ingest_settings(url: str, broker: Mosquitto, prefix: str, **mqtt: Any) -> Settings:
    """An ingest of this test's own: its own client id (so its own broker session) and topics."""
    options = {"client_id": f"ingest-{uuid.uuid4().hex[:8]}", "batch_size": 50} | mqtt
    return Settings(
        db=DatabaseSettings(url=url),
        mqtt=MqttSettings(url=broker.url, topic_prefix=prefix, **options),
        scheduler=SchedulerSettings(enabled=False),
    )


@contextmanager
def running(url: str, broker: Mosquitto, prefix: str, **mqtt: Any) -> Iterator[Runtime]:
    """dustwatch's runtime (ingest only) on this broker, subscribed before it yields."""
    runtime = Runtime(ingest_settings(url, broker, prefix, **mqtt))
    runtime.start(migrate=False, scheduler=False)
    try:
        assert runtime.ingest is not None
        assert runtime.ingest.wait_until_subscribed(15)
        yield runtime
    finally:
        runtime.stop()


def test_readings_sent_while_ingest_and_broker_were_down_arrive_once(
    broker: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    code = add_station(engine)
    settings = ingest_settings(url, broker, topic_prefix)
    with running_ingest(settings):
        pass  # subscribed once: the broker keeps the session and queues for it

    publish_all(broker, f"{topic_prefix}/readings/{code}", batches(40, 10))
    broker.restart()  # queued messages survive in Mosquitto's persistence file

    with running_ingest(settings):
        wait_for(lambda: stored(engine)[0] == 400, what="400 readings after the restarts")
    assert stored(engine) == expected(400)


def test_database_outage_delays_but_loses_nothing(
    broker: Mosquitto,
    database: tuple[str, Engine],
    postgres: PostgresDatabases,
    topic_prefix: str,
) -> None:
    url, engine = database
    code = add_station(engine)
    name = make_url(url).database
    settings = ingest_settings(url, broker, topic_prefix)
    admin = create_engine(postgres.admin_url, isolation_level="AUTOCOMMIT")
    with running_ingest(settings) as ingest:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        try:
            publish_all(broker, f"{topic_prefix}/readings/{code}", batches(20, 10))
            wait_for(lambda: ingest.backlog == 0, what="the queue taken by the writer")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
        wait_for(lambda: stored(engine)[0] == 200, timeout=60, what="200 readings after the outage")
    assert stored(engine) == expected(200)


@pytest.mark.slow
def test_ingest_killed_mid_stream_stores_every_reading_exactly_once(
    broker: Mosquitto, database: tuple[str, Engine], topic_prefix: str, tmp_path: Path
) -> None:
    url, engine = database
    code = add_station(engine)
    port = free_port()
    env = os.environ | {
        "DUSTWATCH_DB__URL": url,
        "DUSTWATCH_MQTT__URL": broker.url,
        "DUSTWATCH_MQTT__TOPIC_PREFIX": topic_prefix,
        "DUSTWATCH_MQTT__CLIENT_ID": f"ingest-{uuid.uuid4().hex[:8]}",
        "DUSTWATCH_MQTT__BATCH_SIZE": "20",
        "DUSTWATCH_SCHEDULER__ENABLED": "false",
        "DUSTWATCH_API__PORT": str(port),
    }

    def start_service() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--no-migrate"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _ingest_connected(port), timeout=30, what="dustwatch serve to connect")
        return process

    total = 2000
    service = start_service()
    device = Device(host="127.0.0.1", port=broker.port)
    publisher = threading.Thread(
        target=lambda: [
            device.publish(f"{topic_prefix}/readings/{code}", payload)
            for payload in batches(400, 5)
        ]
    )
    publisher.start()
    wait_for(lambda: stored(engine)[0] >= 300, what="some readings stored before the crash")
    service.send_signal(signal.SIGKILL)  # no clean shutdown: batches in flight are lost in memory
    service.wait(timeout=10)
    crashed_at = stored(engine)[0]
    publisher.join(timeout=60)
    device.close()

    service = start_service()
    try:
        wait_for(lambda: stored(engine)[0] == total, timeout=60, what=f"{total} readings")
    finally:
        service.terminate()
        service.wait(timeout=15)
    assert crashed_at < total, "the crash came after everything was stored: nothing was tested"
    assert stored(engine) == expected(total)


def _ingest_connected(port: int) -> bool:
    try:
        components = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()["components"]
    except httpx.HTTPError:
        return False
    return any(c["name"] == "ingest" and c["detail"]["connected"] for c in components)


def test_a_full_queue_holds_the_broker_back_without_loss(
    broker: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    code = add_station(engine)
    settings = ingest_settings(url, broker, topic_prefix, queue_size=2, batch_size=3)
    with running_ingest(settings):
        publish_all(broker, f"{topic_prefix}/readings/{code}", batches(60, 5))
        wait_for(lambda: stored(engine)[0] == 300, what="300 readings through a queue of 2")
    assert stored(engine) == expected(300)
