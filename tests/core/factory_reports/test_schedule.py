"""Which periods a schedule has, and whether each report came on time, late or not at all,
judged on local days with a fixed today."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.factory_reports.schedule import (
    PeriodStatus,
    Received,
    is_scheduled_period,
    periods_until,
    status_of,
)
from core.kit.time import BANGKOK
from core.models import ReportFrequency

MONTHLY = ReportFrequency.MONTHLY


def test_monthly_periods_newest_first_with_their_due_day() -> None:
    periods = periods_until(date(2026, 9, 1), MONTHLY, 15, today=date(2026, 11, 23))
    assert [(p.start, p.end, p.due) for p in periods] == [
        (date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 15)),
        (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 15)),
        (date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 15)),
    ]
    assert periods_until(date(2027, 1, 1), MONTHLY, 15, today=date(2026, 11, 23)) == []


def test_quarterly_periods_cross_the_year() -> None:
    [newest, older] = periods_until(
        date(2026, 8, 1), ReportFrequency.QUARTERLY, 30, today=date(2027, 1, 10)
    )
    assert (newest.start, newest.end) == (date(2026, 11, 1), date(2027, 1, 31))
    assert (older.start, older.end) == (date(2026, 8, 1), date(2026, 10, 31))
    assert is_scheduled_period(
        date(2026, 8, 1), ReportFrequency.QUARTERLY, newest.start, newest.end
    )
    assert not is_scheduled_period(
        date(2026, 8, 1), ReportFrequency.QUARTERLY, date(2026, 9, 1), date(2026, 11, 30)
    )
    assert not is_scheduled_period(date(2026, 8, 1), MONTHLY, date(2026, 8, 1), date(2026, 8, 30))


def received(at: datetime) -> Received:
    return Received(1, date(2026, 10, 1), date(2026, 10, 31), at)


def test_status_on_time_late_missing_and_not_yet_due() -> None:
    [_, october, _] = periods_until(date(2026, 9, 1), MONTHLY, 15, today=date(2026, 11, 23))
    today = date(2026, 11, 23)
    # 23:30 on the due day in Bangkok is still on time, although it is the 15th in UTC too;
    # 00:30 on the 16th in Bangkok (17:30 on the 15th in UTC) is late.
    last_minute = datetime(2026, 11, 15, 16, 30, tzinfo=UTC)
    just_late = datetime(2026, 11, 15, 17, 30, tzinfo=UTC)
    assert status_of(october, received(last_minute), today=today, zone=BANGKOK) == (
        PeriodStatus.RECEIVED_ON_TIME
    )
    assert status_of(october, received(just_late), today=today, zone=BANGKOK) == (
        PeriodStatus.RECEIVED_LATE
    )
    assert status_of(october, None, today=today, zone=BANGKOK) == PeriodStatus.MISSING
    assert status_of(october, None, today=date(2026, 11, 15), zone=BANGKOK) == (
        PeriodStatus.NOT_YET_DUE
    )
