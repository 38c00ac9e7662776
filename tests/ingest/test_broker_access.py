"""Mosquitto as production runs it: the committed mosquitto.conf with the password and ACL
files that `dustwatch mqtt-credentials write` generates from the stations table. A device
publishes only as itself, reads only its own status topic, cannot sign in with a wrong or
revoked password, and cannot erase the ingest's queued readings by borrowing its client id."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli.runtime import Runtime
from core.access.principal import system_principal
from core.devices.credentials import issue_credential, mosquitto_files, revoke_credential
from core.devices.topics import INGEST_USER
from core.kit.db import make_engine
from core.models import Reading, Station
from core.settings import DatabaseSettings, MqttSettings, SchedulerSettings, Settings
from tests.conftest import PostgresDatabases
from tests.factories import make_station
from tests.support import Device, Listener, Mosquitto, connect_answer, wait_for

PREFIX = "dustwatch/v1"
ADMIN = system_principal("test")
START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)


@dataclass
class Deployment:
    broker: Mosquitto
    engine: Engine
    settings: Settings
    ingest_password: str
    passwords: dict[str, str] = field(default_factory=dict)
    """Station code -> its device's MQTT password."""

    def files(self) -> None:
        """Write the broker's files from the database, as `mqtt-credentials write` does."""
        with Session(self.engine) as session:
            files = mosquitto_files(session, ingest_password=self.ingest_password, prefix=PREFIX)
        self.broker.write_access(password_file=files.password_file, acl_file=files.acl_file)

    def device(self, code: str, **options: Any) -> Device:
        return Device(
            host="127.0.0.1",
            port=self.broker.port,
            username=code,
            password=self.passwords[code],
            **options,
        )

    def stored(self, code: str) -> int:
        with self.engine.connect() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(Reading)
                .join(Station, Station.id == Reading.station_id)
                .where(Station.code == code)
            )
        return int(count or 0)

    @contextmanager
    def ingest(self) -> Iterator[None]:
        """dustwatch's ingest as production configures it: user and client id
        `dustwatch-ingest`, MQTT 5 with a persistent session."""
        runtime = Runtime(self.settings)
        runtime.start(migrate=False, scheduler=False)
        try:
            assert runtime.ingest is not None
            assert runtime.ingest.wait_until_subscribed(15), "the ingest did not subscribe"
            yield
        finally:
            runtime.stop()


@pytest.fixture
def deployment(postgres: PostgresDatabases) -> Iterator[Deployment]:
    """Stations npl-a and npl-b with credentials, Mosquitto with the generated files."""
    url = postgres.create()
    engine = make_engine(url)
    passwords = {}
    with Session(engine) as session, session.begin():
        for code in ("npl-a", "npl-b"):
            make_station(session, code=code)
            issued = issue_credential(session, actor=ADMIN, code=code, now=datetime.now(UTC))
            passwords[code] = issued.password
    ingest_password = secrets.token_urlsafe(16)
    with Session(engine) as session:
        files = mosquitto_files(session, ingest_password=ingest_password, prefix=PREFIX)
    broker = Mosquitto.deployed(password_file=files.password_file, acl_file=files.acl_file)
    settings = Settings(
        db=DatabaseSettings(url=url),
        mqtt=MqttSettings(
            url=f"mqtt://{INGEST_USER}:{ingest_password}@127.0.0.1:{broker.port}",
            topic_prefix=PREFIX,
            batch_size=50,
        ),
        scheduler=SchedulerSettings(enabled=False),
    )
    yield Deployment(broker, engine, settings, ingest_password, passwords)
    broker.remove()
    engine.dispose()


def readings(count: int, *, first: int = 0) -> list[list[dict[str, object]]]:
    """`count` messages of one pm10 reading each, a minute apart."""
    return [
        [
            {
                "parameter": "pm10",
                "value": n + 1,
                "time": (START + timedelta(minutes=n)).isoformat(),
            }
        ]
        for n in range(first, first + count)
    ]


def mosquitto_answer(
    broker: Mosquitto, *, username: str | None, password: str | None
) -> mqtt.ReasonCode:
    """Mosquitto's answer to a device's MQTT 5 CONNECT."""
    return connect_answer(broker.port, username=username, password=password, protocol=mqtt.MQTTv5)


def test_a_device_publishes_as_itself_only(deployment: Deployment) -> None:
    with deployment.ingest():
        device = deployment.device("npl-a")
        # Another station's topic first: Mosquitto keeps one client's order, so had it
        # been allowed, that reading would be stored before the device's own.
        for payload in readings(1):
            device.publish(f"{PREFIX}/readings/npl-b", payload)
            device.publish(f"{PREFIX}/readings/npl-a", payload)
        device.close()
        wait_for(lambda: deployment.stored("npl-a") == 1, what="the device's own reading")
    assert deployment.stored("npl-b") == 0


def test_a_device_reads_its_own_status_only_and_learns_why_it_was_refused(
    deployment: Deployment,
) -> None:
    own = f"{PREFIX}/status/npl-a"
    topics = ["#", f"{PREFIX}/readings/+", f"{PREFIX}/readings/npl-a", f"{PREFIX}/status/+"]
    snoop = Listener(
        port=deployment.broker.port,
        username="npl-b",
        password=deployment.passwords["npl-b"],
        topics=[*topics, own],
        protocol=mqtt.MQTTv5,
    )
    device = Listener(
        port=deployment.broker.port,
        username="npl-a",
        password=deployment.passwords["npl-a"],
        topics=[own],
        protocol=mqtt.MQTTv5,
    )
    with deployment.ingest():
        device.publish(f"{PREFIX}/readings/npl-a", b"not json at all")
        device.publish(f"{PREFIX}/readings/npl-a", [{"parameter": "pm10", "value": -5}])
        device.publish(f"{PREFIX}/readings/npl-a", readings(1)[0])
        wait_for(lambda: deployment.stored("npl-a") == 1, what="the good reading")
        wait_for(
            lambda: own in device.topics() and device.last_json(own)["count"] == 2,
            what="the device's status after two refusals",
        )
        status = device.last_json(own)
        device.close()
        # Retained: a device that connects later reads it at once.
        later = Listener(
            port=deployment.broker.port,
            username="npl-a",
            password=deployment.passwords["npl-a"],
            topics=[own],
        )
        wait_for(lambda: later.received, what="the retained status")
        later.close()
    snoop.close()
    assert status["station"] == "npl-a"
    assert "reading 0" in str(status["reason"])
    assert status["origin"] == f"{PREFIX}/readings/npl-a"
    assert later.received[0][2] is True
    assert json.loads(later.received[0][1])["count"] == 2
    assert snoop.received == []


def test_wrong_unknown_or_missing_credentials_are_refused(deployment: Deployment) -> None:
    right = deployment.passwords["npl-a"]
    assert not mosquitto_answer(deployment.broker, username="npl-a", password=right).is_failure
    for username, password in [
        ("npl-a", "guess"),
        ("npl-a", deployment.passwords["npl-b"]),
        ("npl-z", "guess"),
        (INGEST_USER, deployment.passwords["npl-a"]),
        (None, None),
    ]:
        answer = mosquitto_answer(deployment.broker, username=username, password=password)
        assert answer.is_failure, (username, answer)


def test_a_revoked_credential_is_refused_once_the_files_are_written_again(
    deployment: Deployment,
) -> None:
    password = deployment.passwords["npl-a"]
    assert not mosquitto_answer(deployment.broker, username="npl-a", password=password).is_failure
    with Session(deployment.engine) as session, session.begin():
        revoke_credential(session, actor=ADMIN, code="npl-a", now=datetime.now(UTC))
    deployment.files()
    deployment.broker.reload()

    def refused() -> bool:
        return mosquitto_answer(deployment.broker, username="npl-a", password=password).is_failure

    wait_for(refused, what="the broker to refuse the revoked credential")
    other = deployment.passwords["npl-b"]
    assert not mosquitto_answer(deployment.broker, username="npl-b", password=other).is_failure


def test_a_device_cannot_erase_the_ingests_queue_with_its_client_id(
    deployment: Deployment,
) -> None:
    with deployment.ingest():
        pass  # subscribed once: Mosquitto keeps the session and queues for it

    device = deployment.device("npl-a")
    for payload in readings(100):
        device.publish(f"{PREFIX}/readings/npl-a", payload)
    device.close()

    # Valid credentials, the ingest's client id, a clean start and no session expiry:
    # without the client id bound to the user name, this discards the ingest's session.
    forger = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=deployment.settings.mqtt.client_id,
        protocol=mqtt.MQTTv5,
    )
    forger.username_pw_set("npl-b", deployment.passwords["npl-b"])
    answers: list[mqtt.ReasonCode] = []
    forger.on_connect = lambda _c, _u, _f, reason, _p: answers.append(reason)
    forger.connect("127.0.0.1", deployment.broker.port, clean_start=True)
    forger.loop_start()
    wait_for(lambda: answers, what="the forger's CONNACK")
    forger.disconnect()
    forger.loop_stop()

    with deployment.ingest():
        with suppress(AssertionError):  # the count below says how many arrived
            wait_for(lambda: deployment.stored("npl-a") == 100, timeout=20, what="100 readings")
        stored = deployment.stored("npl-a")
    assert stored == 100, f"{stored} of 100 queued readings stored"
