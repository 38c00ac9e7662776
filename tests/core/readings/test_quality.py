"""Quality control in the pipeline and the backbone's review: flags with their rules,
invalid readings out of the rollups and counted, the EPA correction beside the raw value
whichever of PM2.5 and humidity arrives first, conflicts once per distinct value, and
rollups equal to a rebuild from the raw readings after every review."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.kit.errors import Forbidden, NotFound
from core.kit.time import floor_hour
from core.models import (
    AuditEvent,
    DailyAggregate,
    HourlyAggregate,
    LatestReading,
    QualityFlag,
    Reading,
    ReadingConflict,
    ReadingQuality,
    ReadingSource,
    Role,
    StationKind,
)
from core.readings.pipeline import CandidateReading, IngestOutcome, accept_readings
from core.readings.review import list_conflicts, list_flagged, review_reading
from core.readings.rollups import rebuild_daily_rollups
from core.settings import default_zone
from core.standards.parameters import BY_CODE
from tests.factories import make_station

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
ZONE = default_zone()
BACKBONE = Principal(role=Role.BACKBONE, label="Somchai (backbone)")


def candidate(station_id: int, parameter: str, value: str, time: datetime) -> CandidateReading:
    return CandidateReading(
        station_id=station_id,
        station_code="s",
        parameter=parameter,
        value=Decimal(value),
        time=time,
        received_at=max(NOW, time),
        origin="test",
        payload=value,
    )


def send(session: Session, *candidates: CandidateReading, **kw: Any) -> IngestOutcome:
    return accept_readings(session, list(candidates), source=ReadingSource.HTTP, zone=ZONE, **kw)


def flag_of(session: Session, station_id: int, parameter: str, time: datetime) -> QualityFlag:
    return QualityFlag(
        session.scalars(
            select(Reading.quality_flag).where(
                Reading.station_id == station_id,
                Reading.parameter_id == BY_CODE[parameter].id,
                Reading.time == time,
            )
        ).one()
    )


def test_flags_are_stored_with_their_rule_and_invalid_readings_left_out(
    session: Session,
) -> None:
    station = make_station(session)
    t1, t2, t3 = (NOW - timedelta(minutes=m) for m in (25, 20, 15))
    outcome = send(
        session,
        candidate(station.id, "pm25", "40", t1),
        candidate(station.id, "pm25", "1200", t2),  # beyond the sensor's scale
        candidate(station.id, "pm25", "30", t3),
        candidate(station.id, "humidity", "97", t3),  # fog at the volunteer's sensor
    )

    assert outcome.accepted == 4
    assert flag_of(session, station.id, "pm25", t1) == QualityFlag.VALID
    assert flag_of(session, station.id, "pm25", t2) == QualityFlag.INVALID
    assert flag_of(session, station.id, "pm25", t3) == QualityFlag.SUSPECT
    rules = {(q.time, q.rule, QualityFlag(q.flag)) for q in session.scalars(select(ReadingQuality))}
    assert rules == {(t2, "range", QualityFlag.INVALID), (t3, "humidity", QualityFlag.SUSPECT)}
    hourly = session.scalars(
        select(HourlyAggregate).where(HourlyAggregate.parameter_id == BY_CODE["pm25"].id)
    ).one()
    # The invalid 1200 is left out and counted; the suspect 30 stays in until reviewed.
    assert (hourly.value_sum_milli, hourly.reading_count, hourly.invalid_count) == (
        70_000,
        2,
        1,
    )
    daily = session.scalars(
        select(DailyAggregate).where(DailyAggregate.parameter_id == BY_CODE["pm25"].id)
    ).one()
    assert (daily.hour_mean_sum_milli, daily.hours_with_data, daily.invalid_count) == (
        35_000,
        1,
        1,
    )
    graded = {(r.time, r.quality_flag) for r in outcome.accepted_readings}
    assert (t2, QualityFlag.INVALID) in graded


def test_an_invalid_reading_never_becomes_the_latest_value(session: Session) -> None:
    station = make_station(session)
    send(session, candidate(station.id, "pm25", "40", NOW - timedelta(minutes=2)))
    send(session, candidate(station.id, "pm25", "1200", NOW - timedelta(minutes=1)))

    latest = session.scalars(select(LatestReading)).one()
    assert (latest.time, latest.value_milli) == (NOW - timedelta(minutes=2), 40_000)


def test_the_latest_value_follows_reviews_of_the_newest_readings(session: Session) -> None:
    """Marking the newest reading invalid shows the one before on the status pages; marking
    it valid again, or a later implausible one valid, brings it back."""
    station = make_station(session)
    before, newest = NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)
    send(session, candidate(station.id, "pm25", "40", before))
    send(session, candidate(station.id, "pm25", "45", newest))

    def latest() -> tuple[datetime, int] | None:
        row = session.get(LatestReading, (station.id, BY_CODE["pm25"].id))
        return None if row is None else (row.time, row.value_milli)

    review(session, station.code, newest, "invalid", parameter="pm25")
    assert latest() == (before, 40_000)
    review(session, station.code, before, "invalid", parameter="pm25")
    assert latest() is None
    review(session, station.code, newest, "valid", parameter="pm25")
    assert latest() == (newest, 45_000)
    send(session, candidate(station.id, "pm25", "1200", NOW))  # implausible: invalid
    assert latest() == (newest, 45_000)
    review(session, station.code, NOW, "valid", parameter="pm25", reason="a blast, confirmed")
    assert latest() == (NOW, 1_200_000)


def test_an_hour_with_only_invalid_readings_counts_them_and_no_mean(session: Session) -> None:
    station = make_station(session)
    send(session, candidate(station.id, "pm10", "2600", NOW - timedelta(minutes=5)))

    hourly = session.scalars(select(HourlyAggregate)).one()
    assert (hourly.reading_count, hourly.invalid_count) == (0, 1)
    daily = session.scalars(select(DailyAggregate)).one()
    assert (daily.hours_with_data, daily.invalid_count) == (0, 1)
    assert_rollups_equal_a_rebuild(session)


def test_the_same_value_ten_times_in_a_row_is_stuck_across_batches(session: Session) -> None:
    station = make_station(session)
    start = NOW - timedelta(minutes=30)
    for minute in range(10):
        send(session, candidate(station.id, "pm10", "55.0", start + timedelta(minutes=minute)))

    flags = [flag_of(session, station.id, "pm10", start + timedelta(minutes=m)) for m in range(10)]
    assert flags == [QualityFlag.VALID] * 9 + [QualityFlag.SUSPECT]
    assert session.scalars(select(ReadingQuality.rule)).one() == "stuck"
    assert session.scalars(select(LatestReading.run_length)).one() == 10
    send(session, candidate(station.id, "pm10", "56.0", start + timedelta(minutes=10)))
    assert session.scalars(select(LatestReading.run_length)).one() == 1


def test_a_jump_from_the_reading_before_is_a_spike(session: Session) -> None:
    station = make_station(session)
    before = NOW - timedelta(minutes=2)
    send(session, candidate(station.id, "pm10", "80", before))
    send(
        session,
        candidate(station.id, "pm10", "700", before + timedelta(minutes=1)),
        candidate(station.id, "pm10", "120", before + timedelta(minutes=2)),
    )

    assert flag_of(session, station.id, "pm10", before + timedelta(minutes=1)) == (
        QualityFlag.SUSPECT
    )
    spike, back = session.scalars(select(ReadingQuality).order_by(ReadingQuality.time))
    assert (spike.rule, back.rule) == ("spike", "spike")
    assert spike.detail.startswith("+620 ug/m3")
    assert back.detail.startswith("-580 ug/m3")
    # The drop back is a jump of 580 too: the neighbour of a spike is suspect as well.
    assert flag_of(session, station.id, "pm10", before + timedelta(minutes=2)) == (
        QualityFlag.SUSPECT
    )


def test_a_late_reading_is_not_judged_against_newer_neighbours(session: Session) -> None:
    station = make_station(session)
    send(session, candidate(station.id, "pm10", "80", NOW - timedelta(minutes=1)))
    send(session, candidate(station.id, "pm10", "700", NOW - timedelta(minutes=50)))

    assert flag_of(session, station.id, "pm10", NOW - timedelta(minutes=50)) == (QualityFlag.VALID)
    assert session.scalars(select(LatestReading.value_milli)).one() == 80_000


def test_the_epa_correction_is_stored_beside_the_raw_value_in_either_order(
    session: Session,
) -> None:
    together = make_station(session)
    pm_first = make_station(session)
    reference = make_station(session, kind=StationKind.REFERENCE)
    t = NOW - timedelta(minutes=10)
    send(
        session,
        candidate(together.id, "pm25", "40", t),
        candidate(together.id, "humidity", "60", t),
        candidate(pm_first.id, "pm25", "100", t),
        candidate(reference.id, "pm25", "40", t),
        candidate(reference.id, "humidity", "60", t),
    )
    send(session, candidate(pm_first.id, "humidity", "97", t))

    rows = {
        r.station_id: (r.value_milli, r.corrected_milli, QualityFlag(r.quality_flag))
        for r in session.scalars(select(Reading).where(Reading.parameter_id == BY_CODE["pm25"].id))
    }
    # 40 ug/m3 at 60 %: the published worked value 26.778; the raw value stays.
    assert rows[together.id] == (40_000, 26_778, QualityFlag.VALID)
    # 100 at 97 %: 0.786*100 - 0.0862*97 + 5.75, and humid air makes it suspect.
    assert rows[pm_first.id] == (100_000, 75_989, QualityFlag.SUSPECT)
    assert rows[reference.id] == (40_000, None, QualityFlag.VALID)
    assert session.scalars(select(ReadingQuality.rule)).one() == "humidity"


def test_a_different_value_sent_again_is_a_conflict_recorded_once_per_value(
    session: Session,
) -> None:
    station = make_station(session)
    t = NOW - timedelta(minutes=10)
    send(session, candidate(station.id, "pm10", "50", t))

    same = send(session, candidate(station.id, "pm10", "50", t))
    other = send(session, candidate(station.id, "pm10", "60", t))
    again = send(
        session,
        candidate(station.id, "pm10", "60", t),
        candidate(station.id, "pm10", "70", t),
    )

    assert (same.duplicates, same.conflicts) == (1, 0)
    assert (other.duplicates, other.conflicts) == (0, 1)
    assert other.conflict_readings[0].stored_value_milli == 50_000
    assert (again.duplicates, again.conflicts) == (0, 2)
    stored = session.execute(
        select(ReadingConflict.stored_value_milli, ReadingConflict.new_value_milli).order_by(
            ReadingConflict.new_value_milli
        )
    )
    assert [tuple(r) for r in stored] == [(50_000, 60_000), (50_000, 70_000)]
    assert session.scalars(select(Reading.value_milli)).one() == 50_000
    listed = list_conflicts(session, station_code=station.code)
    assert sorted((c.stored_value, c.sent_value, c.source) for c in listed) == [
        (50.0, 60.0, "http"),
        (50.0, 70.0, "http"),
    ]


def raw_hourly(session: Session) -> dict[tuple[int, int, datetime], tuple[int, int, int]]:
    """The hourly rows computed again from the raw readings and their flags."""
    sums: dict[tuple[int, int, datetime], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in session.scalars(select(Reading)):
        row = sums[(r.station_id, r.parameter_id, floor_hour(r.time))]
        if r.quality_flag == QualityFlag.INVALID:
            row[2] += 1
        else:
            row[0] += r.value_milli
            row[1] += 1
    return {k: (v[0], v[1], v[2]) for k, v in sums.items()}


def assert_rollups_equal_a_rebuild(session: Session) -> None:
    session.flush()
    hourly = {
        (h.station_id, h.parameter_id, h.hour): (
            h.value_sum_milli,
            h.reading_count,
            h.invalid_count,
        )
        for h in session.scalars(select(HourlyAggregate))
    }
    assert hourly == raw_hourly(session)
    kept = sorted(
        (
            d.station_id,
            d.parameter_id,
            d.day,
            d.hour_mean_sum_milli,
            d.hours_with_data,
            d.invalid_count,
        )
        for d in session.scalars(select(DailyAggregate))
    )
    rebuild_daily_rollups(session, ZONE)
    session.expire_all()
    rebuilt = sorted(
        (
            d.station_id,
            d.parameter_id,
            d.day,
            d.hour_mean_sum_milli,
            d.hours_with_data,
            d.invalid_count,
        )
        for d in session.scalars(select(DailyAggregate))
    )
    assert kept == rebuilt


def review(session: Session, code: str, time: datetime, verdict: str, **kw: Any) -> Any:
    return review_reading(
        session,
        actor=kw.get("actor", BACKBONE),
        station_code=code,
        parameter=kw.get("parameter", "pm10"),
        time=time,
        verdict=verdict,  # type: ignore[arg-type]
        reason=kw.get("reason", "checked against the reference station"),
        zone=ZONE,
        now=NOW,
    )


def test_reviews_move_readings_out_of_and_back_into_exact_rollups(session: Session) -> None:
    station = make_station(session)
    # Two local days (Bangkok midnight is 17:00 UTC), several readings an hour, odd values
    # so that the hourly means round.
    start = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    times = [start + timedelta(minutes=20 * i) for i in range(12)]
    values = [
        "41.3",
        "57.9",
        "63.2",
        "2500",
        "48.8",
        "51.1",
        "39.7",
        "44.4",
        "47.0",
        "52.6",
        "61.5",
        "58.3",
    ]
    send(
        session,
        *(candidate(station.id, "pm10", v, t) for v, t in zip(values, times, strict=True)),
        backfill=True,
    )
    assert_rollups_equal_a_rebuild(session)

    # Out: one reading of an hour of three, then all three of another hour.
    review(session, station.code, times[1], "invalid")
    assert_rollups_equal_a_rebuild(session)
    review(session, station.code, times[6], "invalid")
    review(session, station.code, times[7], "invalid")
    review(session, station.code, times[8], "invalid")  # empties the hour 17:00-18:00 UTC
    assert_rollups_equal_a_rebuild(session)
    # Back in: the implausible 2500 after a check, and one of the emptied hour.
    review(session, station.code, times[3], "valid", reason="a blast at the quarry, confirmed")
    review(session, station.code, times[7], "valid")
    assert_rollups_equal_a_rebuild(session)
    # The same verdict again changes nothing in the sums.
    review(session, station.code, times[7], "valid", reason="seen again")
    assert_rollups_equal_a_rebuild(session)

    invalid = list_flagged(session, flag="invalid", station_code=station.code)
    assert sorted(r.time for r in invalid) == sorted([times[1], times[6], times[8]])
    assert {r.reviewed_by for r in invalid} == {"Somchai (backbone)"}
    valid_again = [
        r for r in list_flagged(session, station_code=station.code) if r.time == times[3]
    ]
    assert valid_again[0].quality == "valid"
    assert valid_again[0].rule == "range"
    assert valid_again[0].reason == "a blast at the quarry, confirmed"


def test_a_review_is_audited_and_only_for_the_backbone(session: Session) -> None:
    station = make_station(session)
    t = NOW - timedelta(minutes=10)
    send(session, candidate(station.id, "pm10", "80", t))

    review(session, station.code, t, "invalid", reason="sensor was being cleaned")

    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "reading")).one()
    assert event.action == "review_reading"
    assert event.actor_label == "Somchai (backbone)"
    assert event.before == {"quality": "valid", "reason": None}
    assert event.after == {"quality": "invalid", "reason": "sensor was being cleaned"}
    with pytest.raises(Forbidden):
        review(session, station.code, t, "valid", actor=Principal(role=Role.OPERATOR, label="op"))
    with pytest.raises(NotFound):
        review(session, station.code, t - timedelta(minutes=1), "valid")
