"""Plain helpers for tests: free ports, throwaway servers, polling (factories are in
tests/factories/)."""

from __future__ import annotations

import json
import os
import shutil
import signal
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

DEPLOY_MOSQUITTO = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto"


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
    def create(cls, *, max_queued_messages: int = 100_000) -> Mosquitto:
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
            f"max_queued_messages {max_queued_messages}\n"
            f"log_dest file {directory}/mosquitto.log\n"
        )
        broker.start()
        return broker

    @classmethod
    def deployed(cls, *, password_file: str, acl_file: str) -> Mosquitto:
        """Mosquitto as production runs it: the committed deploy/mosquitto/mosquitto.conf
        with only its port, paths and log moved here, and the given password and ACL texts
        (as `dustwatch mqtt-credentials write` renders them)."""
        directory = Path(tempfile.mkdtemp(prefix="dustwatch-mosquitto-"))
        directory.chmod(0o777)
        broker = cls(port=free_port(), directory=directory)
        broker.write_access(password_file=password_file, acl_file=acl_file)
        moved = {
            "listener": f"listener {broker.port} 127.0.0.1",
            "password_file": f"password_file {directory}/passwd",
            "acl_file": f"acl_file {directory}/acl",
            "persistence_location": f"persistence_location {directory}/",
            "log_dest": f"log_dest file {directory}/mosquitto.log",
        }
        committed = (DEPLOY_MOSQUITTO / "mosquitto.conf").read_text().splitlines()
        lines = [moved.get(line.split(" ", 1)[0], line) for line in committed]
        (directory / "mosquitto.conf").write_text("\n".join(lines) + "\n")
        broker.start()
        return broker

    def write_access(self, *, password_file: str, acl_file: str) -> None:
        """Replace the password and ACL files; `reload()` makes a running broker read them."""
        for name, text in (("passwd", password_file), ("acl", acl_file)):
            path = self.directory / name
            path.write_text(text)
            # Mosquitto reads these after dropping root to its own user.
            path.chmod(0o644)

    def reload(self) -> None:
        """SIGHUP, as `docker compose kill -s HUP mqtt`: Mosquitto reads its files again."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

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


def connect_answer(
    port: int,
    *,
    username: str | None,
    password: str | None,
    client_id: str | None = None,
    protocol: mqtt.MQTTProtocolVersion = mqtt.MQTTv311,
) -> mqtt.ReasonCode:
    """A broker's answer to a CONNECT with a clean session; the client then disconnects.

    The client id is the user name unless given, as a real device's is.
    """
    answers: list[mqtt.ReasonCode] = []
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=(username or "") if client_id is None else client_id,
        protocol=protocol,
    )
    if username is not None:
        client.username_pw_set(username, password)
    client.on_connect = lambda _c, _u, _f, reason, _p: answers.append(reason)
    client.on_disconnect = lambda _c, _u, _f, reason, _p: answers.append(reason)
    client.connect("127.0.0.1", port)
    client.loop_start()
    wait_for(lambda: answers, what="the broker's answer")
    client.disconnect()
    client.loop_stop()
    return answers[0]


class Device:
    """A sensor publishing with paho over QoS 1, as a volunteer's device would."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
    ) -> None:
        """With `username`, it signs in as a real device does: client id = user name."""
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id or username or f"device-{uuid.uuid4().hex[:8]}",
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.connect(host, port)
        self.client.loop_start()

    def publish(self, topic: str, payload: object | bytes) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        info = self.client.publish(topic, body, qos=1)
        info.wait_for_publish(timeout=15)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Listener:
    """A device that subscribes and keeps what it receives: (topic, payload, retained).

    It signs in as a real device does (client id = user name), so it is also the one
    connection that device may have: publish through it."""

    def __init__(
        self,
        *,
        port: int,
        username: str,
        password: str,
        topics: list[str],
        protocol: mqtt.MQTTProtocolVersion = mqtt.MQTTv311,
    ) -> None:
        self.received: list[tuple[str, bytes, bool]] = []
        self.granted: list[list[int]] = []
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id=username, protocol=protocol
        )
        self.client.username_pw_set(username, password)
        self.client.on_message = lambda _c, _u, m: self.received.append(
            (m.topic, bytes(m.payload), bool(m.retain))
        )
        self.client.on_subscribe = lambda _c, _u, _m, reasons, _p: self.granted.append(
            [r.value for r in reasons]
        )
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe([(topic, 1) for topic in topics])
        wait_for(lambda: self.granted, what="the SUBACK")

    def publish(self, topic: str, payload: object | bytes) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.client.publish(topic, body, qos=1).wait_for_publish(timeout=15)

    def topics(self) -> set[str]:
        return {topic for topic, _, _ in self.received}

    def last_json(self, topic: str) -> dict[str, object]:
        payloads = [p for t, p, _ in self.received if t == topic]
        assert payloads, f"nothing received on {topic}"
        answer: dict[str, object] = json.loads(payloads[-1])
        return answer

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def run_cli(
    args: list[str], *, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`dustwatch <args>` run in this process (Click's runner), with only the given
    DUSTWATCH_* variables set: the same commands an administrator types, without paying a
    Python start-up per command. A crash is raised, never passed off as an exit status."""
    from typer.testing import CliRunner

    from cli.main import app

    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DUSTWATCH_")}
    result = CliRunner().invoke(
        app, args, input=stdin, env=unset | env, catch_exceptions=False, color=False
    )
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
