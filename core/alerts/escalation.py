"""Escalation: an open alert that nobody acknowledges in time is told to the next level of
recipients (subscriptions of level 2, then 3), once per level.

Each level is taken by a conditional UPDATE of the alert (from the level it had, while still
open and unacknowledged), so two processes running the job at once, or a run repeated after a
restart, escalate an alert to a level once: the second UPDATE finds the level already moved
and changes nothing. The messages, the `AlertEscalation` row and the audit event are written
in the same transaction as that UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access.principal import system_principal
from core.audit import record_change
from core.models import MAX_LEVEL, Alert, AlertEscalation, Severity
from core.outbox.messages import alert_severity
from core.outbox.service import enqueue_alert_escalated
from core.settings import AlertSettings

ESCALATION = system_principal("dustwatch escalation")


@dataclass(frozen=True)
class EscalationDelays:
    """How long an alert may stay unacknowledged at a level before it goes to the next."""

    default: timedelta = timedelta(minutes=30)
    critical: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: AlertSettings) -> EscalationDelays:
        return cls(
            default=timedelta(minutes=settings.escalate_after_minutes),
            critical=timedelta(minutes=settings.escalate_critical_after_minutes),
        )

    def for_alert(self, alert: Alert) -> timedelta:
        return self.critical if alert_severity(alert) is Severity.CRITICAL else self.default


@dataclass(frozen=True)
class Escalation:
    alert_id: str
    """The alert's public id."""
    level: int
    messages: int
    """Messages queued for that level's recipients (0: nobody subscribed at that level)."""


def escalate_unacknowledged(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    after: EscalationDelays | timedelta,
) -> list[Escalation]:
    """Move each open, unacknowledged alert one level up once it has waited `after` since it
    was detected (or since its last escalation), and tell that level's subscribers.

    One level per alert per run, up to level 3; acknowledging an alert stops it. Flushes
    only: the caller commits (a scheduled job: one transaction per run).
    """
    delays = after if isinstance(after, EscalationDelays) else EscalationDelays(after, after)
    candidates = session.scalars(
        select(Alert)
        .where(
            Alert.resolved_at.is_(None),
            Alert.acknowledged_at.is_(None),
            Alert.escalation_level < MAX_LEVEL,
        )
        .order_by(Alert.id)
    ).all()
    escalations = []
    for alert in candidates:
        delay = delays.for_alert(alert)
        if now < (alert.escalated_at or alert.detected_at) + delay:
            continue
        escalation = _escalate(session, alert, delay=delay, now=now, zone=zone)
        if escalation is not None:
            escalations.append(escalation)
    return escalations


def _escalate(
    session: Session, alert: Alert, *, delay: timedelta, now: datetime, zone: ZoneInfo
) -> Escalation | None:
    level = alert.escalation_level + 1
    taken = session.execute(
        update(Alert)
        .where(
            Alert.id == alert.id,
            Alert.escalation_level == alert.escalation_level,
            Alert.resolved_at.is_(None),
            Alert.acknowledged_at.is_(None),
        )
        .values(escalation_level=level, escalated_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another run took this level, or someone acknowledged it meanwhile
    session.refresh(alert)
    messages = enqueue_alert_escalated(
        session,
        alert,
        level=level,
        waited_minutes=int(delay.total_seconds() // 60),
        zone=zone,
        now=now,
    )
    session.add(AlertEscalation(alert_id=alert.id, level=level, at=now, messages=len(messages)))
    record_change(
        session,
        actor=ESCALATION,
        action="alert.escalate",
        entity="alert",
        entity_id=alert.public_id,
        before={"status": "open", "acknowledged": False, "escalation_level": level - 1},
        after={
            "status": "open",
            "acknowledged": False,
            "escalation_level": level,
            "messages": len(messages),
        },
    )
    session.flush()
    return Escalation(alert_id=alert.public_id, level=level, messages=len(messages))
