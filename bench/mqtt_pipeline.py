"""End-to-end ingest rate: device -> Mosquitto -> dustwatch ingest -> database.

Baseline, in the same run: the same messages handed straight to `ingest_messages` in
batches, with no broker. The ratio shows what MQTT delivery with acknowledgement after
commit costs. MQTT 3.1.1 is measured too: there the broker alone decides how many
unacknowledged messages are in flight, where MQTT 5 lets the ingest ask for a batch's worth.

    .venv/bin/python bench/mqtt_pipeline.py [--url postgresql+psycopg://…/postgres] [--messages N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_throughput import scratch_database  # noqa: E402
from core.kit.db import make_engine, make_session_factory  # noqa: E402
from core.kit.health import HealthRegistry  # noqa: E402
from core.kit.schema import upgrade_to_head  # noqa: E402
from core.models import Reading  # noqa: E402
from core.readings.ingest import IncomingMessage, ingest_messages  # noqa: E402
from core.settings import MqttSettings, default_zone  # noqa: E402
from ingest.mqtt import MqttIngest  # noqa: E402
from tests.support import Device, Mosquitto, make_station, wait_for  # noqa: E402

PER_MESSAGE = 10
PREFIX = "dustwatch/v1"
START = datetime(2026, 9, 1, tzinfo=UTC)


def payloads(count: int) -> list[bytes]:
    return [
        json.dumps(
            [
                {
                    "parameter": "pm10",
                    "value": 50 + r,
                    "time": (START + timedelta(seconds=m * PER_MESSAGE + r)).isoformat(),
                    "backfill": True,  # dated in the past on purpose: not "too old"
                }
                for r in range(PER_MESSAGE)
            ]
        ).encode()
        for m in range(count)
    ]


def prepared(url: str) -> tuple[sessionmaker[Session], str]:
    upgrade_to_head(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        code = make_station(session).code
    return factory, code


def stored(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Reading)) or 0)


def direct(url: str, bodies: list[bytes]) -> float:
    factory, code = prepared(url)
    now = datetime.now(UTC)
    began = time.perf_counter()
    for start in range(0, len(bodies), 50):
        messages = [
            IncomingMessage(f"{PREFIX}/readings/{code}", body, now)
            for body in bodies[start : start + 50]
        ]
        with factory.begin() as session:
            ingest_messages(session, messages=messages, topic_prefix=PREFIX, zone=default_zone())
    return time.perf_counter() - began


def through_mqtt(url: str, bodies: list[bytes], broker: Mosquitto, scheme: str) -> float:
    factory, code = prepared(url)
    settings = MqttSettings(url=f"{scheme}://127.0.0.1:{broker.port}", client_id=f"bench-{scheme}")
    ingest = MqttIngest(
        settings=settings, session_factory=factory, health=HealthRegistry(), zone=default_zone()
    )
    ingest.start()
    assert ingest.wait_until_subscribed(15)
    device = Device(host="127.0.0.1", port=broker.port)
    began = time.perf_counter()
    infos = [device.client.publish(f"{PREFIX}/readings/{code}", body, qos=1) for body in bodies]
    for info in infos:
        info.wait_for_publish(60)
    expected = len(bodies) * PER_MESSAGE
    wait_for(lambda: stored(factory) == expected, timeout=600, interval=0.05, what="all readings")
    seconds = time.perf_counter() - began
    device.close()
    ingest.stop()
    return seconds


def report(name: str, messages: int, seconds: float) -> float:
    rate = messages / seconds
    print(
        f"{name:<40} {messages:>6} messages in {seconds:6.2f} s = {rate:7.0f} msg/s "
        f"({rate * PER_MESSAGE:8.0f} readings/s)"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="server URL to create scratch databases in (default: SQLite)")
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()
    bodies = payloads(args.messages)
    broker = Mosquitto.create()
    try:
        with scratch_database(args.url) as url:
            baseline = report(
                "baseline: ingest_messages, no broker", len(bodies), direct(url, bodies)
            )
        with scratch_database(args.url) as url:
            v5 = report(
                "Mosquitto, MQTT 5 (Receive Maximum 500)",
                len(bodies),
                through_mqtt(url, bodies, broker, "mqtt"),
            )
        with scratch_database(args.url) as url:
            v311 = report(
                "Mosquitto, MQTT 3.1.1", len(bodies), through_mqtt(url, bodies, broker, "mqttv311")
            )
    finally:
        broker.remove()
    print(f"ratio MQTT 5 / baseline: {v5 / baseline:.2f}")
    print(f"ratio MQTT 3.1.1 / baseline: {v311 / baseline:.2f}")


if __name__ == "__main__":
    main()
