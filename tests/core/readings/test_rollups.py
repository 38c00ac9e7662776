"""Daily rollups kept by the ingest: the same days as a recomputation from the hourly rows,
across local midnights, for hours that grow over several batches, and rebuilt on a new zone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.indicators.daily import DailyMean, daily_means, daily_means_from_hourly
from core.kit.means import hourly_mean_milli
from core.models import DailyAggregate, HourlyAggregate
from core.readings.ingest import IncomingMessage, ingest_messages
from core.readings.rollups import (
    ensure_daily_rollups,
    rebuild_daily_rollups,
    record_rollup_zone,
    rollup_zone,
)
from core.settings import default_zone
from core.standards.parameters import BY_CODE
from tests.factories import make_station

PREFIX = "dustwatch/v1"
RECEIVED = datetime(2026, 11, 25, tzinfo=UTC)
BANGKOK = ZoneInfo("Asia/Bangkok")
PM10 = BY_CODE["pm10"].id


def ingest(session: Session, code: str, items: list[dict[str, object]], zone: ZoneInfo) -> None:
    message = IncomingMessage(f"{PREFIX}/readings/{code}", json.dumps(items).encode(), RECEIVED)
    outcome = ingest_messages(session, messages=[message], topic_prefix=PREFIX, zone=zone)
    assert outcome.rejected == 0, outcome.rejections


def pm10(at: datetime, value: float) -> dict[str, object]:
    return {"parameter": "pm10", "value": value, "time": at.isoformat()}


def stored_days(session: Session, station_id: int) -> list[tuple[date, int, int]]:
    rows = session.execute(
        select(
            DailyAggregate.day, DailyAggregate.hour_mean_sum_milli, DailyAggregate.hours_with_data
        )
        .where(DailyAggregate.station_id == station_id, DailyAggregate.parameter_id == PM10)
        .order_by(DailyAggregate.day)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def reference_days(
    session: Session, station_id: int, zone: ZoneInfo
) -> list[tuple[date, int, int]]:
    means = daily_means_from_hourly(
        session,
        station_ids=[station_id],
        parameter_id=PM10,
        start=date(2026, 11, 1),
        end=date(2026, 12, 1),
        zone=zone,
    )
    return [(m.day, m.hour_mean_sum_milli, m.hours_with_data) for m in means]


def test_hours_either_side_of_local_midnight_go_to_their_local_days(session: Session) -> None:
    station = make_station(session)
    midnight = datetime(2026, 11, 23, tzinfo=BANGKOK)
    ingest(
        session,
        station.code,
        [pm10(midnight - timedelta(minutes=30), 10), pm10(midnight + timedelta(minutes=5), 20.5)],
        BANGKOK,
    )
    assert stored_days(session, station.id) == [
        (date(2026, 11, 22), 10_000, 1),
        (date(2026, 11, 23), 20_500, 1),
    ]


def test_an_hour_that_grows_over_batches_changes_its_day_by_its_rounded_mean(
    session: Session,
) -> None:
    station = make_station(session)
    hour = datetime(2026, 11, 23, 9, tzinfo=BANGKOK)
    values = [10.001, 10.002, 10.002, 7.5, 0.0, 33.333]
    for minute, value in enumerate(values):
        ingest(session, station.code, [pm10(hour + timedelta(minutes=minute), value)], BANGKOK)
    ingest(session, station.code, [pm10(hour + timedelta(hours=1), 5)], BANGKOK)
    milli = [round(v * 1000) for v in values]
    expected = hourly_mean_milli(sum(milli), len(milli)) + 5_000
    assert stored_days(session, station.id) == [(date(2026, 11, 23), expected, 2)]
    assert stored_days(session, station.id) == reference_days(session, station.id, BANGKOK)


def test_duplicates_change_nothing(session: Session) -> None:
    station = make_station(session)
    at = datetime(2026, 11, 23, 9, 15, tzinfo=BANGKOK)
    ingest(session, station.code, [pm10(at, 12.5)], BANGKOK)
    ingest(session, station.code, [pm10(at, 12.5), pm10(at, 99)], BANGKOK)
    assert stored_days(session, station.id) == [(date(2026, 11, 23), 12_500, 1)]


def test_rebuild_in_another_zone_moves_hours_to_that_zones_days(session: Session) -> None:
    station = make_station(session)
    start = datetime(2026, 11, 22, 20, tzinfo=UTC)
    ingest(
        session,
        station.code,
        [
            pm10(start + timedelta(hours=h, minutes=m), 10 + h + m / 7)
            for h in range(30)
            for m in (0, 20)
        ],
        BANGKOK,
    )
    kept_incrementally = stored_days(session, station.id)
    assert kept_incrementally == reference_days(session, station.id, BANGKOK)
    tokyo = ZoneInfo("Asia/Tokyo")
    progress: list[tuple[int, int]] = []
    report = rebuild_daily_rollups(session, tokyo, progress=lambda *p: progress.append(p))
    assert rollup_zone(session) == "Asia/Tokyo"
    assert report.previous_zone == "Asia/Bangkok"
    assert progress[-1][0] == progress[-1][1] == report.hourly_rows
    assert stored_days(session, station.id) == reference_days(session, station.id, tokyo)
    assert stored_days(session, station.id) != kept_incrementally
    assert ensure_daily_rollups(session, tokyo) is None
    assert ensure_daily_rollups(session, BANGKOK) is not None
    assert stored_days(session, station.id) == kept_incrementally


def test_daily_means_read_the_rollups_and_fall_back_to_hourly_in_another_zone(
    session: Session,
) -> None:
    station = make_station(session)
    begin = datetime(2026, 11, 22, tzinfo=BANGKOK)
    ingest(
        session,
        station.code,
        [pm10(begin + timedelta(hours=h), 40 + h % 5) for h in range(48)],
        BANGKOK,
    )
    session.execute(update(HourlyAggregate).values(value_sum_milli=0))

    def read(zone: ZoneInfo, *, hourly: bool = False) -> list[DailyMean]:
        source = daily_means_from_hourly if hourly else daily_means
        return source(
            session,
            station_ids=[station.id],
            parameter_id=PM10,
            start=date(2026, 11, 21),
            end=date(2026, 11, 25),
            zone=zone,
        )

    from_daily = read(BANGKOK)
    assert [m.day for m in from_daily] == [date(2026, 11, 22), date(2026, 11, 23)]
    assert all(m.valid and m.hours_with_data == 24 for m in from_daily)
    assert from_daily[0].hour_mean_sum_milli == sum(40 + h % 5 for h in range(24)) * 1000
    record_rollup_zone(session, ZoneInfo("Asia/Tokyo"))
    fallback = read(BANGKOK)
    assert fallback == read(BANGKOK, hourly=True)
    assert all(m.hour_mean_sum_milli == 0 for m in fallback)
    record_rollup_zone(session, default_zone())


def test_daily_mean_type_is_unchanged() -> None:
    mean = DailyMean(1, PM10, date(2026, 11, 22), 18 * 37_550, 18, 24)
    assert mean.valid
    assert str(mean.value) == "37.55"
