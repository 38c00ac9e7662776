"""`dustwatch scheduler` killed while a message is on its way: nothing is lost, and what
arrives twice carries the same message id, so the recipient's system keeps it once."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.models import Channel, DeliveryAttempt, Language, OutboxMessage, OutboxStatus
from tests.alerts.test_delivery import open_alert, subscribe
from tests.cli.test_main import dustwatch
from tests.cli.test_scheduler import FAST, Process, database  # noqa: F401 (the fixture)
from tests.support import free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgresql"])]


class StallingReceiver:
    """A webhook receiver that holds the first request until released, then answers 200;
    it keeps the message id of every request."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.message_ids.append(self.headers["X-Dustwatch-Message-Id"])
                if len(receiver.message_ids) == 1:
                    receiver.release.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[StallingReceiver]:
    stalling = StallingReceiver()
    yield stalling
    stalling.close()


def start(url: str, tmp_path: Path) -> Process:
    env = FAST | {
        "DUSTWATCH_DB__URL": url,
        "DUSTWATCH_SCHEDULER__ALERT_CHECK_SECONDS": "3600",
        "DUSTWATCH_DELIVERY__LEASE_SECONDS": "2",
        "DUSTWATCH_DELIVERY__HTTP_TIMEOUT_SECONDS": "30",
        "DUSTWATCH_DELIVERY__ALLOW_HTTP_WEBHOOKS": "true",
        "DUSTWATCH_DELIVERY__ALLOW_PRIVATE_WEBHOOKS": "true",
    }
    process = Process(dustwatch("scheduler", cwd=tmp_path, env=env))
    wait_for(lambda: "scheduler is up" in process.output, timeout=60, what=process.output)
    return process


def the_message(factory: sessionmaker[Session]) -> tuple[OutboxMessage, list[DeliveryAttempt]]:
    with factory() as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        attempts = session.scalars(
            select(DeliveryAttempt).where(DeliveryAttempt.outbox_message_id == message.id)
        ).all()
        return message, list(attempts)


def test_a_scheduler_killed_mid_send_loses_nothing_and_sends_again_under_the_same_id(
    database: tuple[str, Any, sessionmaker[Session]],  # noqa: F811
    receiver: StallingReceiver,
    tmp_path: Path,
) -> None:
    url, _, factory = database
    with factory.begin() as session:
        subscribe(session, Channel.WEBHOOK, receiver.url, language=Language.EN)
    open_alert(factory)

    first = start(url, tmp_path)
    try:
        wait_for(lambda: receiver.message_ids, timeout=30, what="the webhook on its way")
    finally:
        assert first.end(signal.SIGKILL) == -signal.SIGKILL  # mid-send: no reply read
    receiver.release.set()
    message, attempts = the_message(factory)
    assert (message.status, message.attempts, attempts) == (OutboxStatus.PENDING, 0, [])
    assert message.claimed_until is not None  # the dead sender's lease runs out by itself

    second = start(url, tmp_path)
    try:
        wait_for(
            lambda: the_message(factory)[0].status is OutboxStatus.SENT,
            timeout=30,
            what="the message sent again after the lease",
        )
    finally:
        assert second.end(signal.SIGTERM) == 0
    message, attempts = the_message(factory)
    assert receiver.message_ids == [message.message_id, message.message_id]
    assert [attempt.ok for attempt in attempts] == [True]
    assert message.attempts == 1
