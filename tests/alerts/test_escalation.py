"""An alert nobody acknowledges goes to the next level of recipients, once per level, even
when two processes run the job at once; acknowledging it stops that. When it resolves, by
itself or by hand, everyone who was told of it is told it is over, once."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import Sender, senders
from alerts.delivery.dispatcher import DispatchRun, dispatch_outbox
from core.access.principal import Principal
from core.alerts.escalation import Escalation, EscalationDelays, escalate_unacknowledged
from core.alerts.lifecycle import acknowledge, get_alert, resolve_by_hand
from core.alerts.service import evaluate_24h_exceedances
from core.models import (
    Alert,
    AlertEscalation,
    AlertRule,
    AuditEvent,
    Channel,
    Language,
    MessageEvent,
    OutboxMessage,
    Role,
    Severity,
    Station,
)
from core.outbox.service import enqueue_alert_resolved, list_deliveries
from core.settings import DeliverySettings, LineSettings, SmtpSettings, default_zone
from tests.alerts.receivers import HttpReceiver, SmtpReceiver
from tests.alerts.test_delivery import (  # noqa: F401 (fixtures)
    OPENED,
    POLICY,
    factory,
    line,
    smtp,
    subscribe,
    webhook,
)
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.api.conftest import Api
from tests.factories import make_station, make_user
from tests.support import wait_for
from tests.web.test_pages import sign_in, web  # noqa: F401 (the fixture)

ZONE = default_zone()
DELAYS = EscalationDelays(default=timedelta(minutes=30), critical=timedelta(minutes=15))


def open_alert(factory: sessionmaker[Session], value: float = 150) -> str:  # noqa: F811
    """A station 24 hours at `value` µg/m³ of PM10 (limit 120; 240 and more is critical)."""
    with factory.begin() as session:
        station = make_station(session, name="Wat Khao")
        publish_hours(session, station.code, "pm10", value, T0, 24)
    with factory.begin() as session:
        [alert_id] = evaluate_24h_exceedances(session, now=OPENED, zone=ZONE).opened
        return session.get_one(Alert, alert_id).public_id


def escalate(factory: sessionmaker[Session], minutes: int) -> list[Escalation]:  # noqa: F811
    """One run of the job, `minutes` after the alert was detected, committed."""
    with factory.begin() as session:
        return escalate_unacknowledged(
            session, now=OPENED + timedelta(minutes=minutes), zone=ZONE, after=DELAYS
        )


def channels(
    smtp: SmtpReceiver,  # noqa: F811
    webhook: HttpReceiver | None = None,  # noqa: F811
    line: HttpReceiver | None = None,  # noqa: F811
) -> dict[Channel, Sender]:
    settings = DeliverySettings(
        smtp=SmtpSettings(
            host="127.0.0.1", port=smtp.port, starttls=False, sender="alerts@dustwatch.test"
        ),
        line=LineSettings(base_url=line.url if line else "", channel_access_token="token"),
        http_timeout_seconds=5,
        allow_http_webhooks=True,
        allow_private_webhooks=True,
    )
    return senders(settings, topic_prefix="dustwatch/v1")


def official(session: Session) -> Principal:
    user = make_user(session, role=Role.OFFICIAL)
    return Principal(user_id=user.id, role=Role.OFFICIAL, label=user.email)


def mails_to(smtp: SmtpReceiver, address: str) -> list[str]:  # noqa: F811
    return [str(m["Subject"]) for m in smtp.messages if m["To"] == address]


def test_an_ignored_alert_goes_to_the_next_level_once_and_stops_when_acknowledged(
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "first@example.org")
        subscribe(session, Channel.EMAIL, "duty@example.org", level=2)
        subscribe(session, Channel.EMAIL, "elsewhere@example.org", level=2, areas=["Elsewhere"])
        subscribe(session, Channel.EMAIL, "director@example.org", level=3)
    public_id = open_alert(factory)

    assert escalate(factory, 29) == []
    assert escalate(factory, 31) == [Escalation(alert_id=public_id, level=2, messages=1)]
    assert escalate(factory, 31) == []  # the same run again, as after a restart
    assert escalate(factory, 45) == []  # level 3 waits its 30 minutes after level 2

    run = dispatch_outbox(factory, senders=channels(smtp), policy=POLICY)
    assert len(run.sent) == 2
    assert mails_to(smtp, "first@example.org") == ["แจ้งเตือน: PM10 เกินมาตรฐานที่สถานี Wat Khao"]
    [escalated] = [m for m in smtp.messages if m["To"] == "duty@example.org"]
    assert escalated["Subject"] == "[ยกระดับ 2] แจ้งเตือน: PM10 เกินมาตรฐานที่สถานี Wat Khao"
    assert "เกินค่ามาตรฐาน 120" in escalated.get_content()
    assert "ยังไม่มีผู้รับทราบการแจ้งเตือนนี้ภายใน 30 นาที" in escalated.get_content()

    with factory.begin() as session:
        acknowledge(
            session,
            public_id=public_id,
            principal=official(session),
            note="on my way",
            now=OPENED + timedelta(minutes=50),
        )
    assert escalate(factory, 70) == []
    assert escalate(factory, 500) == []
    assert dispatch_outbox(factory, senders=channels(smtp), policy=POLICY).sent == []
    assert mails_to(smtp, "director@example.org") == []

    with factory() as session:
        alert = session.scalars(select(Alert)).one()
        assert (alert.escalation_level, alert.escalated_at) == (2, OPENED + timedelta(minutes=31))
        steps = session.execute(select(AlertEscalation.level, AlertEscalation.messages)).all()
        assert [tuple(step) for step in steps] == [(2, 1)]
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "alert.escalate")
        ).all()
        assert [(e.actor_label, e.entity_id) for e in audit] == [
            ("dustwatch escalation", public_id)
        ]
        detail = get_alert(session, public_id=public_id, principal=official(session))
    assert detail.escalation_level == 2
    assert [(e.kind, e.level) for e in detail.history] == [
        ("opened", None),
        ("escalated", 2),
        ("acknowledged", None),
    ]


def test_a_critical_alert_nobody_acknowledges_climbs_faster_up_to_level_3_and_no_further(
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "duty@example.org", level=2)
        subscribe(session, Channel.EMAIL, "director@example.org", level=3, language=Language.EN)
        # The backbone made breaches of the 24-hour standard critical.
        session.execute(update(AlertRule).values(severity=Severity.CRITICAL))
    public_id = open_alert(factory, value=250)

    assert escalate(factory, 14) == []
    assert [e.level for e in escalate(factory, 16)] == [2]
    assert escalate(factory, 30) == []
    assert escalate(factory, 32) == [Escalation(alert_id=public_id, level=3, messages=1)]
    assert escalate(factory, 48) == []
    assert escalate(factory, 24 * 60) == []  # 3 is the last level

    dispatch_outbox(factory, senders=channels(smtp), policy=POLICY)
    [director] = [m for m in smtp.messages if m["To"] == "director@example.org"]
    assert director["Subject"] == "[Escalated, level 3] Alert: PM10 over the standard at Wat Khao"
    assert "Nobody acknowledged this alert within 15 minutes" in director.get_content()
    assert mails_to(smtp, "duty@example.org") == [
        "[ยกระดับ 2] แจ้งเตือน: PM10 เกินมาตรฐานที่สถานี Wat Khao"
    ]


def _waiting_on_a_lock(factory: sessionmaker[Session], backend: str) -> bool:  # noqa: F811
    if backend != "postgresql":
        time.sleep(0.5)  # SQLite: the second transaction waits at BEGIN IMMEDIATE
        return True
    with factory() as session:
        waiting = session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )
    return bool(waiting)


def test_two_processes_running_the_job_at_once_escalate_once(
    factory: sessionmaker[Session],  # noqa: F811
    backend: str,
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "duty@example.org", level=2)
    public_id = open_alert(factory)
    now = OPENED + timedelta(minutes=31)

    first = factory()
    taken_first = escalate_unacknowledged(first, now=now, zone=ZONE, after=DELAYS)
    taken_second: list[Escalation] = []

    def second_process() -> None:
        with factory.begin() as session:
            taken_second.extend(escalate_unacknowledged(session, now=now, zone=ZONE, after=DELAYS))

    other = threading.Thread(target=second_process)
    other.start()
    try:
        # the second has read the alert as not yet escalated and waits for the first's lock
        wait_for(lambda: _waiting_on_a_lock(factory, backend), what="the second run to wait")
    finally:
        first.commit()
        first.close()
        other.join(timeout=30)

    assert taken_first == [Escalation(alert_id=public_id, level=2, messages=1)]
    assert taken_second == []
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AlertEscalation)) == 1
        escalated = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.event == MessageEvent.ESCALATED)
        )
        assert escalated == 1
        audit = select(func.count()).where(AuditEvent.action == "alert.escalate")
        assert session.scalar(audit) == 1


def test_everyone_told_of_an_alert_is_told_once_when_the_air_clears(
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
    webhook: HttpReceiver,  # noqa: F811
    line: HttpReceiver,  # noqa: F811
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "first@example.org")
        subscribe(session, Channel.WEBHOOK, webhook.url + "/sms", language=Language.EN)
        subscribe(session, Channel.LINE, "Cgroup0123456789")
        subscribe(session, Channel.EMAIL, "duty@example.org", level=2)
    public_id = open_alert(factory)
    escalate(factory, 31)
    assert (
        len(dispatch_outbox(factory, senders=channels(smtp, webhook, line), policy=POLICY).sent)
        == 4
    )

    # 12 more hours at 10 µg/m³: the average falls to 80, well under the limit
    with factory.begin() as session:
        alert = session.scalars(select(Alert)).one()
        code = session.get_one(Station, alert.station_id).code
        publish_hours(session, code, "pm10", 10, T0 + timedelta(hours=24), 12)
    resolved_at = T0 + timedelta(hours=36, minutes=5)
    with factory.begin() as session:
        assert evaluate_24h_exceedances(session, now=resolved_at, zone=ZONE).resolved
    assert escalate(factory, 24 * 60) == []  # a resolved alert escalates no more

    run = dispatch_outbox(factory, senders=channels(smtp, webhook, line), policy=POLICY)
    assert (len(run.sent), run.failed) == (4, [])
    assert dispatch_outbox(factory, senders=channels(smtp, webhook, line), policy=POLICY).sent == []

    subject = "สิ้นสุดการแจ้งเตือน: PM10 กลับมาอยู่ในเกณฑ์มาตรฐานที่สถานี Wat Khao"
    assert mails_to(smtp, "first@example.org")[1:] == [subject]
    assert mails_to(smtp, "duty@example.org")[1:] == [subject]
    [cleared] = [m for m in smtp.messages if m["Subject"] == subject][:1]
    assert (
        "ลดลงเหลือ 80 ug/m3 ไม่เกินค่ามาตรฐาน 120 ug/m3 เมื่อ 2026-11-21 19:05 น."
        in cleared.get_content()
    )

    opening, resolution = (json.loads(r.body) for r in webhook.requests)
    assert resolution["event"] == "alert.resolved"
    assert resolution["alert_id"] == public_id
    assert resolution["original_message_id"] == opening["message_id"]
    assert resolution["message_id"] == webhook.requests[1].headers["X-Dustwatch-Message-Id"]
    assert resolution["message_id"] != opening["message_id"]
    assert (resolution["resolution"], resolution["average"]) == ("automatic", 80.0)
    assert resolution["text"].startswith("The 24-hour average of PM10 at Wat Khao")
    assert "Resolved" in resolution["subject"]
    [_, push] = line.requests
    assert "สิ้นสุดการแจ้งเตือน" in json.loads(push.body)["messages"][0]["text"]

    with factory.begin() as session:
        alert = session.scalars(select(Alert)).one()
        assert enqueue_alert_resolved(session, alert, zone=ZONE, now=resolved_at) == []
        deliveries = list_deliveries(session, public_id)
    events = sorted((d.channel, d.event) for d in deliveries)
    assert events == [
        ("email", "escalated"),
        ("email", "opened"),
        ("email", "resolved"),
        ("email", "resolved"),
        ("line", "opened"),
        ("line", "resolved"),
        ("webhook", "opened"),
        ("webhook", "resolved"),
    ]
    assert {d.status for d in deliveries} == {"sent"}
    by_id = {d.message_id: d for d in deliveries}
    for delivery in deliveries:
        if delivery.event == "resolved":
            assert delivery.in_reply_to in by_id
            assert by_id[delivery.in_reply_to].address == delivery.address


def test_an_alert_closed_by_hand_tells_its_recipients_why(
    factory: sessionmaker[Session],  # noqa: F811
    smtp: SmtpReceiver,  # noqa: F811
) -> None:
    with factory.begin() as session:
        subscribe(session, Channel.EMAIL, "first@example.org", language=Language.EN)
    public_id = open_alert(factory)
    dispatch_outbox(factory, senders=channels(smtp), policy=POLICY)
    with factory.begin() as session:
        resolve_by_hand(
            session,
            public_id=public_id,
            principal=official(session),
            reason="The crusher was stopped; the road is watered",
            now=OPENED + timedelta(hours=2),
            require_response=False,
            zone=ZONE,
        )
    run: DispatchRun = dispatch_outbox(factory, senders=channels(smtp), policy=POLICY)
    assert len(run.sent) == 1
    closed = smtp.messages[-1]
    assert closed["Subject"] == "Closed: the PM10 alert at Wat Khao"
    assert "closed by hand at 2026-11-21 09:05" in closed.get_content()
    assert "Reason: The crusher was stopped; the road is watered" in closed.get_content()


def test_the_inbox_shows_that_an_alert_went_to_the_next_level(web: Api) -> None:  # noqa: F811
    session = web.session
    station = make_station(session, name="Wat Khao")
    publish_hours(session, station.code, "pm10", 150, T0, 24)
    evaluate_24h_exceedances(session, now=OPENED, zone=ZONE)
    later = OPENED + timedelta(minutes=31)
    [step] = escalate_unacknowledged(session, now=later, zone=ZONE, after=DELAYS)
    session.commit()
    sign_in(web, Role.OFFICIAL)

    page = web.client.get("/inbox")
    assert page.status_code == 200
    assert "ยกระดับถึงผู้รับระดับ 2 แล้ว: ไม่มีผู้รับทราบภายในเวลาที่กำหนด" in page.text
    assert "<strong>ยกระดับ</strong>" in page.text  # in the history
    assert "ถึงผู้รับระดับ 2" in page.text
    detail = web.client.get(f"/alerts/{step.alert_id}")
    assert detail.json()["escalation_level"] == 2
    assert [e["kind"] for e in detail.json()["history"]] == ["opened", "escalated"]
