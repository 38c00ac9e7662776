"""Issue 8 from end to end, through the scheduler's own jobs and against real receivers: a
breach opens one alert, told once on every subscribed channel (SMTP, a signed webhook, the
LINE API, MQTT) and in the public CAP feed; nobody acknowledges it, so it escalates; an
official acknowledges it on the inbox page with a note, which stops the escalation; the air
clears and it resolves by itself, which everyone told of it hears once, and the feed says."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.jobs import JOBS, JobContext
from api.app import create_app
from core.kit.health import HealthRegistry
from core.models import Alert, CapMessage, Channel, Language, OutboxMessage, Role
from core.outbox.service import list_deliveries
from core.settings import (
    AuthSettings,
    DeliverySettings,
    LineSettings,
    MqttSettings,
    Settings,
    SmtpSettings,
)
from tests.alerts.receivers import HttpReceiver, SmtpReceiver
from tests.alerts.test_cap import valid_cap
from tests.alerts.test_delivery import (  # noqa: F401 (fixtures)
    LINE_TOKEN,
    OPENED,
    factory,
    line,
    smtp,
    subscribe,
    webhook,
)
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.factories import make_station, make_user
from tests.support import Listener, Mosquitto, wait_for
from tests.web.test_pages import SIGNIN_COOKIE, form

JOB = {job.name: job for job in JOBS}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture
def client(factory: sessionmaker[Session]) -> Iterator[TestClient]:  # noqa: F811
    """The real application on a database of its own, committed as in production, so that
    the jobs (which open their own sessions and threads) and the pages see the same data."""
    settings = Settings(auth=AuthSettings(secure_cookies=False))
    app = create_app(settings=settings, session_factory=factory, health_registry=HealthRegistry())
    with TestClient(app) as test_client:
        yield test_client


def sign_in(client: TestClient, factory: sessionmaker[Session], role: Role) -> str:  # noqa: F811
    """Signs a new user in through the page; returns the CSRF token its forms carry."""
    with factory.begin() as session:
        email = make_user(session, role=role).email
    response = client.post("/signin", data=form(email), headers=SIGNIN_COOKIE)
    assert response.status_code == 200, response.text
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match is not None
    return match.group(1)


def run(context: JobContext, name: str, fire_time: datetime) -> str | None:
    """One run of a registered job, as the scheduler runs it at `fire_time`."""
    return JOB[name].run(context, fire_time)


def cap_documents(client: TestClient) -> list[etree._Element]:
    """Every CAP document the public feed links to, fetched and checked against the schema."""
    feed = client.get("/cap/alerts.atom")
    assert feed.status_code == 200
    links = etree.fromstring(feed.content).xpath(
        "//atom:entry/atom:link[@type='application/cap+xml']/@href", namespaces=ATOM
    )
    documents = []
    for link in links:
        response = client.get(urlsplit(str(link)).path)
        assert response.status_code == 200
        documents.append(valid_cap(response.content))
    return documents


def test_a_breach_is_told_once_everywhere_escalates_is_acknowledged_and_resolves(
    client: TestClient,
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
    webhook: HttpReceiver,  # noqa: F811
    line: HttpReceiver,  # noqa: F811
    mosquitto: Mosquitto,
    topic_prefix: str,
) -> None:
    with factory.begin() as session:
        station = make_station(session, name="Wat Khao", area="Na Phra Lan")
        code = station.code
        subscribe(session, Channel.EMAIL, "official@example.org")
        subscribe(session, Channel.WEBHOOK, webhook.url + "/sms", language=Language.EN)
        subscribe(session, Channel.LINE, "Cgroup0123456789")
        subscribe(session, Channel.MQTT, "na-phra-lan", language=Language.EN)
        subscribe(session, Channel.EMAIL, "duty@example.org", level=2, language=Language.EN)
        subscribe(session, Channel.EMAIL, "director@example.org", level=3, language=Language.EN)
        publish_hours(session, code, "pm10", 150, T0, 24)
    settings = Settings(
        delivery=DeliverySettings(
            smtp=SmtpSettings(
                host="127.0.0.1", port=smtp.port, starttls=False, sender="alerts@dustwatch.test"
            ),
            line=LineSettings(base_url=line.url, channel_access_token=LINE_TOKEN),
            mqtt_url=mosquitto.url,
            http_timeout_seconds=5,
            allow_http_webhooks=True,
            allow_private_webhooks=True,
        ),
        mqtt=MqttSettings(topic_prefix=topic_prefix),
    )
    context = JobContext.build(settings, session_factory=factory, health=HealthRegistry())
    listener = Listener(
        port=mosquitto.port, username="watcher", password="", topics=[f"{topic_prefix}/alerts/#"]
    )
    try:
        # The breach: one alert, however often the rules are checked while it lasts.
        for minutes in (0, 1, 2):
            run(context, "check_exceedances", OPENED + timedelta(minutes=minutes))
        with factory() as session:
            [alert] = session.scalars(select(Alert)).all()
        run(context, "sync_cap_messages", OPENED)
        run(context, "dispatch_outbox", OPENED)
        run(context, "dispatch_outbox", OPENED + timedelta(minutes=1))
        wait_for(lambda: listener.received, what="the MQTT alert")

        assert [m["To"] for m in smtp.messages] == ["official@example.org"]
        assert len(webhook.requests) == 1
        assert json.loads(webhook.requests[0].body)["alert_id"] == alert.public_id
        assert len(line.requests) == 1
        assert "Wat Khao" in json.loads(line.requests[0].body)["messages"][0]["text"]
        [(topic, payload, _)] = listener.received
        assert (topic, json.loads(payload)["alert_id"]) == (
            f"{topic_prefix}/alerts/na-phra-lan",
            alert.public_id,
        )
        [opened] = cap_documents(client)
        assert opened.findtext("cap:msgType", namespaces=CAP) == "Alert"

        # Nobody acknowledges it: after 30 minutes it goes to level 2, once.
        run(context, "escalate", OPENED + timedelta(minutes=31))
        run(context, "escalate", OPENED + timedelta(minutes=32))
        run(context, "dispatch_outbox", OPENED + timedelta(minutes=32))
        assert [m["To"] for m in smtp.messages] == ["official@example.org", "duty@example.org"]
        assert smtp.messages[1]["Subject"].startswith("[Escalated, level 2]")

        # The official acknowledges it from the inbox, with a note: no level 3.
        token = sign_in(client, factory, Role.OFFICIAL)
        inbox = client.get("/inbox")
        assert "Wat Khao" in inbox.text
        acknowledged = client.post(
            f"/inbox/{alert.public_id}/acknowledge",
            data={"note": "Water truck sent to road 3", "csrf_token": token},
        )
        assert acknowledged.status_code == 200, acknowledged.text
        assert "Water truck sent to road 3" in acknowledged.text
        run(context, "escalate", OPENED + timedelta(hours=3))
        assert "director@example.org" not in {m["To"] for m in smtp.messages}

        # The air clears: a day at 20 µg/m³ resolves it at once, with that average.
        with factory.begin() as session:
            publish_hours(session, code, "pm10", 20, T0 + timedelta(hours=24), 24)
        cleared = OPENED + timedelta(hours=24)
        run(context, "check_exceedances", cleared)
        run(context, "sync_cap_messages", cleared)
        run(context, "dispatch_outbox", cleared)
        wait_for(lambda: len(listener.received) == 2, what="the MQTT resolution")
    finally:
        listener.close()

    detail = client.get(f"/alerts/{alert.public_id}").json()
    assert (detail["status"], detail["resolution"]) == ("resolved", "automatic")
    assert [m["To"] for m in smtp.messages][2:] == ["official@example.org", "duty@example.org"]
    assert all(m["Subject"].startswith(("Resolved", "สิ้นสุด")) for m in smtp.messages[2:])
    assert [json.loads(r.body)["event"] for r in webhook.requests] == [
        "alert.opened",
        "alert.resolved",
    ]
    assert len(line.requests) == 2
    assert json.loads(listener.received[1][1])["event"] == "alert.resolved"
    # (the feed lists an ended alert for a day; this one ended days ago, as the clock goes)
    with factory() as check:
        identifiers = check.scalars(
            select(CapMessage.identifier)
            .where(CapMessage.alert_id == alert.id)
            .order_by(CapMessage.sequence)
        ).all()
    assert len(identifiers) == 2
    ended = valid_cap(client.get(f"/cap/messages/{identifiers[1]}.xml").content)
    assert ended.findtext("cap:msgType", namespaces=CAP) == "Update"
    assert ended.findtext("cap:info/cap:responseType", namespaces=CAP) == "AllClear"
    assert opened.findtext("cap:identifier", namespaces=CAP) in (
        ended.findtext("cap:references", namespaces=CAP) or ""
    )

    with factory() as check:  # every message sent, none twice
        deliveries = list_deliveries(check, alert.public_id)
        assert {d.status for d in deliveries} == {"sent"}
        # four openings, one escalation, and a resolution for each of those five
        assert len({d.message_id for d in deliveries}) == len(deliveries) == 10
        assert check.scalar(select(func.count()).select_from(OutboxMessage)) == 10
