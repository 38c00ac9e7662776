"""Quality control inside the acceptance pipeline: the rules of core/quality applied to a
whole batch with a fixed number of queries, whatever its size.

Per batch: one query for the stations' kinds (low-cost or not), one for the latest reading
and run length of each (station, parameter) (the neighbour for spikes, the run for stuck
values), one for stored humidity at the times of the batch's low-cost PM readings, and one
for stored PM readings at the times of the batch's humidity (they get their correction and
humidity flag when humidity arrives after them). A reading older than the latest stored one
of its station and parameter (a late backlog) is not checked for spikes or stuck values:
its neighbours are not at hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import LatestReading, QualityFlag, Reading, ReadingQuality, Station
from core.quality.correction import epa_corrected_milli
from core.quality.rules import (
    HUMIDITY_PARAMETERS,
    Grade,
    check_age,
    check_humidity,
    check_range,
    check_spike,
    check_stuck,
    grade,
    is_low_cost,
)
from core.readings.rollups import dialect_insert
from core.standards.parameters import BY_CODE, BY_ID

Key = tuple[int, int, datetime]
HUMIDITY_ID = BY_CODE["humidity"].id
PM25_ID = BY_CODE["pm25"].id
HUMID_PM_IDS = frozenset(BY_CODE[code].id for code in HUMIDITY_PARAMETERS)


class _Reading(Protocol):
    """What quality control needs of a new reading (a NewReading, without importing it)."""

    @property
    def station_id(self) -> int: ...
    @property
    def parameter_id(self) -> int: ...
    @property
    def time(self) -> datetime: ...
    @property
    def value_milli(self) -> int: ...


@dataclass
class BatchQuality:
    """Quality control's answer for a batch, by reading key."""

    grades: dict[Key, Grade] = field(default_factory=dict)
    corrected: dict[Key, int] = field(default_factory=dict)
    run_lengths: dict[Key, int] = field(default_factory=dict)
    low_cost_stations: frozenset[int] = frozenset()
    humidity: dict[tuple[int, datetime], int] = field(default_factory=dict)

    def grade_of(self, key: Key) -> Grade:
        return self.grades.get(key, Grade(QualityFlag.VALID))


def grade_batch(
    session: Session,
    readings: Iterable[_Reading],
    received_at: Mapping[Key, datetime],
    *,
    backfill: bool,
    backfill_keys: AbstractSet[Key] = frozenset(),
) -> BatchQuality:
    """Grade every reading of a batch (one per key) and correct low-cost PM2.5; `backfill`
    declares the whole batch old on purpose, `backfill_keys` single readings."""
    readings = list(readings)
    result = BatchQuality()
    if not readings:
        return result
    station_ids = {r.station_id for r in readings}
    kinds = session.execute(select(Station.id, Station.kind).where(Station.id.in_(station_ids)))
    result.low_cost_stations = frozenset(sid for sid, kind in kinds if is_low_cost(kind))
    result.humidity = _humidity_for(session, readings, result.low_cost_stations)
    previous = {
        (row.station_id, row.parameter_id): (row.time, row.value_milli, row.run_length)
        for row in session.execute(
            select(
                LatestReading.station_id,
                LatestReading.parameter_id,
                LatestReading.time,
                LatestReading.value_milli,
                LatestReading.run_length,
            ).where(LatestReading.station_id.in_(station_ids))
        )
    }
    by_pair: dict[tuple[int, int], list[_Reading]] = defaultdict(list)
    for reading in readings:
        by_pair[(reading.station_id, reading.parameter_id)].append(reading)
    for pair, pair_readings in by_pair.items():
        state = previous.get(pair)
        for reading in sorted(pair_readings, key=lambda r: r.time):
            key = (reading.station_id, reading.parameter_id, reading.time)
            parameter = BY_ID[reading.parameter_id]
            low_cost = reading.station_id in result.low_cost_stations
            humidity = result.humidity.get((reading.station_id, reading.time))
            findings = [
                check_range(parameter, reading.value_milli),
                check_age(
                    reading.time, received_at[key], backfill=backfill or key in backfill_keys
                ),
                check_humidity(parameter, low_cost=low_cost, humidity_milli=humidity),
            ]
            if state is None or reading.time > state[0]:
                run = state[2] + 1 if state is not None and state[1] == reading.value_milli else 1
                findings.append(check_stuck(parameter, reading.value_milli, run))
                findings.append(
                    check_spike(
                        parameter,
                        reading.value_milli,
                        reading.time,
                        state[0] if state else None,
                        state[1] if state else None,
                    )
                )
                state = (reading.time, reading.value_milli, run)
                result.run_lengths[key] = run
            graded = grade(findings)
            if graded.flag != QualityFlag.VALID:
                result.grades[key] = graded
            if low_cost and reading.parameter_id == PM25_ID and humidity is not None:
                result.corrected[key] = epa_corrected_milli(reading.value_milli, humidity)
    return result


def _humidity_for(
    session: Session, readings: list[_Reading], low_cost: frozenset[int]
) -> dict[tuple[int, datetime], int]:
    """Humidity at the same station and time as the batch's low-cost PM readings: from the
    batch itself, else stored (one range query per batch)."""
    found = {
        (r.station_id, r.time): r.value_milli for r in readings if r.parameter_id == HUMIDITY_ID
    }
    wanted = {
        (r.station_id, r.time)
        for r in readings
        if r.station_id in low_cost and r.parameter_id in HUMID_PM_IDS
    } - found.keys()
    if not wanted:
        return found
    times = [t for _, t in wanted]
    rows = session.execute(
        select(Reading.station_id, Reading.time, Reading.value_milli).where(
            Reading.station_id.in_({s for s, _ in wanted}),
            Reading.parameter_id == HUMIDITY_ID,
            Reading.time >= min(times),
            Reading.time <= max(times),
        )
    )
    found.update(
        {(s, t): v for s, t, v in rows if (s, t) in wanted},
    )
    return found


def flag_earlier_pm(
    session: Session,
    inserted: Iterable[_Reading],
    quality: BatchQuality,
    *,
    now: datetime,
) -> None:
    """Humidity that arrived after its station's PM readings: correct the stored PM2.5 and
    flag humid PM as suspect (one query for the stored PM at those times, bulk updates)."""
    new_keys = set()
    humid: dict[tuple[int, datetime], int] = {}
    for r in inserted:
        new_keys.add((r.station_id, r.parameter_id, r.time))
        if r.parameter_id == HUMIDITY_ID and r.station_id in quality.low_cost_stations:
            humid[(r.station_id, r.time)] = r.value_milli
    if not humid:
        return
    times = [t for _, t in humid]
    rows = session.execute(
        select(
            Reading.station_id,
            Reading.parameter_id,
            Reading.time,
            Reading.value_milli,
            Reading.quality_flag,
            ReadingQuality.reviewed_at,
        )
        .outerjoin(
            ReadingQuality,
            (ReadingQuality.station_id == Reading.station_id)
            & (ReadingQuality.parameter_id == Reading.parameter_id)
            & (ReadingQuality.time == Reading.time),
        )
        .where(
            Reading.station_id.in_({s for s, _ in humid}),
            Reading.parameter_id.in_(HUMID_PM_IDS),
            Reading.time >= min(times),
            Reading.time <= max(times),
        )
    )
    corrections = []
    flags = []
    for station_id, parameter_id, moment, value, flag, reviewed_at in rows:
        key = (station_id, parameter_id, moment)
        rh = humid.get((station_id, moment))
        if rh is None or key in new_keys:
            continue
        if parameter_id == PM25_ID:
            corrections.append(
                {
                    "station_id": station_id,
                    "parameter_id": parameter_id,
                    "time": moment,
                    "corrected_milli": epa_corrected_milli(value, rh),
                }
            )
        finding = check_humidity(BY_ID[parameter_id], low_cost=True, humidity_milli=rh)
        # A reading the backbone has reviewed keeps its verdict.
        if finding is not None and flag == QualityFlag.VALID and reviewed_at is None:
            flags.append((key, grade([finding])))
    if corrections:
        session.execute(update(Reading), corrections)
    if flags:
        session.execute(
            update(Reading),
            [
                {"station_id": s, "parameter_id": p, "time": t, "quality_flag": int(g.flag)}
                for (s, p, t), g in flags
            ],
        )
        record_grades(session, dict(flags), now=now)


def record_grades(session: Session, grades: Mapping[Key, Grade], *, now: datetime) -> None:
    """The rule of each non-valid reading, beside it; a reading flagged again keeps its row."""
    rows = [
        {
            "station_id": s,
            "parameter_id": p,
            "time": t,
            "flag": int(g.flag),
            "rule": g.rule or "",
            "detail": g.detail,
            "flagged_at": now,
        }
        for (s, p, t), g in sorted(grades.items())
        if g.flag != QualityFlag.VALID
    ]
    if rows:
        statement = dialect_insert(session, ReadingQuality).on_conflict_do_nothing(
            index_elements=["station_id", "parameter_id", "time"]
        )
        session.execute(statement, rows)
