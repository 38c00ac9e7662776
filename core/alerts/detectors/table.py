"""Every kind of alert rule with the detector that finds its conditions: the measurement
kinds, and the others with the rule's settings given to their detector as arguments."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.alerts.conditions import Condition
from core.alerts.detectors.backlog import detect_backlog
from core.alerts.detectors.observations import detect_observation_clusters
from core.alerts.detectors.reports import detect_late_reports, detect_report_breaches
from core.alerts.engine import Detector
from core.alerts.measurement import measurement_detectors
from core.models import AlertKind, AlertRule
from core.operations.heartbeats import load_heartbeats
from core.standards.parameters import BY_CODE


def _areas(rule: AlertRule) -> list[str] | None:
    return list(rule.areas) or None


def rule_detectors(zone: ZoneInfo, *, heartbeats_within: timedelta) -> dict[str, Detector]:
    """The detector of each rule kind. A backlog is judged from the heartbeats of every
    dustwatch process seen within `heartbeats_within`, so the ingest's queue counts even when
    the scheduler runs in a process of its own."""

    def late_reports(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return detect_late_reports(
            session, now=now, zone=zone, areas=_areas(rule), grace_minutes=rule.minutes or 0
        )

    def report_breaches(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        parameter = BY_CODE[rule.parameter].id if rule.parameter else None
        return detect_report_breaches(
            session, now=now, zone=zone, areas=_areas(rule), parameter_id=parameter
        )

    def observation_clusters(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return detect_observation_clusters(
            session,
            now=now,
            areas=_areas(rule),
            min_count=rule.count or 3,
            radius_m=float(rule.radius_m or 1000),
            window_minutes=rule.window_minutes or 60,
        )

    def backlog(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        beats = load_heartbeats(session, now=now, fresh_within=heartbeats_within)
        components = [component for beat in beats for component in beat.components]
        return detect_backlog(components, now=now, areas=_areas(rule), max_waiting=rule.count)

    return {
        **measurement_detectors(zone),
        AlertKind.REPORT_LATE.value: late_reports,
        AlertKind.REPORT_BREACH.value: report_breaches,
        AlertKind.OBSERVATION_CLUSTER.value: observation_clusters,
        AlertKind.BACKLOG.value: backlog,
    }
