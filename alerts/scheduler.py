"""APScheduler jobs: thin, idempotent, each one transaction, one replica at a time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import senders
from alerts.delivery.dispatcher import dispatch_outbox, retry_policy
from core.alerts.engine import AlertRun, Hysteresis, evaluate_rules
from core.alerts.late import evaluate_late_readings
from core.alerts.measurement import measurement_detectors
from core.kit.health import HealthRegistry
from core.kit.jobs import try_job_lock
from core.settings import DeliverySettings, SchedulerSettings

log = logging.getLogger(__name__)


def check_exceedances(
    session_factory: sessionmaker[Session],
    *,
    zone: ZoneInfo,
    now: datetime | None = None,
    hysteresis: Hysteresis | None = None,
) -> AlertRun | None:
    """One run of the alert rules; None when another replica holds the lock.

    The windows late readings touched are judged first, so that an alert they open and
    leave open is the one the check of the current window then follows.
    """
    moment = now or datetime.now(UTC)
    with session_factory.begin() as session:
        if not try_job_lock(session, name="alerts.check_exceedances"):
            return None
        late = evaluate_late_readings(session, now=moment, zone=zone)
        run = evaluate_rules(
            session,
            now=moment,
            zone=zone,
            detectors=measurement_detectors(zone),
            hysteresis=hysteresis,
        )
    if late.opened or late.resolved or late.updated:
        log.info(
            "alerts from late readings (%d hours judged again): opened %s, resolved %s, changed %s",
            late.reevaluated_hours,
            late.opened,
            late.resolved,
            late.updated,
        )
    if run.opened or run.resolved:
        log.info("alerts: opened %s, resolved %s", run.opened, run.resolved)
    return AlertRun(
        opened=late.opened + run.opened,
        updated=late.updated + run.updated,
        resolved=late.resolved + run.resolved,
        reevaluated_hours=late.reevaluated_hours,
    )


class AlertScheduler:
    def __init__(
        self,
        *,
        settings: SchedulerSettings,
        zone: ZoneInfo,
        session_factory: sessionmaker[Session],
        health: HealthRegistry,
        delivery: DeliverySettings | None = None,
        topic_prefix: str = "dustwatch/v1",
        hysteresis: Hysteresis | None = None,
    ) -> None:
        self._settings = settings
        self._delivery = delivery or DeliverySettings()
        self._senders = senders(self._delivery, topic_prefix=topic_prefix)
        self._policy = retry_policy(self._delivery)
        self._hysteresis = hysteresis
        self._zone = zone
        self._session_factory = session_factory
        self._health = health
        self._scheduler = BackgroundScheduler(timezone=UTC)

    def start(self) -> None:
        self._scheduler.add_job(
            self._run_check,
            "interval",
            seconds=self._settings.alert_check_seconds,
            id="check_exceedances",
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._settings.alert_check_seconds,
        )
        self._scheduler.add_job(
            self._run_dispatch,
            "interval",
            seconds=self._settings.dispatch_seconds,
            id="dispatch_outbox",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._settings.dispatch_seconds,
        )
        self._scheduler.start()

    def stop(self) -> None:
        self._scheduler.shutdown(wait=True)

    def _run_check(self) -> None:
        try:
            run = check_exceedances(
                self._session_factory, zone=self._zone, hysteresis=self._hysteresis
            )
        except Exception:
            log.exception("the exceedance check failed; it runs again at the next interval")
            self._health.beat("scheduler", last_run_ok=False)
            return
        self._health.beat(
            "scheduler",
            last_run_ok=True,
            leader=run is not None,
            open_alerts_changed=len(run.opened) + len(run.resolved) if run else 0,
        )

    def _run_dispatch(self) -> None:
        """Send what the outbox holds; a failure is retried by the outbox, not here."""
        try:
            run = dispatch_outbox(
                self._session_factory,
                senders=self._senders,
                policy=self._policy,
                limit=self._delivery.batch_size,
            )
        except Exception:
            log.exception("the outbox dispatch failed; it runs again at the next interval")
            return
        if run.sent or run.failed:
            log.info("outbox: %d sent, %d failed (retried later)", len(run.sent), len(run.failed))
