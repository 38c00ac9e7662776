"""Alert messages reach every subscribed channel for real, once, and survive failures and
crashes: an SMTP server, HTTP receivers for the webhook and the LINE API, the MQTT broker."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import DeliveryError, MqttSender, Sender, senders
from alerts.delivery.dispatcher import claim, dispatch_outbox
from alerts.jobs import JobContext, check_exceedances
from alerts.scheduler import Scheduler
from cli.runtime import Runtime
from core.alerts.service import evaluate_24h_exceedances
from core.devices.credentials import mosquitto_files
from core.devices.topics import ALERTS_USER, INGEST_USER
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.models import (
    Alert,
    Channel,
    DeliveryAttempt,
    Language,
    OutboxMessage,
    RejectedMessage,
    Severity,
    Subscription,
)
from core.operations.heartbeats import ProcessIdentity
from core.outbox.service import ClaimedMessage, RetryPolicy, list_deliveries
from core.settings import (
    DatabaseSettings,
    DeliverySettings,
    LineSettings,
    MqttSettings,
    SchedulerSettings,
    Settings,
    SmtpSettings,
    default_zone,
)
from tests.alerts.receivers import HttpReceiver, SmtpReceiver
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.alerts.test_late_data import D0, HOUR, send
from tests.alerts.test_late_data import NOW as LATE_NOW
from tests.factories import make_station
from tests.support import Listener, Mosquitto, free_port, wait_for

SECRET = "a webhook secret of some length"
LINE_TOKEN = "line-channel-access-token"
OPENED = T0 + timedelta(hours=24, minutes=5)
POLICY = RetryPolicy(
    max_attempts=5,
    first_delay=timedelta(seconds=10),
    max_delay=timedelta(minutes=5),
    lease=timedelta(seconds=60),
)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def factory(backend: str, fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def line() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


def channel_senders(
    smtp: SmtpReceiver, line: HttpReceiver, broker: Mosquitto, prefix: str
) -> dict[Channel, Sender]:
    settings = DeliverySettings(
        smtp=SmtpSettings(
            host="127.0.0.1", port=smtp.port, starttls=False, sender="alerts@dustwatch.test"
        ),
        line=LineSettings(base_url=line.url, channel_access_token=LINE_TOKEN),
        mqtt_url=broker.url,
        http_timeout_seconds=5,
        allow_http_webhooks=True,
        allow_private_webhooks=True,
    )
    return senders(settings, topic_prefix=prefix)


def subscribe(session: Session, channel: Channel, address: str | None, **values: Any) -> None:
    defaults: dict[str, Any] = {
        "name": f"{channel.value} subscription",
        "role": "official",
        "areas": [],
        "min_severity": Severity.WARNING,
        "language": Language.TH,
        "enabled": True,
        "created_at": T0,
    }
    defaults.update(values)
    session.add(
        Subscription(
            channel=channel,
            address=address,
            secret=SECRET if channel is Channel.WEBHOOK else None,
            **defaults,
        )
    )


def open_alert(factory: sessionmaker[Session], area: str = "Na Phra Lan") -> str:
    """A station 24 hours at 150 µg/m³ of PM10 (limit 120): one alert opens, committed."""
    with factory.begin() as session:
        station = make_station(session, name="Wat Khao", area=area)
        publish_hours(session, station.code, "pm10", 150, T0, 24)
    with factory.begin() as session:
        [alert_id] = evaluate_24h_exceedances(session, now=OPENED, zone=default_zone()).opened
        return session.get_one(Alert, alert_id).public_id


def test_an_alert_reaches_every_subscribed_channel_once(
    factory: sessionmaker[Session],
    smtp: SmtpReceiver,
    webhook: HttpReceiver,
    line: HttpReceiver,
    mosquitto: Mosquitto,
    topic_prefix: str,
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "official@example.org")
        subscribe(session, Channel.WEBHOOK, webhook.url + "/sms", language=Language.EN)
        subscribe(session, Channel.LINE, "Cgroup0123456789")
        subscribe(session, Channel.MQTT, "na-phra-lan", language=Language.EN)
        subscribe(session, Channel.EMAIL, "elsewhere@example.org", areas=["Elsewhere"])
        subscribe(session, Channel.EMAIL, "only-critical@example.org", min_severity="critical")
    listener = Listener(
        port=mosquitto.port, username="watcher", password="", topics=[f"{topic_prefix}/alerts/#"]
    )
    try:
        public_id = open_alert(factory)
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 4

        run = dispatch_outbox(
            factory,
            senders=channel_senders(smtp, line, mosquitto, topic_prefix),
            policy=POLICY,
        )
        assert len(run.sent) == 4
        assert run.failed == []
        wait_for(lambda: listener.received, what="the MQTT alert")
    finally:
        listener.close()

    [mail] = smtp.messages
    assert mail["To"] == "official@example.org"
    assert "PM10" in mail["Subject"]
    assert "Wat Khao" in mail["Subject"]
    assert "เกินค่ามาตรฐาน 120" in mail.get_content()
    assert "2026-11-21 07:05" in mail.get_content()  # 00:05 UTC in Bangkok

    [hook] = webhook.requests
    assert hook.path == "/sms"
    stamp = hook.headers["X-Dustwatch-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{stamp}.".encode() + hook.body, hashlib.sha256)
    assert hook.headers["X-Dustwatch-Signature"] == "sha256=" + expected.hexdigest()
    body = json.loads(hook.body)
    assert body["message_id"] == hook.headers["X-Dustwatch-Message-Id"]
    assert (body["alert_id"], body["average"], body["limit"]) == (public_id, 150.0, 120.0)
    assert body["text"].startswith("The 24-hour average of PM10 at Wat Khao")

    [push] = line.requests
    assert push.path == "/v2/bot/message/push"
    assert push.headers["Authorization"] == f"Bearer {LINE_TOKEN}"
    pushed = json.loads(push.body)
    assert pushed["to"] == "Cgroup0123456789"
    [text] = pushed["messages"]
    assert text["type"] == "text"
    assert "Wat Khao" in text["text"]

    [(topic, payload, _)] = listener.received
    assert topic == f"{topic_prefix}/alerts/na-phra-lan"
    assert json.loads(payload)["alert_id"] == public_id

    with factory() as session:
        deliveries = list_deliveries(session, public_id)
    by_channel = {d.channel: d for d in deliveries}
    assert {d.status for d in deliveries} == {"sent"}
    assert [len(d.attempts) for d in deliveries] == [1, 1, 1, 1]
    assert mail["Message-ID"] == f"<{by_channel['email'].message_id}@dustwatch.test>"
    assert push.headers["X-Line-Retry-Key"] == by_channel["line"].message_id
    assert json.loads(payload)["message_id"] == by_channel["mqtt"].message_id
    assert len({d.message_id for d in deliveries}) == 4

    # a second pass finds nothing more to send
    again = dispatch_outbox(
        factory, senders=channel_senders(smtp, line, mosquitto, topic_prefix), policy=POLICY
    )
    assert again.sent == []
    assert len(webhook.requests) == 1


def test_a_failing_receiver_is_retried_with_backoff_without_holding_up_the_others(
    factory: sessionmaker[Session],
    smtp: SmtpReceiver,
    webhook: HttpReceiver,
    line: HttpReceiver,
    mosquitto: Mosquitto,
    topic_prefix: str,
) -> None:
    webhook.failures = 2
    with factory.begin() as session:
        subscribe(session, Channel.WEBHOOK, webhook.url)
        subscribe(session, Channel.EMAIL, "official@example.org")
    public_id = open_alert(factory)
    clock = Clock(datetime.now(UTC))
    channels = channel_senders(smtp, line, mosquitto, topic_prefix)

    first = dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock)
    assert len(first.sent) == 1
    assert len(first.failed) == 1
    assert len(smtp.messages) == 1  # the e-mail went although the webhook failed

    # not due again before the backoff (10 s, then 20 s)
    clock.now += timedelta(seconds=5)
    assert dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock).failed == []
    clock.now += timedelta(seconds=6)
    assert len(dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock).failed) == 1
    clock.now += timedelta(seconds=21)
    assert len(dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock).sent) == 1

    with factory() as session:
        hook = next(d for d in list_deliveries(session, public_id) if d.channel == "webhook")
    assert hook.status == "sent"
    assert [a.ok for a in hook.attempts] == [False, False, True]
    assert hook.attempts[0].error == "webhook answered 500"
    assert len(webhook.requests) == 3
    assert {json.loads(r.body)["message_id"] for r in webhook.requests} == {hook.message_id}
    assert len(smtp.messages) == 1


def test_a_message_is_given_up_after_the_last_attempt(factory: sessionmaker[Session]) -> None:
    class Down:
        def send(self, message: object) -> None:
            raise DeliveryError("connection refused")

    with factory.begin() as session:
        subscribe(session, Channel.LINE, "U0123")
    public_id = open_alert(factory)
    clock = Clock(datetime.now(UTC))
    policy = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=1))
    for _ in range(5):
        dispatch_outbox(factory, senders={Channel.LINE: Down()}, policy=policy, clock=clock)
        clock.now += timedelta(hours=1)
    with factory() as session:
        [delivery] = list_deliveries(session, public_id)
    assert (delivery.status, len(delivery.attempts)) == ("failed", 3)
    assert delivery.last_error == "connection refused"


def test_a_crash_between_send_and_mark_resends_the_same_message_after_the_lease(
    factory: sessionmaker[Session],
    smtp: SmtpReceiver,
    webhook: HttpReceiver,
    line: HttpReceiver,
    mosquitto: Mosquitto,
    topic_prefix: str,
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.WEBHOOK, webhook.url)
        subscribe(session, Channel.LINE, "U0123")
    public_id = open_alert(factory)
    channels = channel_senders(smtp, line, mosquitto, topic_prefix)
    clock = Clock(datetime.now(UTC))

    # A sender claims both, sends both, and dies before marking either sent.
    for message in claim(factory, senders=channels, policy=POLICY, limit=10, now=clock()):
        channels[message.channel].send(message)
    # While its lease lasts, nobody else sends them.
    clock.now += timedelta(seconds=30)
    assert dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock).sent == []
    # After it, they are sent again, with the same ids.
    clock.now += timedelta(seconds=31)
    assert len(dispatch_outbox(factory, senders=channels, policy=POLICY, clock=clock).sent) == 2

    ids = [json.loads(r.body)["message_id"] for r in webhook.requests]
    assert len(ids) == 2
    assert len(set(ids)) == 1
    keys = [r.headers["X-Line-Retry-Key"] for r in line.requests]
    assert len(keys) == 2
    assert len(set(keys)) == 1
    with factory() as session:
        deliveries = list_deliveries(session, public_id)
        assert {d.status for d in deliveries} == {"sent"}
        assert session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 2


def test_the_generated_acl_lets_the_alerts_user_publish_alerts_and_nothing_else(
    session: Session,
) -> None:
    """Mosquitto as deployed, with the files `dustwatch mqtt-credentials write` renders."""
    prefix = "dustwatch/v1"
    ingest_password, alerts_password = "ingest password 123", "alerts password 456"
    files = mosquitto_files(
        session, ingest_password=ingest_password, prefix=prefix, alerts_password=alerts_password
    )
    broker = Mosquitto.deployed(password_file=files.password_file, acl_file=files.acl_file)
    listener = Listener(
        port=broker.port, username=INGEST_USER, password=ingest_password, topics=[f"{prefix}/#"]
    )
    try:
        url = f"mqtt://{ALERTS_USER}:{alerts_password.replace(' ', '%20')}@127.0.0.1:{broker.port}"
        sender = MqttSender(url=url, prefix=prefix, timeout=5)
        message = ClaimedMessage(
            id=1,
            message_id="6f1c2d7e-0000-4000-8000-000000000001",
            claim_token="t",
            channel=Channel.MQTT,
            address="na-phra-lan",
            subject="s",
            body="b",
            payload={"message_id": "6f1c2d7e-0000-4000-8000-000000000001"},
            secret=None,
        )
        sender.send(message)
        wait_for(lambda: listener.received, what="the alert on the alerts topic")
        assert listener.topics() == {f"{prefix}/alerts/na-phra-lan"}
        # Elsewhere the broker refuses it (MQTT 5 says so in the PUBACK), and drops it.
        elsewhere = MqttSender(url=url, prefix=f"{prefix}/readings", timeout=5)
        elsewhere.topic = lambda address: f"{prefix}/readings/npl-v01"  # type: ignore[method-assign]
        with pytest.raises(DeliveryError, match="refused"):
            elsewhere.send(message)
        listener.publish(f"{prefix}/status/probe", {"probe": True})
        wait_for(lambda: f"{prefix}/status/probe" in listener.topics(), what="the probe")
        assert f"{prefix}/readings/npl-v01" not in listener.topics()
    finally:
        listener.close()
        broker.remove()


def test_an_alert_opened_for_the_past_from_a_backlog_is_told_once(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "official@example.org", language=Language.EN)
        station = make_station(session, name="Wat Khao")
        code = station.code
    with factory() as session:
        send(session, code, [(h, 160.0) for h in range(24)], received_at=LATE_NOW)

    check_exceedances(factory, zone=default_zone(), now=LATE_NOW)
    check_exceedances(factory, zone=default_zone(), now=LATE_NOW + timedelta(minutes=1))

    with factory() as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        alert = session.get_one(Alert, message.alert_id)
    assert alert.arrived_late
    assert message.address == "official@example.org"
    # opened at the end of the first window with 18 hours of data, in Bangkok time
    opened = (D0 + 18 * HOUR).astimezone(default_zone()).strftime("%Y-%m-%d %H:%M")
    assert opened in message.body


def test_messages_of_a_channel_that_is_not_configured_wait_for_it(
    factory: sessionmaker[Session], smtp: SmtpReceiver
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "official@example.org")
        subscribe(session, Channel.LINE, "U0123")
    public_id = open_alert(factory)
    settings = DeliverySettings(smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, starttls=False))
    channels = senders(settings, topic_prefix="dustwatch/v1")
    assert Channel.LINE not in channels  # no channel access token

    dispatch_outbox(factory, senders=channels, policy=POLICY)

    with factory() as session:
        by_channel = {d.channel: d for d in list_deliveries(session, public_id)}
    assert by_channel["email"].status == "sent"
    assert (by_channel["line"].status, by_channel["line"].attempts) == ("pending", [])


def test_the_scheduler_drains_the_outbox_every_few_seconds(
    factory: sessionmaker[Session], webhook: HttpReceiver
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.WEBHOOK, webhook.url)
    public_id = open_alert(factory)
    settings = Settings(
        scheduler=SchedulerSettings(
            alert_check_seconds=3600, dispatch_seconds=1, leader_check_seconds=0.2
        ),
        delivery=DeliverySettings(allow_http_webhooks=True, allow_private_webhooks=True),
    )
    context = JobContext.build(settings, session_factory=factory, health=HealthRegistry())
    scheduler = Scheduler(context, engine=factory.kw["bind"], identity=ProcessIdentity("test"))
    scheduler.start()
    try:
        wait_for(lambda: webhook.requests, what="the webhook sent by the scheduler")
    finally:
        scheduler.stop()
    with factory() as session:
        [delivery] = list_deliveries(session, public_id)
    assert delivery.status == "sent"


def test_with_the_embedded_broker_alerts_go_out_on_mqtt_and_the_ingest_ignores_them(
    backend: str, fresh_database_url: str
) -> None:
    """`dustwatch serve` without a broker URL: the alerts user signs in to the embedded
    broker with a password made at start-up, and the ingest, which reads every topic under
    the prefix, neither stores nor refuses the alert messages."""
    settings = Settings(
        db=DatabaseSettings(url=fresh_database_url),
        mqtt=MqttSettings(embedded_port=free_port(), topic_prefix="dustwatch/v1"),
        scheduler=SchedulerSettings(alert_check_seconds=3600, dispatch_seconds=1),
    )
    runtime = Runtime(settings)
    with runtime.session_factory.begin() as session:
        subscribe(session, Channel.MQTT, "na-phra-lan")
    public_id = open_alert(runtime.session_factory)
    runtime.start(migrate=False)
    try:

        def delivered() -> bool:
            with runtime.session_factory() as session:
                return list_deliveries(session, public_id)[0].status == "sent"

        wait_for(delivered, what="the alert published on the embedded broker")
        time.sleep(2)  # the ingest's writer batches every 0.5 s
        with runtime.session_factory() as session:
            assert session.scalar(select(func.count()).select_from(RejectedMessage)) == 0
    finally:
        runtime.stop()
