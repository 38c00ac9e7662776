"""Alerts for the past: the 24-hour windows that late readings touched, judged again.

The ingest records each clock hour that readings arriving after it changed
(`pending_evaluation`, core/readings/late.py). For every such hour this judges the 24-hour
windows holding it that have ended before the current hour (the live check in
`core.alerts.service` owns the current one), each against the standard in force then, and
makes the alerts agree with what they now show:

- a run of windows over the standard that no alert covers opens one for the past: opened at
  the end of its first window over, `arrived_late`, detected now, and resolved at the end of
  the first window back under (left open when the run reaches the current hour, for the live
  check to follow);
- an alert that covers part of such a run is stretched over all of it instead, so one
  condition stays one alert; it is marked `arrived_late` when its start moves earlier;
- an alert is resolved at the first touched-and-judged window under the standard after its
  start, if it was still open past it.

As in the live check, a window with too few hours neither opens nor resolves anything: the
state before it carries on. Windows are numbered by their end, which for alerts opened live
is the start of the hour they were opened in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from core.alerts.engine import AlertRun
from core.alerts.measurement import rule_stations, station_subject
from core.alerts.texts import render_alert_texts
from core.indicators.averages import (
    HOURS_IN_DAY,
    STANDARD_PARAMETERS,
    Verdict,
    day_window_end,
    series_24h_verdicts,
)
from core.kit.time import floor_hour
from core.models import Alert, AlertKind, AlertRule, PendingEvaluation, Station
from core.outbox.service import enqueue_alert_opened, enqueue_alert_resolved
from core.standards.parameters import BY_CODE, BY_ID, ParameterInfo, to_milli

BY_HAND = "by_hand"
"""Resolved by a person (core/alerts/lifecycle.py): late readings leave it closed."""
HOUR = timedelta(hours=1)
JUDGED_PARAMETER_IDS = frozenset(BY_CODE[code].id for code in STANDARD_PARAMETERS)


@dataclass(frozen=True)
class _Window:
    end: datetime
    over: bool
    """Over the standard, or carried from the window before when this one is not valid."""
    verdict: Verdict

    @property
    def average_milli(self) -> int | None:
        reported = self.verdict.reported
        if reported is None or self.verdict.over_standard is None:
            return None
        return to_milli(reported)


def evaluate_late_readings(session: Session, *, now: datetime, zone: ZoneInfo) -> AlertRun:
    """Judge again the windows that late readings touched, then forget those hours.

    Idempotent: what it judged is deleted, and judging the same windows again changes
    nothing. An hour touched again while this runs is kept for the next run. Flushes only.
    """
    run = AlertRun()
    rule = default_24h_rule(session)
    last_end = day_window_end(now) - HOUR
    pending = session.execute(
        select(
            PendingEvaluation.station_id,
            PendingEvaluation.parameter_id,
            PendingEvaluation.hour,
            PendingEvaluation.generation,
        )
    ).all()
    touched: dict[tuple[int, int], set[datetime]] = defaultdict(set)
    for row in pending:
        if row.parameter_id not in JUDGED_PARAMETER_IDS:
            continue
        windows = touched[(row.station_id, row.parameter_id)]
        for h in range(1, HOURS_IN_DAY + 1):
            if (end := row.hour + h * HOUR) <= last_end:
                windows.add(end)
    covered = rule_stations(session, rule) if rule is not None else {}
    for (station_id, parameter_id), ends in sorted(touched.items()):
        parameter = BY_ID[parameter_id]
        if (
            ends
            and rule is not None
            and station_id in covered
            and rule.parameter
            in (
                None,
                parameter.code,
            )
        ):
            _reconcile(
                session,
                run,
                rule,
                covered[station_id],
                parameter,
                ends,
                last_end,
                now=now,
                zone=zone,
            )
    if pending:
        session.execute(
            delete(cast(Table, PendingEvaluation.__table__)).where(
                PendingEvaluation.station_id == bindparam("key_station"),
                PendingEvaluation.parameter_id == bindparam("key_parameter"),
                PendingEvaluation.hour == bindparam("key_hour"),
                PendingEvaluation.generation == bindparam("key_generation"),
            ),
            [
                {
                    "key_station": row.station_id,
                    "key_parameter": row.parameter_id,
                    "key_hour": row.hour,
                    "key_generation": row.generation,
                }
                for row in pending
            ],
        )
    run.reevaluated_hours = len(pending)
    session.flush()
    return run


def default_24h_rule(session: Session) -> AlertRule | None:
    """The rule alerts for the past are opened under: the first enabled `exceedance_24h`
    rule (the one seeded by the migration, unless the backbone unit changed it). None: no
    24-hour rule is enabled, and late readings open nothing."""
    return session.scalars(
        select(AlertRule)
        .where(AlertRule.enabled.is_(True), AlertRule.kind == AlertKind.EXCEEDANCE_24H)
        .order_by(AlertRule.id)
        .limit(1)
    ).first()


def _start(alert: Alert) -> datetime:
    return floor_hour(alert.opened_at)


def _end(alert: Alert) -> datetime | None:
    return floor_hour(alert.resolved_at) if alert.resolved_at is not None else None


def _covers(alert: Alert, end: datetime) -> bool:
    alert_end = _end(alert)
    return _start(alert) <= end and (alert_end is None or end < alert_end)


def _reconcile(
    session: Session,
    run: AlertRun,
    rule: AlertRule,
    station: Station,
    parameter: ParameterInfo,
    touched: set[datetime],
    last_end: datetime,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    alerts = list(
        session.scalars(
            select(Alert)
            .where(
                Alert.station_id == station.id,
                Alert.parameter_id == parameter.id,
                Alert.kind == AlertKind.EXCEEDANCE_24H,
                or_(Alert.rule_id == rule.id, Alert.rule_id.is_(None)),
            )
            .order_by(Alert.opened_at, Alert.id)
        )
    )
    first = min(touched)
    over = any(_covers(a, first - HOUR) for a in alerts)
    windows = []
    for end, verdict in series_24h_verdicts(
        session,
        station_id=station.id,
        parameter=parameter,
        first_end=first,
        last_end=last_end,
        zone=zone,
    ):
        if verdict.over_standard is not None and verdict.reported is not None:
            over = verdict.over_standard
        windows.append(_Window(end, over, verdict))
    series = _Series(session, run, rule, station, parameter, alerts, windows, last_end, now, zone)
    for alert in list(alerts):
        if any(_covers(alert, end) for end in touched):
            series.resolve_at_first_window_under(alert)
    for stretch in _runs(windows):
        if any(w.end in touched for w in stretch):
            series.cover(stretch)
    run.updated.extend(sorted(series.changed - set(run.opened) - set(run.resolved)))


def _runs(windows: Sequence[_Window]) -> list[list[_Window]]:
    """Maximal stretches of consecutive windows over the standard."""
    runs: list[list[_Window]] = []
    current: list[_Window] = []
    for window in windows:
        if window.over:
            current.append(window)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass
class _Series:
    """One station's parameter: its alerts and its judged windows, up to `last_end`."""

    session: Session
    run: AlertRun
    rule: AlertRule
    station: Station
    parameter: ParameterInfo
    alerts: list[Alert]
    windows: list[_Window]
    last_end: datetime
    now: datetime
    zone: ZoneInfo
    changed: set[int] = field(default_factory=set)

    def resolve_at_first_window_under(self, alert: Alert) -> None:
        """Late readings showed the alert's condition ended earlier than it was thought to."""
        for window in self.windows:
            if window.end > _start(alert) and _covers(alert, window.end) and not window.over:
                self._resolve(alert, window)
                return

    def cover(self, stretch: list[_Window]) -> None:
        """Make one alert cover a run of windows over the standard: an existing one that
        overlaps or touches it, else a new one opened for the past."""
        first, last = stretch[0], stretch[-1]
        cleared = self._window_after(last) if last.end < self.last_end else None
        reach = last.end + HOUR if cleared is None else last.end
        touching = [
            a
            for a in self.alerts
            if _start(a) <= reach and ((e := _end(a)) is None or e >= first.end)
        ]
        averages = [a for w in stretch if w.verdict.over_standard and (a := w.average_milli)]
        if not touching:
            self._open_for_the_past(first, averages, cleared)
            return
        alert, later = touching[0], touching[1:]
        if _start(alert) > first.end and (opening := first.average_milli) is not None:
            alert.opened_at = first.end
            alert.opening_average_milli = opening
            alert.arrived_late = True
            self._changed(alert)
        if averages and max(averages) > (alert.peak_average_milli or 0):
            alert.peak_average_milli = max(averages)
            self._changed(alert)
        if later:
            # Alerts already apart for one condition stay apart; the first one reaches the next.
            if alert.resolution != BY_HAND and (
                alert.resolved_at is None or alert.resolved_at < later[0].opened_at
            ):
                alert.resolved_at = later[0].opened_at
                alert.resolution = alert.resolution or "automatic"
                self._changed(alert)
        elif cleared is not None:
            if alert.resolved_at is None or _end(alert) != cleared.end:
                self._resolve(alert, cleared)
        elif (
            alert.resolved_at is not None
            and alert.resolution != BY_HAND
            and not any(a.resolved_at is None for a in self.alerts if a is not alert)
        ):
            alert.resolved_at = None  # still over at the last ended window: the live check follows
            alert.resolution = None
            alert.resolved_average_milli = None
            self._changed(alert)
        self.session.flush()

    def _window_after(self, window: _Window) -> _Window | None:
        return next((w for w in self.windows if w.end == window.end + HOUR), None)

    def _changed(self, alert: Alert) -> None:
        alert.updated_at = self.now
        self.changed.add(alert.id)

    def _resolve(self, alert: Alert, window: _Window) -> None:
        """Late readings show the condition ended at `window`: those told of the alert are
        told it is over (once, however often the windows are judged again)."""
        if alert.resolution == BY_HAND:
            return  # a person closed it, with a reason: late readings do not move that
        was_open = alert.resolved_at is None
        alert.resolved_at = window.end
        alert.resolution = "automatic"
        if (average := window.average_milli) is not None:
            alert.latest_average_milli = average
            alert.resolved_average_milli = average
        self._changed(alert)
        self.run.resolved.append(alert.id)
        if was_open:
            enqueue_alert_resolved(self.session, alert, zone=self.zone, now=self.now)

    def _open_for_the_past(
        self, first: _Window, averages: list[int], cleared: _Window | None
    ) -> None:
        standard = first.verdict.standard
        opening = first.average_milli
        assert standard is not None, "a window over a standard has one"
        assert opening is not None, "a run opens on a valid window"
        latest = cleared.average_milli if cleared is not None else None
        alert = Alert(
            rule_id=self.rule.id,
            subject=station_subject(self.station.id, self.parameter),
            area=self.station.area,
            severity=self.rule.severity,
            station_id=self.station.id,
            parameter_id=self.parameter.id,
            kind=AlertKind.EXCEEDANCE_24H,
            standard_id=standard.id,
            limit_milli=to_milli(standard.limit),
            opened_at=first.end,
            opening_average_milli=opening,
            peak_average_milli=max(averages),
            latest_average_milli=latest if latest is not None else averages[-1],
            updated_at=self.now,
            detected_at=self.now,
            arrived_late=True,
            resolved_at=cleared.end if cleared is not None else None,
            resolution="automatic" if cleared is not None else None,
            resolved_average_milli=latest,
        )
        render_alert_texts(self.session, alert, self.rule, zone=self.zone)
        self.session.add(alert)
        self.session.flush()
        enqueue_alert_opened(self.session, alert, zone=self.zone)
        self.alerts.append(alert)
        self.alerts.sort(key=lambda a: (a.opened_at, a.id))
        self.run.opened.append(alert.id)
        if cleared is not None:
            self.run.resolved.append(alert.id)
