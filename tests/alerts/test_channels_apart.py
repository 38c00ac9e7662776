"""Each channel is sent in its own thread: a webhook receiver that hangs past the time limit
or a LINE API that fails holds up no e-mail of the same pass, and its messages back off."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import senders
from alerts.delivery.dispatcher import DispatchRun, dispatch_outbox
from core.models import Channel
from core.outbox.service import list_deliveries
from core.settings import DeliverySettings, LineSettings, SmtpSettings
from tests.alerts.receivers import HttpReceiver, SmtpReceiver
from tests.alerts.test_delivery import POLICY, factory, smtp, subscribe  # noqa: F401 (fixtures)
from tests.alerts.test_escalation import open_alert
from tests.support import wait_for

TIME_LIMIT = 1.5


@pytest.fixture
def hanging() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(delay=TIME_LIMIT * 3).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def failing_line() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(failures=100).start()
    yield receiver
    receiver.stop()


def test_a_hanging_webhook_and_a_failing_line_api_do_not_hold_up_the_email(
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
    hanging: HttpReceiver,
    failing_line: HttpReceiver,
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.WEBHOOK, hanging.url + "/hook", name="SMS gateway")
        subscribe(session, Channel.WEBHOOK, hanging.url + "/hook", name="SMS gateway, again")
        subscribe(session, Channel.LINE, "Cgroup0123456789")
        subscribe(session, Channel.EMAIL, "official@example.org")
    public_id = open_alert(factory)
    channels = senders(
        DeliverySettings(
            smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, starttls=False),
            line=LineSettings(base_url=failing_line.url, channel_access_token="token"),
            http_timeout_seconds=TIME_LIMIT,
            allow_http_webhooks=True,
            allow_private_webhooks=True,
        ),
        topic_prefix="dustwatch/v1",
    )

    runs: list[DispatchRun] = []
    started = time.monotonic()
    passing = threading.Thread(
        target=lambda: runs.append(dispatch_outbox(factory, senders=channels, policy=POLICY))
    )
    passing.start()
    wait_for(lambda: smtp.messages, timeout=10, interval=0.02, what="the e-mail")
    mailed_after = time.monotonic() - started
    webhook_still_waiting = passing.is_alive()
    passing.join(timeout=30)
    finished = datetime.now(UTC)

    assert mailed_after < TIME_LIMIT
    assert webhook_still_waiting
    [run] = runs
    assert len(run.sent) == 1
    assert len(run.failed) == 2  # one webhook message (timed out) and the LINE message
    assert len(hanging.requests) == 1  # its second message waits: the receiver just hung

    with factory() as session:
        deliveries = list_deliveries(session, public_id)
    email = next(d for d in deliveries if d.channel == "email")
    assert email.status == "sent"
    tried, waiting = (d for d in deliveries if d.channel == "webhook")
    assert [a.ok for a in tried.attempts] == [False]
    assert "timed out" in (tried.last_error or "").lower()
    assert tried.next_attempt_at is not None
    assert tried.next_attempt_at >= tried.attempts[0].finished_at + timedelta(seconds=10)
    assert (waiting.status, waiting.attempts) == ("pending", [])
    line = next(d for d in deliveries if d.channel == "line")
    assert line.last_error == "LINE answered 500: {}"
    assert line.next_attempt_at is not None
    assert line.next_attempt_at > finished  # backs off
