"""Excess events opened by the data: each scan checks the hours since the last one against
every agreed commitment and opens, extends or closes one event per contiguous breach.

An hour breaches when its mean (hourly) or the 24-hour mean ending with it (24h), computed by
core/indicators like every other average, is over the commitment's value; for a time-window
commitment only hours whose local start lies outside the allowed window count. An hour
without data neither extends nor closes an event (the monitor's downtime is shown beside it);
the first measured hour back within the limit closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.indicators.averages import HourSum, mean_of_hourly_means, series_24h_verdicts
from core.kit.time import floor_hour
from core.models import (
    Commitment,
    CommitmentAveraging,
    CommitmentKind,
    CommitmentStatus,
    ExcessEvent,
    HourlyAggregate,
)
from core.standards.parameters import BY_CODE

THOUSANDTH = Decimal("0.001")
LOOKBACK = timedelta(days=2)
"""How far back the first scan of a commitment looks."""


@dataclass(frozen=True)
class ScanResult:
    opened: int
    extended: int
    closed: int


def hourly_means(
    session: Session,
    commitment: Commitment,
    station_id: int,
    *,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
) -> dict[datetime, Decimal]:
    """The commitment's averaged value for every hour [h, h + 1) in [start, end) with one."""
    parameter = BY_CODE[commitment.parameter]
    if commitment.averaging is CommitmentAveraging.DAY:
        verdicts = series_24h_verdicts(
            session,
            station_id=station_id,
            parameter=parameter,
            first_end=start + timedelta(hours=1),
            last_end=end,
            zone=zone,
        )
        return {
            window_end - timedelta(hours=1): verdict.average.value
            for window_end, verdict in verdicts
            if verdict.average.valid and verdict.average.value is not None
        }
    rows = session.scalars(
        select(HourlyAggregate).where(
            HourlyAggregate.station_id == station_id,
            HourlyAggregate.parameter_id == parameter.id,
            HourlyAggregate.hour >= start,
            HourlyAggregate.hour < end,
        )
    )
    means = {}
    for row in rows:
        hour = HourSum(row.hour, row.value_sum_milli, row.reading_count)
        average = mean_of_hourly_means([hour], start=row.hour, end=row.hour + timedelta(hours=1))
        if average.value is not None:
            means[row.hour] = average.value
    return means


def within_window(commitment: Commitment, hour: datetime, zone: ZoneInfo) -> bool:
    """Whether the hour starts inside the commitment's allowed local window."""
    if commitment.window_start is None or commitment.window_end is None:
        return False
    local: time = hour.astimezone(zone).time()
    if commitment.window_start <= commitment.window_end:
        return commitment.window_start <= local < commitment.window_end
    return local >= commitment.window_start or local < commitment.window_end


def breaches(commitment: Commitment, hour: datetime, value: Decimal, zone: ZoneInfo) -> bool:
    if commitment.kind is CommitmentKind.TIME_WINDOW and within_window(commitment, hour, zone):
        return False
    return value > commitment.limit_value


def in_force(commitment: Commitment, day: date) -> bool:
    return commitment.effective_from <= day and (
        commitment.effective_to is None or day <= commitment.effective_to
    )


def detect_excess_events(session: Session, *, now: datetime, zone: ZoneInfo) -> ScanResult:
    """Scan every agreed commitment from where its last scan stopped (or LOOKBACK) to the
    start of the current hour. Running it again with the same `now` changes nothing."""
    end = floor_hour(now)
    opened = extended = closed = 0
    commitments = session.scalars(
        select(Commitment).where(Commitment.status == CommitmentStatus.AGREED)
    ).all()
    for commitment in commitments:
        start = commitment.scanned_until or end - LOOKBACK
        if start >= end:
            continue
        for station_id in commitment.station_ids:
            means = hourly_means(session, commitment, station_id, start=start, end=end, zone=zone)
            event = session.scalars(
                select(ExcessEvent).where(
                    ExcessEvent.commitment_id == commitment.id,
                    ExcessEvent.station_id == station_id,
                    ExcessEvent.ended_at.is_(None),
                )
            ).one_or_none()
            for hour in sorted(means):
                value = means[hour]
                if not in_force(commitment, hour.astimezone(zone).date()):
                    continue
                if breaches(commitment, hour, value, zone):
                    point = {"hour": hour.isoformat(), "value": str(value.quantize(THOUSANDTH))}
                    if event is None:
                        event = ExcessEvent(
                            commitment_id=commitment.id,
                            station_id=station_id,
                            started_at=hour,
                            ended_at=None,
                            peak_value=value,
                            hours_over=1,
                            data=[point],
                            detected_at=now,
                        )
                        session.add(event)
                        opened += 1
                    else:
                        event.peak_value = max(event.peak_value, value)
                        event.hours_over += 1
                        event.data = [*event.data, point]
                        extended += 1
                elif event is not None:
                    event.ended_at = hour
                    event = None
                    closed += 1
        commitment.scanned_until = end
    session.flush()
    return ScanResult(opened=opened, extended=extended, closed=closed)


def downtime_hours(
    session: Session, commitment: Commitment, *, start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """For each of the commitment's stations, (hours without data, hours in the period)
    for its parameter over [start, end): how complete the record behind the events is."""
    start, end = floor_hour(start), floor_hour(end)
    expected = max(int((end - start) / timedelta(hours=1)), 0)
    parameter = BY_CODE[commitment.parameter]
    query = (
        select(HourlyAggregate.station_id, func.count())
        .where(
            HourlyAggregate.station_id.in_(commitment.station_ids),
            HourlyAggregate.parameter_id == parameter.id,
            HourlyAggregate.hour >= start,
            HourlyAggregate.hour < end,
            HourlyAggregate.reading_count > 0,
        )
        .group_by(HourlyAggregate.station_id)
    )
    counts: dict[int, int] = {row[0]: row[1] for row in session.execute(query)}
    return {sid: (expected - counts.get(sid, 0), expected) for sid in commitment.station_ids}
