"""Nothing silent, nothing recorded twice: a message on a topic dustwatch does not use under
its prefix is recorded; hostile payloads are recorded readable; a refused message the broker
delivers again (the ingest stopped after the commit, before the acknowledgement) or a
retained one (delivered again at every start) is recorded once. Real Mosquitto; SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from core.kit.db import make_engine
from core.models import RejectedMessage
from ingest.mqtt import MqttIngest
from tests.ingest.test_nothing_lost import add_station, running, stored
from tests.support import Device, Mosquitto, wait_for

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def database(backend: str, fresh_database_url: str) -> Iterator[tuple[str, Engine]]:
    engine = make_engine(fresh_database_url)
    yield fresh_database_url, engine
    engine.dispose()


def refusals(engine: Engine) -> list[RejectedMessage]:
    with engine.connect() as connection:
        return list(connection.execute(select(RejectedMessage).order_by(RejectedMessage.id)))  # type: ignore[arg-type]


def good(minutes_ago: int) -> list[dict[str, object]]:
    time = (NOW - timedelta(minutes=minutes_ago)).isoformat()
    return [{"parameter": "pm10", "value": minutes_ago, "time": time}]


def test_wrong_topics_and_hostile_payloads_are_recorded(
    mosquitto: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    code = add_station(engine)
    own = f"{topic_prefix}/readings/{code}"
    with running(url, mosquitto, topic_prefix):
        device = Device(host="127.0.0.1", port=mosquitto.port)
        device.publish(f"{topic_prefix}/reading/{code}", good(5))
        device.publish(f"{topic_prefix}/readings/{code}/extra", good(5))
        device.publish(f"{topic_prefix}/something", b"")
        device.publish(f"elsewhere/{topic_prefix}/readings/{code}", good(5))  # not ours
        device.publish(own, b"\x00\xff\xfe nul and not utf-8 \x00")
        device.publish(own, b"[" + b" " * 300_000 + b"]")
        device.publish(own, good(1))
        device.close()
        wait_for(lambda: stored(engine)[0] == 1, what="the reading after them")
        wait_for(lambda: len(refusals(engine)) == 5, what="five refusals")
    rows = refusals(engine)
    assert [r.topic for r in rows[:3]] == [
        f"{topic_prefix}/reading/{code}",
        f"{topic_prefix}/readings/{code}/extra",
        f"{topic_prefix}/something",
    ]
    assert all(
        r.reason == f"topic must be {topic_prefix}/readings/<station code>" for r in rows[:3]
    )
    assert all(r.station_code is None for r in rows[:3])
    assert rows[0].payload.startswith('[{"parameter": "pm10"')
    hostile, huge = rows[3], rows[4]
    assert "\x00" not in hostile.payload
    assert "nul and not utf-8" in hostile.payload
    assert hostile.station_code == code
    assert huge.reason == "payload larger than 262144 bytes"
    assert len(huge.payload) <= 64 * 1024


def test_a_refusal_delivered_again_after_a_crash_is_recorded_once(
    mosquitto: Mosquitto,
    database: tuple[str, Engine],
    topic_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, engine = database
    code = add_station(engine)
    client_id = "ingest-crashes-before-ack"
    with monkeypatch.context() as crash:
        # Stored and committed, never acknowledged: as an ingest killed between the two.
        crash.setattr(MqttIngest, "_acknowledge", lambda _self, _batch: None)
        with running(url, mosquitto, topic_prefix, client_id=client_id):
            device = Device(host="127.0.0.1", port=mosquitto.port)
            device.publish(f"{topic_prefix}/readings/{code}", b"refused, never acknowledged")
            device.publish(f"{topic_prefix}/readings/{code}", good(3))
            wait_for(lambda: stored(engine)[0] == 1, what="the first run's commit")
    assert [r.times_seen for r in refusals(engine)] == [1]

    with running(url, mosquitto, topic_prefix, client_id=client_id) as runtime:
        device.publish(f"{topic_prefix}/readings/{code}", good(2))
        wait_for(lambda: stored(engine)[0] == 2, what="the reading after the redelivery")
        assert runtime.ingest is not None
        assert runtime.ingest.totals.duplicates == 1, "the first run's messages came again"
        assert [r.times_seen for r in refusals(engine)] == [1]
        # The same bad message sent again by the device is a new refusal: counted.
        device.publish(f"{topic_prefix}/readings/{code}", b"refused, never acknowledged")
        wait_for(lambda: refusals(engine)[0].times_seen == 2, what="the device's repeat")
        device.close()
    rows = refusals(engine)
    assert len(rows) == 1
    assert rows[0].payload == "refused, never acknowledged"


def test_a_retained_bad_message_is_recorded_once_across_restarts(
    mosquitto: Mosquitto, database: tuple[str, Engine], topic_prefix: str
) -> None:
    url, engine = database
    code = add_station(engine)
    topic = f"{topic_prefix}/readings/{code}"
    device = Device(host="127.0.0.1", port=mosquitto.port)
    device.client.publish(topic, b"retained and refused", qos=1, retain=True).wait_for_publish(15)
    for start in range(3):
        with running(url, mosquitto, topic_prefix, client_id="ingest-restarts"):
            # The retained message comes at the subscription, before this one.
            device.publish(topic, good(10 + start))
            wait_for(lambda n=start: stored(engine)[0] == n + 1, what=f"start {start}'s reading")
    device.close()
    rows = refusals(engine)
    assert [(r.payload, r.times_seen) for r in rows] == [("retained and refused", 1)]
