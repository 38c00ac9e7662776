"""The shipped Mosquitto ACL: a device publishes only as its own station, the ingest reads all."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.support import Mosquitto, wait_for

ACL = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "acl"
USERS = {"dustwatch-ingest": "ingest-secret", "npl-v01": "device-one", "npl-v02": "device-two"}


@pytest.fixture
def secured_broker() -> Iterator[Mosquitto]:
    """A throwaway Mosquitto with passwords and the repository's ACL file."""
    if shutil.which("mosquitto_passwd") is None:
        pytest.fail("mosquitto_passwd is needed (it ships with the mosquitto package)")
    broker = Mosquitto.create()
    broker.stop()
    passwords = broker.directory / "passwd"
    for user, password in USERS.items():
        create = ["-c"] if not passwords.exists() else []
        command = ["mosquitto_passwd", *create, "-b", str(passwords), user, password]
        subprocess.run(command, check=True)
    passwords.chmod(0o644)
    config = broker.directory / "mosquitto.conf"
    # Mosquitto reads these after dropping root, so they live in its own directory.
    acl = broker.directory / "acl"
    shutil.copyfile(ACL, acl)
    acl.chmod(0o644)
    config.write_text(
        config.read_text().replace("allow_anonymous true", "allow_anonymous false")
        + f"password_file {passwords}\nacl_file {acl}\n"
    )
    broker.start()
    yield broker
    broker.remove()


def connect(broker: Mosquitto, user: str, password: str) -> mqtt.Client:
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=f"acl-{user}",
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(user, password)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client


def test_device_may_publish_its_own_readings_only(secured_broker: Mosquitto) -> None:
    received: list[str] = []
    subscribed = threading.Event()
    ingest = connect(secured_broker, "dustwatch-ingest", USERS["dustwatch-ingest"])
    ingest.on_message = lambda _c, _u, message: received.append(message.topic)
    ingest.on_subscribe = lambda *_args: subscribed.set()
    ingest.subscribe("dustwatch/v1/readings/+", qos=1)
    assert subscribed.wait(10)

    device = connect(secured_broker, "npl-v01", USERS["npl-v01"])
    body = json.dumps({"parameter": "pm10", "value": 1, "time": datetime.now(UTC).isoformat()})
    # Another station's topic first: the broker keeps one client's order, so had it been
    # allowed, it would arrive before the device's own reading.
    device.publish("dustwatch/v1/readings/npl-v02", body, qos=1).wait_for_publish(10)
    device.publish("dustwatch/v1/readings/npl-v01", body, qos=1).wait_for_publish(10)

    wait_for(lambda: received, what="the device's own reading")
    assert received == ["dustwatch/v1/readings/npl-v01"]
    device.disconnect()
    ingest.disconnect()


def test_wrong_password_is_refused(secured_broker: Mosquitto) -> None:
    answers: list[bool] = []
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set("npl-v01", "guess")
    client.on_connect = lambda _c, _u, _f, reason, _p: answers.append(reason.is_failure)
    client.connect("127.0.0.1", secured_broker.port)
    client.loop_start()
    wait_for(lambda: answers, what="the broker's answer")
    client.loop_stop()
    assert answers == [True]
