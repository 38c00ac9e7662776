"""The rules engine: for each enabled rule, its detector's conditions become alerts, one per
rule and subject while the condition lasts, updated in place and resolved when it clears.

A detector is looked up by the rule's kind in a table the caller passes (`detectors`), so
that the jobs decide which detectors run: `core.alerts.measurement.measurement_detectors`
for the measurement kinds, `core.alerts.detectors` modules for reports, observations and
the backlog.

A plain detector returns the conditions that hold now; an open alert whose subject it does
not return counts one evaluation towards clearing. A `Measured` detector also returns the
figure of every subject it could judge, holding or not, so that the engine resolves at once
when the figure is well under the threshold, records the figure that shows it cleared, and
leaves an alert as it is when its subject could not be judged (too little data).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access.principal import Principal, system_principal
from core.alerts.conditions import Condition
from core.alerts.texts import render_alert_texts
from core.audit import record_change
from core.models import Alert, AlertKind, AlertRule
from core.outbox.service import enqueue_alert_opened, enqueue_alert_resolved
from core.standards.parameters import from_milli, to_milli

log = logging.getLogger(__name__)

Detector = Callable[[Session, AlertRule, datetime], list[Condition]]
"""Finds the conditions of one rule that hold at `now`."""


@dataclass(frozen=True)
class Measured:
    """A detector that measures every subject it can judge; `holds` says which of those
    figures are conditions."""

    measure: Detector
    holds: Callable[[AlertRule, Condition], bool]

    def __call__(self, session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return [c for c in self.measure(session, rule, now) if self.holds(rule, c)]


@dataclass
class AlertRun:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    reevaluated_hours: int = 0
    """Hours touched by late readings taken from `pending_evaluation` by this run."""


@dataclass(frozen=True)
class Hysteresis:
    """When an open alert counts as cleared: so that a value flapping around the limit keeps
    one alert open instead of opening and resolving one every hour."""

    clear_evaluations: int = 3
    """Evaluations in a row with the average under the limit."""
    clear_margin: float = 0.1
    """Or at once, under limit × (1 − margin)."""

    def well_under(self, *, value_milli: int | None, limit_milli: int | None) -> bool:
        if value_milli is None or limit_milli is None:
            return False
        return value_milli < limit_milli * (1 - self.clear_margin)

    def cleared(self, *, average_milli: int | None, limit_milli: int | None, streak: int) -> bool:
        well_under = self.well_under(value_milli=average_milli, limit_milli=limit_milli)
        return well_under or streak >= self.clear_evaluations


AUTOMATIC = system_principal("dustwatch alert check")


def resolve_automatically(
    session: Session, alert: Alert, *, average_milli: int | None, now: datetime, zone: ZoneInfo
) -> None:
    """The condition cleared: say so, with the figure that shows it, in the audit log and
    to everyone who was told of the alert."""
    alert.resolved_at = now
    alert.resolution = "automatic"
    alert.resolved_average_milli = average_milli
    record_change(
        session,
        actor=AUTOMATIC,
        action="alert.resolve",
        entity="alert",
        entity_id=alert.public_id,
        before={"status": "open"},
        after={
            "status": "resolved",
            "resolution": "automatic",
            "average": None if average_milli is None else str(from_milli(average_milli)),
            "limit": None if alert.limit_milli is None else str(from_milli(alert.limit_milli)),
        },
    )
    enqueue_alert_resolved(session, alert, zone=zone, now=now)


def close_by_hand(
    session: Session, alert: Alert, *, actor: Principal, reason: str, now: datetime, zone: ZoneInfo
) -> None:
    """A person closed it, with a reason: say so in the audit log and to everyone who was
    told of the alert."""
    alert.resolved_at = alert.updated_at = now
    alert.resolution = "by_hand"
    alert.resolved_by_label = actor.label[:400]
    alert.resolved_by_user_id = actor.user_id
    alert.resolution_reason = reason[:2000]
    record_change(
        session,
        actor=actor,
        action="alert.resolve",
        entity="alert",
        entity_id=alert.public_id,
        before={"status": "open"},
        after={"status": "resolved", "resolution": "by_hand", "reason": alert.resolution_reason},
    )
    enqueue_alert_resolved(session, alert, zone=zone, now=now)


MAX_MILLI = 2**31 - 1
"""The alert columns are 32-bit integers of thousandths: a figure past 2 147 483 (a station
silent for years, a huge backlog) is kept as that."""


def figure_milli(value: float | None) -> int | None:
    """A condition's figure in the thousandths the alert columns keep."""
    if value is None:
        return None
    milli = to_milli(Decimal(repr(float(value))))
    return max(-MAX_MILLI, min(MAX_MILLI, milli))


def evaluate_rules(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    detectors: Mapping[str, Detector],
    hysteresis: Hysteresis | None = None,
    kinds: frozenset[AlertKind] | None = None,
) -> AlertRun:
    """Open, update or resolve the alerts of every enabled rule (of `kinds`, when given).

    Idempotent: running it again for the same `now` changes nothing. New alerts and their
    outbox messages are in the caller's transaction. Flushes only.
    """
    hysteresis = hysteresis or Hysteresis()
    run = AlertRun()
    query = select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id)
    if kinds is not None:
        query = query.where(AlertRule.kind.in_(list(kinds)))
    for rule in session.scalars(query).all():
        detector = detectors.get(rule.kind.value)
        if detector is None:
            log.warning("alert rule %d: no detector for kind %s here", rule.id, rule.kind.value)
            continue
        rule_hysteresis = (
            replace(hysteresis, clear_evaluations=rule.clear_evaluations)
            if rule.clear_evaluations
            else hysteresis
        )
        _evaluate_rule(session, run, rule, detector, now=now, zone=zone, hysteresis=rule_hysteresis)
    session.flush()
    return run


def _evaluate_rule(
    session: Session,
    run: AlertRun,
    rule: AlertRule,
    detector: Detector,
    *,
    now: datetime,
    zone: ZoneInfo,
    hysteresis: Hysteresis,
) -> None:
    figures: dict[str, Condition] | None = None
    if isinstance(detector, Measured):
        measured = detector.measure(session, rule, now)
        figures = {c.subject: c for c in measured}
        holding = [c for c in measured if detector.holds(rule, c)]
    else:
        holding = detector(session, rule, now)
    open_alerts = {
        a.subject: a
        for a in session.scalars(
            select(Alert).where(Alert.rule_id == rule.id, Alert.resolved_at.is_(None))
        )
        if a.subject is not None
    }
    held = set()
    for condition in sorted(holding, key=lambda c: c.subject):
        held.add(condition.subject)
        alert = open_alerts.get(condition.subject)
        if alert is None:
            if not _lasted(rule, condition, now):
                continue
            opened = open_alert(session, rule, condition, now=now, zone=zone)
            if opened is not None:
                run.opened.append(opened.id)
        else:
            _update(session, rule, alert, condition, now=now, zone=zone)
            run.updated.append(alert.id)
    for subject, alert in sorted(open_alerts.items()):
        if subject in held or alert.updated_at == now:
            continue  # holding, or already judged at this moment: idempotent
        figure = figures.get(subject) if figures is not None else None
        if figures is not None and figure is None:
            continue  # the subject could not be judged now: the alert stays as it is
        value = figure_milli(figure.value) if figure is not None else None
        alert.updated_at = now
        alert.clear_streak += 1
        if value is not None:
            alert.latest_average_milli = value
        if hysteresis.cleared(
            average_milli=value, limit_milli=alert.limit_milli, streak=alert.clear_streak
        ):
            resolve_automatically(session, alert, average_milli=value, now=now, zone=zone)
            run.resolved.append(alert.id)
        else:
            run.updated.append(alert.id)


def _lasted(rule: AlertRule, condition: Condition, now: datetime) -> bool:
    """A rule with a minimum duration waits until the condition has held that long."""
    if not rule.min_duration_minutes or condition.started_at is None:
        return True
    return now - condition.started_at >= timedelta(minutes=rule.min_duration_minutes)


def _update(
    session: Session,
    rule: AlertRule,
    alert: Alert,
    condition: Condition,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    value = figure_milli(condition.value)
    if value is not None:
        alert.latest_average_milli = value
        alert.peak_average_milli = max(alert.peak_average_milli or value, value)
    if condition.threshold is not None:
        alert.limit_milli = figure_milli(condition.threshold)
    alert.updated_at = now
    alert.clear_streak = 0
    render_alert_texts(
        session, alert, rule, zone=zone, unit=condition.unit, details=condition.details, latest=True
    )


def open_alert(
    session: Session, rule: AlertRule, condition: Condition, *, now: datetime, zone: ZoneInfo
) -> Alert | None:
    """The alert and the messages that tell its subscribers, in one transaction."""
    value = figure_milli(condition.value)
    standard = condition.details.get("standard_id")
    alert = Alert(
        rule_id=rule.id,
        subject=condition.subject,
        area=condition.area,
        severity=rule.severity,
        station_id=condition.station_id,
        parameter_id=condition.parameter_id,
        facility_id=condition.facility_id,
        kind=rule.kind,
        standard_id=str(standard) if standard is not None else None,
        limit_milli=figure_milli(condition.threshold),
        opened_at=now,
        opening_average_milli=value,
        peak_average_milli=value,
        latest_average_milli=value,
        updated_at=now,
        detected_at=now,
        arrived_late=False,
    )
    render_alert_texts(
        session, alert, rule, zone=zone, unit=condition.unit, details=condition.details
    )
    try:
        with session.begin_nested():
            session.add(alert)
            session.flush()
    except IntegrityError:
        return None  # another replica opened it first; the unique index keeps one
    enqueue_alert_opened(session, alert, zone=zone)
    return alert
