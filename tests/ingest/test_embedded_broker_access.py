"""The embedded broker applies the same rule as Mosquitto with the generated files: devices
sign in with their station code and MQTT password, publish only as themselves, read
only their own status topic, and cannot take the ingest's client id. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli.runtime import Runtime
from core.access.principal import system_principal
from core.devices.credentials import issue_credential, revoke_credential, verify_device
from core.devices.topics import INGEST_USER
from core.kit.db import make_engine
from core.models import Reading, Station
from core.settings import DatabaseSettings, MqttSettings, SchedulerSettings, Settings
from ingest.broker import EmbeddedBroker
from tests.factories import make_station
from tests.support import Device, Listener, connect_answer, free_port, wait_for

PREFIX = "dustwatch/v1"
ADMIN = system_principal("test")
START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)


@dataclass
class Village:
    """A database with stations npl-a and npl-b, each with an MQTT credential."""

    url: str
    engine: Engine
    passwords: dict[str, str] = field(default_factory=dict)

    def stored(self, code: str) -> int:
        with self.engine.connect() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(Reading)
                .join(Station, Station.id == Reading.station_id)
                .where(Station.code == code)
            )
        return int(count or 0)

    def settings(self, port: int, **mqtt: object) -> Settings:
        return Settings(
            db=DatabaseSettings(url=self.url),
            mqtt=MqttSettings(embedded_port=port, topic_prefix=PREFIX, batch_size=50, **mqtt),
            scheduler=SchedulerSettings(enabled=False),
        )


@pytest.fixture
def village(backend: str, fresh_database_url: str) -> Iterator[Village]:
    engine = make_engine(fresh_database_url)
    village = Village(fresh_database_url, engine)
    with Session(engine) as session, session.begin():
        for code in ("npl-a", "npl-b"):
            make_station(session, code=code)
            issued = issue_credential(session, actor=ADMIN, code=code, now=datetime.now(UTC))
            village.passwords[code] = issued.password
    yield village
    engine.dispose()


@pytest.fixture
def dustwatch(village: Village) -> Iterator[Runtime]:
    """dustwatch with its embedded broker, as `dustwatch serve` starts it without a URL."""
    runtime = Runtime(village.settings(free_port()))
    runtime.start(migrate=False, scheduler=False)
    assert runtime.ingest is not None
    assert runtime.ingest.wait_until_subscribed(15), "the ingest did not subscribe"
    yield runtime
    runtime.stop()


def port_of(runtime: Runtime) -> int:
    assert runtime.broker is not None
    return runtime.broker.port


def readings(count: int) -> list[list[dict[str, object]]]:
    return [
        [{"parameter": "pm10", "value": n + 1, "time": (START + timedelta(minutes=n)).isoformat()}]
        for n in range(count)
    ]


def test_a_device_publishes_as_itself_only(village: Village, dustwatch: Runtime) -> None:
    device = Device(
        host="127.0.0.1",
        port=port_of(dustwatch),
        username="npl-a",
        password=village.passwords["npl-a"],
    )
    [payload] = readings(1)
    device.publish(f"{PREFIX}/readings/npl-b", payload)
    device.publish(f"{PREFIX}/readings/npl-a", payload)
    device.close()
    wait_for(lambda: village.stored("npl-a") == 1, what="the device's own reading")
    assert village.stored("npl-b") == 0


def test_a_burst_published_just_before_leaving_is_stored_whole(
    village: Village, dustwatch: Runtime
) -> None:
    """amqtt acknowledges each PUBLISH as it reads it and passes them on one by one; a device
    that sends a burst and disconnects at once must not lose the ones not yet passed on."""
    device = Device(
        host="127.0.0.1",
        port=port_of(dustwatch),
        username="npl-a",
        password=village.passwords["npl-a"],
    )
    sent = [
        device.client.publish(f"{PREFIX}/readings/npl-a", json.dumps(payload), qos=1)
        for payload in readings(200)
    ]
    for info in sent:
        info.wait_for_publish(timeout=15)
    device.close()
    assert all(info.is_published() for info in sent)
    with suppress(AssertionError):  # the count below says how many arrived
        wait_for(lambda: village.stored("npl-a") == 200, timeout=20, what="200 readings")
    assert village.stored("npl-a") == 200


def test_a_device_reads_its_own_status_only_and_learns_why_it_was_refused(
    village: Village, dustwatch: Runtime
) -> None:
    port, own = port_of(dustwatch), f"{PREFIX}/status/npl-a"
    snoop = Listener(
        port=port,
        username="npl-b",
        password=village.passwords["npl-b"],
        topics=["#", f"{PREFIX}/readings/+", f"{PREFIX}/status/+", own],
    )
    assert snoop.granted == [[0x80, 0x80, 0x80, 0x80]]
    device = Listener(
        port=port, username="npl-a", password=village.passwords["npl-a"], topics=[own]
    )
    assert device.granted == [[1]]
    device.publish(f"{PREFIX}/readings/npl-a", b"\xff\x00 not json")
    device.publish(f"{PREFIX}/readings/npl-a", readings(1)[0])
    wait_for(lambda: village.stored("npl-a") == 1, what="the good reading")
    wait_for(lambda: own in device.topics(), what="the device's status")
    status = device.last_json(own)
    device.close()
    snoop.close()
    assert status["station"] == "npl-a"
    assert str(status["reason"]).startswith("payload is not JSON")
    assert status["count"] == 1
    assert snoop.received == []


def test_only_right_credentials_with_the_user_name_as_client_id_sign_in(
    village: Village, dustwatch: Runtime
) -> None:
    port = port_of(dustwatch)
    right = village.passwords["npl-a"]
    assert not connect_answer(port, username="npl-a", password=right).is_failure
    for username, password, client_id in [
        ("npl-a", "guess", None),
        ("npl-a", village.passwords["npl-b"], None),
        ("NPL-A", right, None),
        ("npl-z", "guess", None),
        (INGEST_USER, right, None),
        (None, None, "npl-a"),
        ("npl-a", right, "npl-b"),
        ("npl-a", right, INGEST_USER),
        ("npl-a", right, ""),
    ]:
        answer = connect_answer(port, username=username, password=password, client_id=client_id)
        assert answer.is_failure, (username, client_id, answer)


def test_a_revoked_credential_is_refused_at_once(village: Village, dustwatch: Runtime) -> None:
    port, password = port_of(dustwatch), village.passwords["npl-a"]
    assert not connect_answer(port, username="npl-a", password=password).is_failure
    with Session(village.engine) as session, session.begin():
        revoke_credential(session, actor=ADMIN, code="npl-a", now=datetime.now(UTC))
    assert connect_answer(port, username="npl-a", password=password).is_failure


@contextmanager
def embedded_broker(village: Village, ingest_password: str) -> Iterator[EmbeddedBroker]:
    """The embedded broker on its own, wired as cli/runtime.py wires it."""

    def check_device(user: str, password: str) -> bool:
        with Session(village.engine) as session:
            return verify_device(session, user=user, password=password)

    broker = EmbeddedBroker(
        host="127.0.0.1",
        port=free_port(),
        topic_prefix=PREFIX,
        ingest_password=ingest_password,
        check_device=check_device,
    )
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def test_a_device_cannot_erase_the_ingests_queue_with_its_client_id(village: Village) -> None:
    ingest_password = secrets.token_urlsafe(16)
    with embedded_broker(village, ingest_password) as broker:
        url = f"mqttv311://{INGEST_USER}:{ingest_password}@127.0.0.1:{broker.port}"
        settings = village.settings(broker.port, url=url, client_id=INGEST_USER)

        def run_ingest() -> Runtime:
            runtime = Runtime(settings)
            runtime.start(migrate=False, scheduler=False)
            assert runtime.ingest is not None
            assert runtime.ingest.wait_until_subscribed(15)
            return runtime

        run_ingest().stop()  # subscribed once: the broker keeps the session for it
        wait_for(lambda: not broker.connected(INGEST_USER), what="the broker to see it leave")
        device = Device(
            host="127.0.0.1",
            port=broker.port,
            username="npl-a",
            password=village.passwords["npl-a"],
        )
        for payload in readings(100):
            device.publish(f"{PREFIX}/readings/npl-a", payload)
        device.close()

        # The ingest's client id and a clean session, with a device's valid credentials
        # and with the ingest's user name but a wrong password: both are refused before
        # the broker looks up the session.
        for username, password in [
            ("npl-b", village.passwords["npl-b"]),
            (INGEST_USER, "guess"),
        ]:
            answer = connect_answer(
                broker.port, username=username, password=password, client_id=INGEST_USER
            )
            assert answer.is_failure

        runtime = run_ingest()
        with suppress(AssertionError):  # the count below says how many arrived
            wait_for(lambda: village.stored("npl-a") == 100, timeout=20, what="100 readings")
        stored = village.stored("npl-a")
        runtime.stop()
    assert stored == 100, f"{stored} of 100 queued readings stored"


def test_the_ingest_signs_in_with_a_password_made_at_start_up(
    village: Village, dustwatch: Runtime
) -> None:
    """Nobody else can guess it: the ingest's user name with any other password is refused."""
    port = port_of(dustwatch)
    for guess in ("", "dustwatch-ingest", "secret"):
        assert connect_answer(port, username=INGEST_USER, password=guess).is_failure
    assert dustwatch.ingest is not None
    assert dustwatch.ingest.wait_until_subscribed(1)
