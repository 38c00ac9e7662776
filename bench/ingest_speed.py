"""Ingest speed: the full MQTT path against three baselines, on the same messages, in one run.

N messages of 3 readings each (PM2.5, PM10, humidity) from 200 stations are published once
with QoS 1 into a real Mosquitto, which queues them for four subscribers that signed up
beforehand (persistent sessions). Each then drains the same backlog in turn:

1. bare counter: paho QoS 1, counts messages, nothing else (the broker's delivery rate);
2. bare pipeline: paho QoS 1 -> in-memory batch -> COPY into a staging table ->
   `INSERT … ON CONFLICT DO NOTHING` -> commit -> acknowledge (what a minimal exactly-once
   writer costs);
3. dustwatch: `MqttIngest`, the full path (parse, validate, quality control, dedupe,
   hourly/daily rollups, latest values, acknowledge after commit);

and 4. raw COPY of the same rows into a table, with no broker (the database's ceiling).
The embedded path (amqtt + SQLite, as `dustwatch serve` runs with no settings) is measured
live: devices publish while dustwatch stores.

    .venv/bin/python bench/ingest_speed.py [--url postgresql+psycopg://postgres@127.0.0.1/postgres]
        [--messages 30000] [--embedded-messages 5000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_throughput import scratch_database  # noqa: E402
from cli.runtime import Runtime  # noqa: E402
from core.access.principal import system_principal  # noqa: E402
from core.devices.credentials import issue_credential  # noqa: E402
from core.kit.db import make_engine, make_session_factory  # noqa: E402
from core.kit.health import HealthRegistry  # noqa: E402
from core.kit.schema import upgrade_to_head  # noqa: E402
from core.models import Reading, Station  # noqa: E402
from core.settings import (  # noqa: E402
    DatabaseSettings,
    MqttSettings,
    SchedulerSettings,
    Settings,
    default_zone,
)
from core.standards.parameters import BY_CODE  # noqa: E402
from ingest.mqtt import MqttIngest  # noqa: E402
from tests.factories import make_station  # noqa: E402
from tests.support import Mosquitto, free_port  # noqa: E402

PREFIX = "dustwatch/v1"
STATIONS = 200
PARAMETERS = ("pm25", "pm10", "humidity")
BATCH = 1000
WINDOW = 1000
START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=3)
CONSUMERS = ("bench-count", "bench-bare", "bench-full")


@dataclass(frozen=True)
class Backlog:
    """The messages: topic and body, in publishing order (each station a reading a minute)."""

    messages: list[tuple[str, bytes]]

    @classmethod
    def make(cls, count: int, codes: list[str]) -> Backlog:
        messages = []
        for n in range(count):
            station, minute = n % len(codes), n // len(codes)
            at = (START + timedelta(minutes=minute)).isoformat()
            body = [
                {"parameter": p, "value": round(10 + (n * (i + 3)) % 90 + 0.25 * i, 2), "time": at}
                for i, p in enumerate(PARAMETERS)
            ]
            messages.append((f"{PREFIX}/readings/{codes[station]}", json.dumps(body).encode()))
        return cls(messages)

    @property
    def readings(self) -> int:
        return len(self.messages) * len(PARAMETERS)


def client(client_id: str, port: int, *, manual_ack: bool = False) -> mqtt.Client:
    made = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv311,
        clean_session=False,
        manual_ack=manual_ack,
    )
    made.connect("127.0.0.1", port)
    return made


def sign_up(port: int, client_id: str) -> None:
    """Subscribe once with a persistent session, so the broker queues while it is away."""
    subscribed = threading.Event()
    made = client(client_id, port)
    made.on_subscribe = lambda *_: subscribed.set()
    made.loop_start()
    made.subscribe(f"{PREFIX}/readings/+", qos=1)
    assert subscribed.wait(10), f"{client_id} did not subscribe"
    made.disconnect()
    made.loop_stop()


def publish(port: int, backlog: Backlog) -> float:
    publisher = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench-publisher"
    )
    publisher.max_inflight_messages_set(WINDOW)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    began = time.perf_counter()
    infos: list[mqtt.MQTTMessageInfo] = []
    for topic, body in backlog.messages:
        if len(infos) >= WINDOW:
            infos[-WINDOW].wait_for_publish(timeout=60)
        infos.append(publisher.publish(topic, body, qos=1))
    for info in infos:
        info.wait_for_publish(timeout=60)
    seconds = time.perf_counter() - began
    publisher.disconnect()
    publisher.loop_stop()
    return seconds


def drain_counting(port: int, backlog: Backlog) -> float:
    """The bare counter: receive every queued message, acknowledge, count."""
    done = threading.Event()
    count = 0

    def on_message(*_: object) -> None:
        nonlocal count
        count += 1
        if count == len(backlog.messages):
            done.set()

    began = time.perf_counter()
    made = client(CONSUMERS[0], port)
    made.on_message = on_message
    made.loop_start()
    assert done.wait(600), f"bare counter got {count} of {len(backlog.messages)}"
    seconds = time.perf_counter() - began
    made.disconnect()
    made.loop_stop()
    return seconds


def drain_bare_pipeline(port: int, backlog: Backlog, libpq_url: str, ids: dict[str, int]) -> float:
    """paho -> batch -> COPY to staging -> INSERT ON CONFLICT DO NOTHING -> commit -> ack."""
    inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    made = client(CONSUMERS[1], port, manual_ack=True)
    made.on_message = lambda _c, _u, message: inbox.put(message)
    parameter_ids = {p: BY_CODE[p].id for p in PARAMETERS}
    head = f"{PREFIX}/readings/"
    stored = 0
    began = time.perf_counter()
    made.loop_start()
    with psycopg.connect(libpq_url) as connection:
        connection.execute(
            "CREATE TEMP TABLE staging (station_id int, parameter_id smallint,"
            " time timestamptz, value_milli int, quality_flag smallint, source smallint)"
        )
        connection.commit()
        while stored < backlog.readings:
            batch = [inbox.get(timeout=60)]
            while len(batch) < BATCH:
                try:
                    batch.append(inbox.get(timeout=0.05))
                except queue.Empty:
                    break
            with connection.cursor() as cursor:
                with cursor.copy("COPY staging FROM STDIN") as copy:
                    for message in batch:
                        station = ids[message.topic.removeprefix(head)]
                        for reading in json.loads(message.payload):
                            copy.write_row(
                                (
                                    station,
                                    parameter_ids[reading["parameter"]],
                                    datetime.fromisoformat(reading["time"]),
                                    round(reading["value"] * 1000),
                                    0,
                                    1,
                                )
                            )
                cursor.execute(
                    "INSERT INTO reading (station_id, parameter_id, time, value_milli,"
                    " quality_flag, source) SELECT * FROM staging ON CONFLICT DO NOTHING"
                )
                stored += cursor.rowcount
                cursor.execute("TRUNCATE staging")
            connection.commit()
            for message in batch:
                made.ack(message.mid, message.qos)
    seconds = time.perf_counter() - began
    made.disconnect()
    made.loop_stop()
    return seconds


def drain_dustwatch(port: int, backlog: Backlog, factory: sessionmaker[Session]) -> float:
    ingest = MqttIngest(
        settings=MqttSettings(
            url=f"mqttv311://127.0.0.1:{port}", client_id=CONSUMERS[2], topic_prefix=PREFIX
        ),
        session_factory=factory,
        health=HealthRegistry(),
        zone=default_zone(),
    )
    began = time.perf_counter()
    ingest.start()
    wait_until(lambda: stored(factory) >= backlog.readings, what="dustwatch's drain")
    seconds = time.perf_counter() - began
    ingest.stop()
    return seconds


def raw_copy(libpq_url: str, backlog: Backlog, ids: dict[str, int]) -> float:
    """The same rows COPYed into an empty table shaped like `reading`, nothing else."""
    rows = []
    for topic, body in backlog.messages:
        station = ids[topic.removeprefix(f"{PREFIX}/readings/")]
        for reading in json.loads(body):
            rows.append(
                (
                    station,
                    BY_CODE[reading["parameter"]].id,
                    datetime.fromisoformat(reading["time"]),
                    round(reading["value"] * 1000),
                    0,
                    1,
                )
            )
    with psycopg.connect(libpq_url) as connection:
        connection.execute("CREATE TEMP TABLE copied (LIKE reading INCLUDING ALL)")
        began = time.perf_counter()
        columns = "station_id, parameter_id, time, value_milli, quality_flag, source"
        with connection.cursor().copy(f"COPY copied ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.commit()
        return time.perf_counter() - began


def stored(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Reading)) or 0)


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def publish_as_devices(port: int, passwords: dict[str, str], messages: int) -> None:
    """Each station signs in as itself and publishes its share of the backlog, QoS 1."""
    backlog = Backlog.make(messages, sorted(passwords))

    def device(code: str) -> None:
        made = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=code)
        made.username_pw_set(code, passwords[code])
        made.max_inflight_messages_set(100)
        made.connect("127.0.0.1", port)
        made.loop_start()
        infos: list[mqtt.MQTTMessageInfo] = []
        for topic, body in backlog.messages:
            if topic.endswith(f"/{code}"):
                if len(infos) >= 100:
                    infos[-100].wait_for_publish(timeout=60)
                infos.append(made.publish(topic, body, qos=1))
        for info in infos:
            info.wait_for_publish(timeout=60)
        made.disconnect()
        made.loop_stop()
        if unsent := sum(not info.is_published() for info in infos):
            failures.append(f"{code}: {unsent} messages not acknowledged by the broker")

    failures: list[str] = []
    threads = [threading.Thread(target=device, args=(code,)) for code in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("; ".join(failures))


def embedded(messages: int) -> tuple[float, int]:
    """amqtt + SQLite as `dustwatch serve` runs them: 4 devices publish live, QoS 1."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'dustwatch.db'}"
        upgrade_to_head(url)
        factory = make_session_factory(make_engine(url))
        codes = [f"emb-{n}" for n in range(4)]
        passwords = {}
        with factory.begin() as session:
            for code in codes:
                make_station(session, code=code)
                issued = issue_credential(
                    session, actor=system_principal("bench"), code=code, now=datetime.now(UTC)
                )
                passwords[code] = issued.password
        settings = Settings(
            db=DatabaseSettings(url=url),
            mqtt=MqttSettings(embedded_port=free_port(), topic_prefix=PREFIX),
            scheduler=SchedulerSettings(enabled=False),
        )
        runtime = Runtime(settings)
        runtime.start(migrate=False, scheduler=False)
        assert runtime.ingest is not None
        assert runtime.ingest.wait_until_subscribed(15)
        assert runtime.broker is not None
        port = runtime.broker.port
        backlog = Backlog.make(messages, codes)
        # The devices publish from another process, as real ones do from other machines:
        # in this one they would compete with the broker and the ingest for the interpreter.
        devices = multiprocessing.get_context("spawn").Process(
            target=publish_as_devices, args=(port, passwords, messages)
        )
        began = time.perf_counter()
        devices.start()
        devices.join()
        if devices.exitcode != 0:
            raise RuntimeError("the devices did not get every message acknowledged")
        wait_until(lambda: stored(factory) >= backlog.readings, what="the embedded drain")
        seconds = time.perf_counter() - began
        runtime.stop()
        return seconds, backlog.readings


def line(name: str, readings: int, seconds: float) -> float:
    rate = readings / seconds
    print(f"{name:<52} {readings:>8} readings in {seconds:7.2f} s = {rate:9.0f} readings/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server URL to create a scratch database in",
    )
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--embedded-messages", type=int, default=5_000)
    args = parser.parse_args()
    broker = Mosquitto.create(max_queued_messages=max(args.messages, 100_000))
    try:
        with scratch_database(args.url) as url:
            upgrade_to_head(url)
            factory = make_session_factory(make_engine(url))
            with factory.begin() as session:
                codes = [make_station(session, code=f"speed-{n:03d}").code for n in range(STATIONS)]
            with factory() as session:
                ids = dict(session.execute(select(Station.code, Station.id)).all())
            backlog = Backlog.make(args.messages, codes)
            libpq = make_url(url).set(drivername="postgresql").render_as_string(False)
            for consumer in CONSUMERS:
                sign_up(broker.port, consumer)
            seconds = publish(broker.port, backlog)
            print(
                f"published {len(backlog.messages)} messages ({backlog.readings} readings) "
                f"in {seconds:.2f} s"
            )
            counter = line(
                "bare paho QoS 1 counter", backlog.readings, drain_counting(broker.port, backlog)
            )
            bare = line(
                "bare pipeline (paho -> COPY -> INSERT ON CONFLICT)",
                backlog.readings,
                drain_bare_pipeline(broker.port, backlog, libpq, ids),
            )
            with factory.begin() as session:
                session.query(Reading).delete()
            full = line(
                "dustwatch full path (Mosquitto -> PostgreSQL)",
                backlog.readings,
                drain_dustwatch(broker.port, backlog, factory),
            )
            copy = line("raw COPY, no broker", backlog.readings, raw_copy(libpq, backlog, ids))
    finally:
        broker.remove()
    seconds, readings = embedded(args.embedded_messages)
    embedded_rate = line("dustwatch embedded (amqtt -> SQLite), live", readings, seconds)
    print()
    print(f"full path / bare pipeline:   {full / bare:.2f}  (aim >= 0.8)")
    print(f"full path / bare counter:    {full / counter:.2f}")
    print(f"bare pipeline / raw COPY:    {bare / copy:.2f}")
    print(f"embedded: {embedded_rate:.0f} readings/s (aim >= 2000)")


if __name__ == "__main__":
    main()
