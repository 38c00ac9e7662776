"""Property: for random readings ingested in random batches (duplicates, local midnights,
the PM2.5 standard change of 2023-06-01, zones east and west of UTC), the daily rollups equal a
recomputation from the raw readings, and the indicators from the rollups equal a direct
computation over the raw readings. On both backends."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import StationScope
from core.indicators.service import compute_indicators
from core.kit.means import hourly_mean_milli
from core.models import DailyAggregate, Reading
from core.readings.ingest import IncomingMessage, ingest_messages
from core.readings.rollups import rebuild_daily_rollups
from core.standards.catalogue import standard_in_force, thai_aqi_scale
from core.standards.parameters import BY_CODE
from tests.factories import make_station

PM25 = BY_CODE["pm25"]
ORIGIN = datetime(2023, 5, 30, 12, tzinfo=UTC)
"""Four days of hours from here cross the 2023-06-01 change of the PM2.5 standard."""
HOURS = 96
ZONES = ["Asia/Bangkok", "America/Sao_Paulo", "Pacific/Kiritimati"]
EVERYTHING = StationScope(all_private=True)

Reading_ = tuple[int, int, int, int]
"""(station index, hour offset, minute, value in thousandths)."""


@st.composite
def station_readings(draw: st.DrawFn, index: int) -> list[Reading_]:
    hours = set(draw(st.sets(st.integers(0, HOURS - 1), max_size=30)))
    if draw(st.booleans()):  # a dense run, so that some days are valid and some just miss
        first = draw(st.integers(0, HOURS - 24))
        hours |= set(range(first, first + draw(st.integers(15, 24))))
    readings = []
    for hour in sorted(hours):
        for minute in draw(st.lists(st.integers(0, 59), min_size=1, max_size=3)):
            readings.append((index, hour, minute, draw(st.integers(0, 120_000))))
    return readings


@st.composite
def scenario(draw: st.DrawFn) -> tuple[str, list[list[Reading_]]]:
    zone = draw(st.sampled_from(ZONES))
    readings = [r for i in range(draw(st.integers(1, 3))) for r in draw(station_readings(i))]
    duplicates = draw(st.lists(st.sampled_from(readings), max_size=5)) if readings else []
    readings += [(s, h, m, v + 1) for s, h, m, v in duplicates]  # same key, another value
    order = draw(st.permutations(readings))
    cuts = sorted(draw(st.lists(st.integers(0, len(order)), max_size=3)))
    batches = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    return zone, batches


def raw_days(
    session: Session, station_ids: list[int], zone: ZoneInfo
) -> dict[tuple[int, date], tuple[int, int]]:
    """(station, local day) -> (sum of hourly means, hours), straight from `reading`."""
    hours: dict[tuple[int, datetime], list[int]] = defaultdict(list)
    rows = session.execute(
        select(Reading.station_id, Reading.time, Reading.value_milli).where(
            Reading.station_id.in_(station_ids), Reading.parameter_id == PM25.id
        )
    )
    for row in rows:
        hours[(row.station_id, row.time.replace(minute=0, second=0, microsecond=0))].append(
            row.value_milli
        )
    days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for (station_id, hour), values in hours.items():
        total = days[(station_id, hour.astimezone(zone).date())]
        total[0] += hourly_mean_milli(sum(values), len(values))
        total[1] += 1
    return {key: (v[0], v[1]) for key, v in days.items()}


def half_up(value: Fraction, step: Fraction) -> Fraction:
    return math.floor(value / step + Fraction(1, 2)) * step


def shown(value: Fraction) -> float:
    return float(half_up(value, Fraction(1, 1000)))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=scenario())
def test_rollups_and_indicators_equal_the_raw_computation(
    session: Session, data: tuple[str, list[list[Reading_]]]
) -> None:
    zone_name, batches = data
    zone = ZoneInfo(zone_name)
    savepoint = session.begin_nested()
    try:
        rebuild_daily_rollups(session, zone)
        stations = [make_station(session, area="Property") for _ in range(3)]
        for batch in batches:
            by_station: dict[int, list[dict[str, object]]] = defaultdict(list)
            for s, h, m, v in batch:
                at = ORIGIN + timedelta(hours=h, minutes=m)
                by_station[s].append(
                    {"parameter": "pm25", "value": v / 1000, "time": at.isoformat()}
                )
            messages = [
                IncomingMessage(
                    f"dustwatch/v1/readings/{stations[s].code}",
                    json.dumps(items).encode(),
                    datetime(2023, 6, 10, tzinfo=UTC),
                )
                for s, items in by_station.items()
            ]
            ingest_messages(session, messages=messages, topic_prefix="dustwatch/v1", zone=zone)
        ids = [s.id for s in stations]
        raw = raw_days(session, ids, zone)
        stored = {
            (row.station_id, row.day): (row.hour_mean_sum_milli, row.hours_with_data)
            for row in session.execute(
                select(DailyAggregate).where(DailyAggregate.station_id.in_(ids))
            ).scalars()
        }
        assert stored == raw

        first = (ORIGIN.astimezone(zone)).date()
        last = (ORIGIN + timedelta(hours=HOURS)).astimezone(zone).date()
        result = compute_indicators(
            session,
            scope=EVERYTHING,
            area="Property",
            parameter="pm25",
            start=first,
            end=last,
            zone=zone,
        )
        code_of = {s.id: s.code for s in stations}
        worst: dict[date, tuple[Fraction, int]] = {}
        for (station_id, day), (mean_sum, hours) in raw.items():
            mean = Fraction(mean_sum, hours * 1000)
            if hours >= 18 and (day not in worst or mean > worst[day][0]):
                worst[day] = (mean, station_id)
        expected_days = []
        over_days = 0
        for day, (mean, station_id) in sorted(worst.items()):
            standard = standard_in_force("th-pm25-24h", on=day)
            scale = thai_aqi_scale("pm25", on=day)
            assert standard is not None
            assert scale is not None
            reported = half_up(mean, Fraction(scale.precision))
            over = reported > Fraction(standard.limit)
            over_days += over
            expected_days.append((day, shown(mean), float(reported), over, code_of[station_id]))
        assert [
            (d.day, d.value, d.reported, d.over_standard, d.station_code) for d in result.days
        ] == expected_days
        assert result.exceedances.days == over_days
        assert result.valid_days.valid_days == len(worst)
        means = [mean for mean, _ in worst.values()]
        assert result.period_mean.value == (
            shown(sum(means, Fraction(0)) / len(means)) if means else None
        )
        if worst:
            top_day = max(worst, key=lambda d: worst[d][0])
            assert (result.worst_day.day, result.worst_day.value) == (
                top_day,
                shown(worst[top_day][0]),
            )
        assert result.completeness.hours_with_data == sum(
            hours for (_, day), (_, hours) in raw.items() if first <= day <= last
        )
    finally:
        savepoint.rollback()
