"""A facility's reporting periods and whether each report came on time, late or not at all.

Pure functions of the schedule, the reports received and today's local date, so the status
of every period is computed, never stored: changing the schedule changes the answers."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.models import ReportFrequency

MONTHS = {
    ReportFrequency.MONTHLY: 1,
    ReportFrequency.QUARTERLY: 3,
    ReportFrequency.YEARLY: 12,
}
MAX_PERIODS_LISTED = 36


class PeriodStatus(enum.StrEnum):
    RECEIVED_ON_TIME = "received_on_time"
    RECEIVED_LATE = "received_late"
    MISSING = "missing"
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date
    """The last local day on which the report is on time."""


@dataclass(frozen=True)
class Received:
    """A report as the schedule needs it."""

    report_id: int
    period_start: date
    period_end: date
    received_at: datetime


def add_months(day: date, months: int) -> date:
    """`day` (a first of a month, as periods start) moved by whole months."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_at(first_start: date, frequency: ReportFrequency, index: int, due_days: int) -> Period:
    months = MONTHS[frequency]
    start = add_months(first_start, index * months)
    end = add_months(first_start, (index + 1) * months) - timedelta(days=1)
    return Period(start, end, end + timedelta(days=due_days))


def periods_until(
    first_start: date,
    frequency: ReportFrequency,
    due_days: int,
    *,
    today: date,
    limit: int = MAX_PERIODS_LISTED,
) -> list[Period]:
    """The periods that have started by `today`, newest first, at most `limit`."""
    months = MONTHS[frequency]
    if today < first_start:
        return []
    elapsed = (today.year - first_start.year) * 12 + today.month - first_start.month
    newest = elapsed // months
    return [
        period_at(first_start, frequency, index, due_days)
        for index in range(newest, max(newest - limit, -1), -1)
    ]


def is_scheduled_period(
    first_start: date, frequency: ReportFrequency, start: date, end: date
) -> bool:
    """True when start..end is exactly one of the schedule's periods."""
    months = MONTHS[frequency]
    if start < first_start or start.day != 1:
        return False
    elapsed = (start.year - first_start.year) * 12 + start.month - first_start.month
    if elapsed % months:
        return False
    return end == add_months(start, months) - timedelta(days=1)


def status_of(
    period: Period, report: Received | None, *, today: date, zone: ZoneInfo
) -> PeriodStatus:
    """On time when received by the end of the due day (local time); late after it;
    missing when the due day has passed without a report; otherwise not yet due."""
    if report is not None:
        received_day = report.received_at.astimezone(zone).date()
        if received_day <= period.due:
            return PeriodStatus.RECEIVED_ON_TIME
        return PeriodStatus.RECEIVED_LATE
    if today > period.due:
        return PeriodStatus.MISSING
    return PeriodStatus.NOT_YET_DUE


@dataclass(frozen=True)
class JudgedPeriod:
    period: Period
    report: Received | None
    status: PeriodStatus


def judge_periods(
    first_start: date,
    frequency: ReportFrequency,
    due_days: int,
    received: Iterable[Received],
    *,
    today: date,
    zone: ZoneInfo,
) -> list[JudgedPeriod]:
    """Every period that has started by `today`, newest first, with the report that covers
    it exactly (if any) and its status: the one judgement the pages and the alerts share."""
    by_period = {(r.period_start, r.period_end): r for r in received}
    judged = []
    for period in periods_until(first_start, frequency, due_days, today=today):
        report = by_period.get((period.start, period.end))
        judged.append(
            JudgedPeriod(period, report, status_of(period, report, today=today, zone=zone))
        )
    return judged


def late_since(period: Period, zone: ZoneInfo) -> datetime:
    """The moment a missing report becomes late: the end of its due day, local time."""
    return datetime.combine(period.due + timedelta(days=1), time(), tzinfo=zone)
