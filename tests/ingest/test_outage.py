"""An outage kept as a test: with the committed deploy/mosquitto/mosquitto.conf, a stopped
ingest gets back every reading of a 6-hour backlog of 200 stations (72,000 messages of 3
readings) across a broker restart, each stored once and counted once in the hourly rollups,
and the network thread never waits long on the writer. With `max_queued_messages 1000` in
that file this test fails (the broker drops the rest of the backlog)."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli.runtime import Runtime
from core.devices.credentials import mosquitto_files
from core.devices.mosquitto import hash_password
from core.devices.topics import INGEST_USER
from core.kit.db import make_engine
from core.kit.health import HealthRegistry
from core.models import HourlyAggregate, Reading, Station
from core.settings import DatabaseSettings, MqttSettings, SchedulerSettings, Settings
from core.standards.parameters import BY_CODE
from ingest.mqtt import MqttIngest
from tests.conftest import PostgresDatabases
from tests.factories import make_station
from tests.support import Mosquitto

log = logging.getLogger(__name__)

PREFIX = "dustwatch/v1"
STATIONS = 200
INTERVAL = timedelta(minutes=1)
MESSAGES_PER_STATION = 6 * 60  # six hours of one message a minute
TOTAL_MESSAGES = STATIONS * MESSAGES_PER_STATION  # 72,000
PARAMETERS = ("pm25", "pm10", "humidity")
TOTAL_READINGS = TOTAL_MESSAGES * len(PARAMETERS)
PUBLISHERS = 4
WINDOW = 1000
"""Messages a publisher has sent and the broker not yet acknowledged, at most."""
# Six whole hours that ended at least an hour ago, so no reading is in the future.
START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=8)


def value_milli(station: int, message: int, parameter: str) -> int:
    """A reading's value in thousandths, different across stations, messages and parameters."""
    if parameter == "pm25":
        return ((station * 7 + message) % 300) * 1000 + 500
    if parameter == "pm10":
        return ((station * 11 + message) % 500) * 1000 + 250
    return 40_000 + (message % 50) * 1000


def payload(station: int, message: int) -> bytes:
    at = (START + message * INTERVAL).isoformat()
    return json.dumps(
        [
            {"parameter": p, "value": value_milli(station, message, p) / 1000, "time": at}
            for p in PARAMETERS
        ]
    ).encode()


def expected_hours(codes: list[str]) -> dict[tuple[str, str, datetime], tuple[int, int]]:
    """(station, parameter, hour) -> (reading count, sum of values in thousandths)."""
    hours: dict[tuple[str, str, datetime], tuple[int, int]] = {}
    for s, code in enumerate(codes):
        for m in range(MESSAGES_PER_STATION):
            hour = (START + m * INTERVAL).replace(minute=0, second=0)
            for p in PARAMETERS:
                count, total = hours.get((code, p, hour), (0, 0))
                hours[(code, p, hour)] = (count + 1, total + value_milli(s, m, p))
    return hours


@contextmanager
def running_ingest(settings: Settings) -> Iterator[tuple[MqttIngest, HealthRegistry]]:
    runtime = Runtime(settings)
    runtime.start(migrate=False, scheduler=False)
    try:
        assert runtime.ingest is not None
        assert runtime.ingest.wait_until_subscribed(15), "the ingest did not subscribe"
        yield runtime.ingest, runtime.health
    finally:
        runtime.stop()


def publish_backlog(port: int, passwords: dict[str, str], codes: list[str]) -> float:
    """Every station's six hours, in time order, from `PUBLISHERS` clients at once with
    QoS 1 and a wide window; returns once the broker acknowledged all. Seconds taken."""

    def publish(user: str, stations: range) -> None:
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=user,
            protocol=mqtt.MQTTv311,
        )
        client.username_pw_set(user, passwords[user])
        client.max_inflight_messages_set(WINDOW)
        client.connect("127.0.0.1", port)
        client.loop_start()
        infos: list[mqtt.MQTTMessageInfo] = []
        for m in range(MESSAGES_PER_STATION):
            for s in stations:
                # Keep about one window outstanding: paho scans every waiting message on
                # each acknowledgement, so an unbounded queue makes publishing quadratic.
                if len(infos) >= WINDOW:
                    infos[-WINDOW].wait_for_publish(timeout=60)
                infos.append(client.publish(f"{PREFIX}/readings/{codes[s]}", payload(s, m), qos=1))
        for info in infos:
            info.wait_for_publish(timeout=60)
        client.disconnect()
        client.loop_stop()
        assert all(info.is_published() for info in infos), f"{user}: not all acknowledged"

    started = time.monotonic()
    share = STATIONS // PUBLISHERS
    threads = [
        threading.Thread(target=publish, args=(user, range(i * share, (i + 1) * share)))
        for i, user in enumerate(sorted(passwords))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def stored_readings(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Reading)) or 0)


def drained(engine: Engine, ingest: MqttIngest, *, quiet_for: float = 20.0) -> float:
    """Wait until every reading is stored, or nothing has moved for `quiet_for` seconds
    (a lost backlog never completes). Seconds taken."""
    started = time.monotonic()
    last, last_change = -1, started
    while (count := stored_readings(engine)) < TOTAL_READINGS:
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
        elif now - last_change > quiet_for and ingest.backlog == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_six_hour_backlog_of_200_stations_survives_a_stopped_ingest_and_a_broker_restart(
    postgres: PostgresDatabases, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ingest.mqtt")
    url = postgres.create()
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        codes = [make_station(session, code=f"out-{n:03d}").code for n in range(STATIONS)]
    ingest_password = secrets.token_urlsafe(16)
    with Session(engine) as session:
        files = mosquitto_files(session, ingest_password=ingest_password, prefix=PREFIX)
    # A few publishers stand in for the 200 devices (which would each sign in as themselves).
    passwords = {f"outage-publisher-{i}": secrets.token_urlsafe(12) for i in range(PUBLISHERS)}
    password_file = files.password_file + "".join(
        f"{user}:{hash_password(password)}\n" for user, password in passwords.items()
    )
    acl_file = files.acl_file + "".join(
        f"\nuser {user}\ntopic write {PREFIX}/readings/+\n" for user in passwords
    )
    broker = Mosquitto.deployed(password_file=password_file, acl_file=acl_file)
    settings = Settings(
        db=DatabaseSettings(url=url),
        mqtt=MqttSettings(
            url=f"mqtt://{INGEST_USER}:{ingest_password}@127.0.0.1:{broker.port}",
            topic_prefix=PREFIX,
            # Below the backlog, so the drain shows the warning at half of it.
            broker_queue_limit=100_000,
        ),
        scheduler=SchedulerSettings(enabled=False),
    )
    try:
        with running_ingest(settings):
            pass  # subscribed once: Mosquitto keeps the session and queues for it

        publishing = publish_backlog(broker.port, passwords, codes)
        broker.restart()  # the backlog must survive in Mosquitto's persistence file

        with running_ingest(settings) as (ingest, health):
            draining = drained(engine, ingest)
            disconnects, waited = ingest.disconnects, ingest.longest_hand_off
            figures = {c.name: c.detail for c in health.snapshot()}["ingest"]
        log.warning(
            "outage test: published %d messages in %.1fs; drained %d readings in %.1fs "
            "(%.0f readings/s); network thread waited at most %.2fs for room; %d reconnects",
            TOTAL_MESSAGES,
            publishing,
            TOTAL_READINGS,
            draining,
            TOTAL_READINGS / draining,
            waited,
            disconnects,
        )

        assert stored_readings(engine) == TOTAL_READINGS
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    Station.code,
                    HourlyAggregate.parameter_id,
                    HourlyAggregate.hour,
                    HourlyAggregate.reading_count,
                    HourlyAggregate.value_sum_milli,
                ).join(Station, Station.id == HourlyAggregate.station_id)
            ).all()
        by_id = {BY_CODE[p].id: p for p in PARAMETERS}
        hours = {
            (code, by_id[parameter], hour.astimezone(UTC)): (count, total)
            for code, parameter, hour, count, total in rows
        }
        assert hours == expected_hours(codes)
        # The broker's figure, retained from before the ingest came back, crossed half the limit.
        assert any(
            r.name == "ingest.mqtt" and "over half its limit of 100000" in r.getMessage()
            for r in caplog.records
        )
        # The ingest may read the broker's figures under the generated ACL.
        assert isinstance(figures.get("broker_queued"), int), figures
        # With the level its warning starts at, for the backlog alert rule.
        assert figures.get("broker_queue_warning") == 50_000, figures
        # Mosquitto sends a backlog beyond the ingest's window, so the hand-off queue fills
        # and the network thread waits for room: never for long, since the writer keeps
        # taking batches. (A reconnect on the way is allowed: what was not acknowledged
        # comes again and is stored once, as counted above.)
        assert waited < settings.mqtt.keepalive / 3
    finally:
        broker.remove()
        engine.dispose()
