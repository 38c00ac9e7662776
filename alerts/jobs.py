"""The registry of scheduled jobs: thin, idempotent, each given its scheduled fire time.

A job is a function `(context, fire_time) -> summary` plus when it fires, under a name
(its id in APScheduler's job store). It computes
its period from `fire_time`, not from the wall clock, so a run that is late (a restart, a
new leader) still covers the period it was scheduled for. Adding one is an entry in `JOBS`:

    def sync_cap(context: JobContext, fire_time: datetime) -> str | None:
        with context.session_factory.begin() as session:
            added = sync_cap_messages(session, now=fire_time, ...)
        return f"{added} CAP messages"

    Job("sync_cap_messages", sync_cap, lambda s: Every(s.scheduler.alert_check_seconds)),
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from alerts.bulletins.jobs import draft_due_bulletins
from alerts.delivery.channels import Sender, senders
from alerts.delivery.dispatcher import dispatch_outbox, retry_policy
from core.alerts.cap import sync_cap_messages
from core.alerts.detectors.table import rule_detectors
from core.alerts.engine import AlertRun, Hysteresis, evaluate_rules
from core.alerts.escalation import EscalationDelays, escalate_unacknowledged
from core.alerts.late import evaluate_late_readings
from core.commitments.detection import detect_excess_events
from core.complaints.followup import ask_follow_ups
from core.kit.health import HealthRegistry
from core.kit.jobs import try_job_lock
from core.models import Channel
from core.operations.heartbeats import forget_heartbeats_before
from core.operations.runs import forget_runs_before
from core.outbox.service import RetryPolicy
from core.settings import DeliverySettings, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Every:
    """Fire every `seconds`, at multiples of it since a fixed epoch: the same fire times in
    every process and after every restart."""

    seconds: int


@dataclass(frozen=True)
class Cron:
    """Fire on a crontab expression (minute hour day month weekday) in the local zone."""

    expression: str


Schedule = Every | Cron


@dataclass(frozen=True)
class JobContext:
    """What jobs share: the database, the settings, the channels to send on."""

    session_factory: sessionmaker[Session]
    settings: Settings
    health: HealthRegistry
    delivery: DeliverySettings
    """The delivery settings in effect (with the embedded broker's alerts sign-in)."""
    senders: Mapping[Channel, Sender]
    policy: RetryPolicy

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        session_factory: sessionmaker[Session],
        health: HealthRegistry,
        delivery: DeliverySettings | None = None,
    ) -> JobContext:
        delivery = delivery or settings.delivery
        return cls(
            session_factory=session_factory,
            settings=settings,
            health=health,
            delivery=delivery,
            senders=senders(delivery, topic_prefix=settings.mqtt.topic_prefix),
            policy=retry_policy(delivery),
        )

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def hysteresis(self) -> Hysteresis:
        alerts = self.settings.alerts
        return Hysteresis(
            clear_evaluations=alerts.clear_evaluations, clear_margin=alerts.clear_margin
        )


JobFunction = Callable[[JobContext, datetime], str | None]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction
    """Its return value is the run's summary."""
    schedule: Callable[[Settings], Schedule]
    """When it fires, from the settings (so that tests and deployments change it)."""


def check_exceedances(
    session_factory: sessionmaker[Session],
    *,
    zone: ZoneInfo,
    now: datetime,
    hysteresis: Hysteresis | None = None,
    heartbeats_within: timedelta = timedelta(seconds=30),
) -> AlertRun | None:
    """One run of every enabled alert rule; None when another process holds the lock.

    The windows late readings touched are judged first, so that an alert they open and
    leave open is the one the check of the current window then follows.
    """
    detectors = rule_detectors(zone, heartbeats_within=heartbeats_within)
    with session_factory.begin() as session:
        if not try_job_lock(session, name="alerts.check_exceedances"):
            return None
        late = evaluate_late_readings(session, now=now, zone=zone)
        run = evaluate_rules(
            session, now=now, zone=zone, detectors=detectors, hysteresis=hysteresis
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


def check_exceedances_job(context: JobContext, fire_time: datetime) -> str:
    """The alert rules (and the hours late readings touched) as of the fire time."""
    run = check_exceedances(
        context.session_factory,
        zone=context.zone,
        now=fire_time,
        hysteresis=context.hysteresis,
        heartbeats_within=context.settings.scheduler.fresh_within,
    )
    if run is None:
        return "skipped: another process was checking"
    return (
        f"opened {len(run.opened)}, updated {len(run.updated)}, resolved {len(run.resolved)}, "
        f"{run.reevaluated_hours} late hours judged again"
    )


def dispatch_outbox_job(context: JobContext, _fire_time: datetime) -> str:
    """Send what the outbox holds due now: due times are wall-clock times, so this job, unlike
    the others, has no period; a failed message is retried by the outbox, not here."""
    run = dispatch_outbox(
        context.session_factory,
        senders=context.senders,
        policy=context.policy,
        limit=context.delivery.batch_size,
    )
    if run.sent or run.failed:
        log.info("outbox: %d sent, %d failed (retried later)", len(run.sent), len(run.failed))
    return f"sent {len(run.sent)}, failed {len(run.failed)}"


def escalate_job(context: JobContext, fire_time: datetime) -> str:
    """Open alerts nobody acknowledged in time go to the next level of recipients."""
    delays = EscalationDelays.from_settings(context.settings.alerts)
    with context.session_factory.begin() as session:
        escalated = escalate_unacknowledged(session, now=fire_time, zone=context.zone, after=delays)
    return f"escalated {len(escalated)}"


def sync_cap_job(context: JobContext, fire_time: datetime) -> str:
    """The public CAP messages that alerts' changes call for, as of the fire time."""
    with context.session_factory.begin() as session:
        added = sync_cap_messages(
            session, now=fire_time, zone=context.zone, settings=context.settings.cap
        )
    return f"{added} CAP messages"


def detect_excess_events_job(context: JobContext, fire_time: datetime) -> str:
    """Breaches of facilities' commitments up to the fire time, each an excess event."""
    with context.session_factory.begin() as session:
        scan = detect_excess_events(session, now=fire_time, zone=context.zone)
    return f"opened {scan.opened}, extended {scan.extended}, closed {scan.closed}"


def draft_bulletins_job(context: JobContext, fire_time: datetime) -> str:
    """The daily (and, on its weekday, weekly) bulletins of the period that ended."""
    drafted = draft_due_bulletins(
        context.session_factory, now=fire_time, zone=context.zone, settings=context.settings
    )
    return f"drafted {len(drafted)}"


def bulletin_time(settings: Settings) -> Cron:
    """Every day at DUSTWATCH_BULLETINS__DRAFT_AT, local time."""
    at = settings.bulletins.draft_at
    return Cron(f"{at.minute} {at.hour} * * *")


def housekeeping_job(context: JobContext, fire_time: datetime) -> str:
    """Forget job runs and silent processes' heartbeats older than the history kept."""
    cutoff = fire_time - timedelta(days=context.settings.scheduler.history_days)
    with context.session_factory.begin() as session:
        runs = forget_runs_before(session, cutoff)
        beats = forget_heartbeats_before(session, cutoff)
    return f"forgot {runs} runs, {beats} heartbeats"


def complaint_follow_ups_job(context: JobContext, fire_time: datetime) -> str:
    """Asks the reporters of complaints fixed four weeks ago whether they are still fixed."""
    with context.session_factory.begin() as session:
        asked = ask_follow_ups(session, now=fire_time)
    return f"asked {asked}"


JOBS: list[Job] = [
    Job(
        "check_exceedances",
        check_exceedances_job,
        lambda s: Every(s.scheduler.alert_check_seconds),
    ),
    Job("escalate", escalate_job, lambda s: Every(s.scheduler.escalate_seconds)),
    Job("sync_cap_messages", sync_cap_job, lambda s: Every(s.scheduler.alert_check_seconds)),
    Job("dispatch_outbox", dispatch_outbox_job, lambda s: Every(s.scheduler.dispatch_seconds)),
    Job("draft_bulletins", draft_bulletins_job, bulletin_time),
    Job(
        "detect_excess_events",
        detect_excess_events_job,
        lambda s: Every(s.scheduler.commitment_check_seconds),
    ),
    Job("housekeeping", housekeeping_job, lambda s: Every(s.scheduler.housekeeping_seconds)),
    Job(
        "complaint_follow_ups",
        complaint_follow_ups_job,
        lambda s: Every(s.scheduler.housekeeping_seconds),
    ),
]
"""Every scheduled job of dustwatch, by name (the name is its id in the job store)."""
