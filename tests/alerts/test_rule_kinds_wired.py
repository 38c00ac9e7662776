"""The scheduler's rule check runs the rules of every kind, not only the measurements: a late
factory report, a cluster of volunteers' dust reports and an ingest backlog each open one
alert through the registered job, with their rule's severity and words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.jobs import JOBS, JobContext
from core.access.principal import system_principal
from core.alerts.rule_schemas import AlertRuleIn
from core.alerts.rules import create_rule
from core.kit.db import make_engine, make_session_factory
from core.kit.health import ComponentHealth, HealthRegistry
from core.models import Alert, AlertKind, Role, Severity
from core.operations.heartbeats import ProcessIdentity, record_heartbeat
from core.settings import SchedulerSettings, Settings
from tests.alerts.test_observation_detector import NOW, observe
from tests.alerts.test_report_detectors import make_facility, on_time_history
from tests.factories import make_user

CHECK = next(job for job in JOBS if job.name == "check_exceedances")


@pytest.fixture
def factory(backend: str, fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_session_factory(engine)
    engine.dispose()


def rule(kind: AlertKind, severity: Severity, **settings: object) -> AlertRuleIn:
    return AlertRuleIn.model_validate(
        {
            "name": f"{kind.value} rule",
            "kind": kind,
            "severity": severity,
            "title_th": "แจ้งเตือน {area}",
            "title_en": f"{kind.value} in {{area}}",
            "message_th": "ค่า {value}",
            "message_en": "value {value}",
            **settings,
        }
    )


def test_every_kind_of_rule_opens_its_alert_through_the_scheduled_check(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        actor = system_principal("test")
        for fields in (
            rule(AlertKind.REPORT_LATE, Severity.WARNING),
            rule(
                AlertKind.OBSERVATION_CLUSTER,
                Severity.CRITICAL,
                count=3,
                radius_m=500,
                window_minutes=60,
            ),
            rule(AlertKind.BACKLOG, Severity.INFO, count=1000),
        ):
            create_rule(session, fields, actor=actor, now=NOW)
        facility = make_facility(session)
        on_time_history(session, facility)
        people = [make_user(session, role=Role.VOLUNTEER).id for _ in range(3)]
        for n, person in enumerate(people):
            observe(session, person, minutes_ago=10 * n, north_m=100 * n)
        record_heartbeat(
            session,
            ProcessIdentity("ingest"),
            role=None,
            components=[
                ComponentHealth(name="ingest", last_beat=NOW, detail={}, waiting=5000),
            ],
            now=NOW,
        )
    settings = Settings(scheduler=SchedulerSettings(heartbeat_seconds=60))
    context = JobContext.build(settings, session_factory=factory, health=HealthRegistry())

    for minutes in (0, 1):  # the next fire time opens nothing more
        CHECK.run(context, NOW + timedelta(minutes=minutes))

    with factory() as session:
        alerts = session.scalars(select(Alert).order_by(Alert.kind)).all()
        opened = {(a.kind, a.severity, a.subject) for a in alerts}
    assert opened == {
        (AlertKind.BACKLOG, Severity.INFO, "backlog:ingest"),
        (
            AlertKind.OBSERVATION_CLUSTER,
            Severity.CRITICAL,
            next(a.subject for a in alerts if a.kind is AlertKind.OBSERVATION_CLUSTER),
        ),
        (
            AlertKind.REPORT_LATE,
            Severity.WARNING,
            f"facility:{facility.organisation.id}:report:2026-10-01",
        ),
    }
    cluster = next(a for a in alerts if a.kind is AlertKind.OBSERVATION_CLUSTER)
    assert cluster.subject.startswith("cluster:")
    assert cluster.text_en == "value 3"
    assert all(a.resolved_at is None for a in alerts)
