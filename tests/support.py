"""Plain helpers for tests: free ports, throwaway servers, polling (factories are in
tests/factories/)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tests.factories import make_station  # noqa: F401  (re-exported for older tests)

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    check: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.2, what: str = ""
) -> T:
    """Poll until `check` returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T = check()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        time.sleep(interval)
        last = check()
    return last


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    def is_open() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_for(is_open, timeout=timeout, what=f"port {port}")


@dataclass
class Mosquitto:
    """A throwaway Mosquitto with persistence on a free loopback port, restartable."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def available(cls) -> bool:
        return shutil.which("mosquitto") is not None

    @classmethod
    def create(cls) -> Mosquitto:
        directory = Path(tempfile.mkdtemp(prefix="dustwatch-mosquitto-"))
        # Started as root, Mosquitto drops to its own user, which must still write its
        # persistence file here.
        directory.chmod(0o777)
        broker = cls(port=free_port(), directory=directory)
        (directory / "mosquitto.conf").write_text(
            f"listener {broker.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {directory}/\n"
            "autosave_interval 1\n"
            "max_queued_messages 100000\n"
            f"log_dest file {directory}/mosquitto.log\n"
        )
        broker.start()
        return broker

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.directory / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.port)
        except AssertionError:
            self.stop()
            log = self.directory / "mosquitto.log"
            raise AssertionError(
                f"mosquitto did not start: {log.read_text() if log.exists() else 'no log'}"
            ) from None

    def stop(self) -> None:
        """A clean stop: Mosquitto writes its persistence file, as on a service restart."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Device:
    """A sensor publishing with paho over QoS 1, as a volunteer's device would."""

    def __init__(self, *, host: str, port: int) -> None:
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"device-{uuid.uuid4().hex[:8]}",
        )
        self.client.connect(host, port)
        self.client.loop_start()

    def publish(self, topic: str, payload: object | bytes) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        info = self.client.publish(topic, body, qos=1)
        info.wait_for_publish(timeout=15)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
