"""One acceptance pipeline for every format: candidates in, stored readings and rejections out.

Each format has a parser (MQTT topic + native JSON, HTTP native JSON, airrohr) that turns
what a device sent into `CandidateReading`s for a known station, or `Rejection`s with a
reason. `accept_readings` then judges every candidate the same way, and refuses what is not a
reading at all (unknown parameter, wrong unit, a value no instrument can report, a time in
the future or before 2000); quality control (core/readings/quality.py) grades the rest
valid, suspect or invalid; each (station, parameter, time) is stored once (a different value
re-sent for it is kept as a conflict); the hourly and daily rollups (invalid readings left
out and counted) and the latest values are kept; every rejection is recorded through
`record_rejection`, the one place a rejection row is made, once per distinct refusal; the
hours late readings touched are recorded for the alert check (core/readings/late.py).
Nothing here commits; the caller's transaction covers the whole batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kit.db import as_arrays, execute_arrays, insert_from_arrays
from core.kit.errors import InvalidInput
from core.kit.text import storable_text
from core.kit.time import floor_hour, to_utc
from core.models import (
    LatestReading,
    QualityFlag,
    Reading,
    ReadingConflict,
    ReadingMetadata,
    ReadingSource,
    RejectedMessage,
)
from core.readings.late import record_late_hours
from core.readings.quality import BatchQuality, flag_earlier_pm, grade_batch, record_grades
from core.readings.rollups import HourDelta, add_to_hourly_and_daily, dialect_insert
from core.standards.parameters import BY_ID, ParameterInfo, parameter_by_code, to_milli

MAX_FUTURE_SKEW = timedelta(minutes=5)
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
KEPT_PAYLOAD_CHARS = 64 * 1024
BACKFILL_SOURCES = frozenset({ReadingSource.UPLOAD, ReadingSource.MANUAL})
"""Sources whose readings are declared backfill: a factory's periodic report and a reading
typed in by hand are old by nature, so quality control does not flag them as too old."""

__all__ = ["dialect_insert"]


@dataclass(frozen=True)
class CandidateReading:
    """A reading as a parser understood it, not yet judged: the station is known, the rest
    is as the device sent it."""

    station_id: int
    station_code: str
    parameter: str
    value: Decimal
    time: datetime
    received_at: datetime
    origin: str
    """Where it came from, kept on a rejection: an MQTT topic or `POST /ingest/…`."""
    payload: object
    """The reading as sent, kept on a rejection: text as it is, a parsed JSON value dumped
    only if it is refused (most are not, and dumping each would cost every reading)."""
    unit: str | None = None
    label: str = ""
    """Prefix of a rejection reason that says which reading of a message it was."""
    backfill: bool = False
    """Declared old on purpose: not flagged as too old."""
    redelivered: bool = False
    """Sent again by the broker (see `Rejection.redelivered`)."""


@dataclass(frozen=True)
class Rejection:
    """Something refused before it became a candidate (or after), with the reason."""

    received_at: datetime
    origin: str
    payload: str
    reason: str
    station_code: str | None = None
    redelivered: bool = False
    """The broker sent it again: an MQTT redelivery (DUP) after a crash, or a retained
    message at a new subscription. Kept already if it was refused before, so not counted
    twice; a device sending the same bad message again is counted (`times_seen`)."""


@dataclass(frozen=True)
class NewReading:
    """A validated reading in stored form: ids, a UTC time, thousandths of the unit."""

    station_id: int
    parameter_id: int
    time: datetime
    value_milli: int
    quality_flag: int = QualityFlag.VALID
    corrected_milli: int | None = None

    @property
    def key(self) -> tuple[int, int, datetime]:
        return (self.station_id, self.parameter_id, self.time)

    @property
    def parameter(self) -> ParameterInfo:
        return BY_ID[self.parameter_id]


@dataclass(frozen=True)
class Conflict:
    """A reading sent again for a stored key with another value; the stored one stays."""

    sent: NewReading
    stored_value_milli: int


@dataclass
class IngestOutcome:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    rejections: list[str] = field(default_factory=list)
    accepted_readings: list[NewReading] = field(default_factory=list)
    duplicate_readings: list[NewReading] = field(default_factory=list)
    conflict_readings: list[Conflict] = field(default_factory=list)
    quality: BatchQuality = field(default_factory=BatchQuality)
    rejected_stations: set[str] = field(default_factory=set)
    """Station codes named by a refusal recorded in this batch (for their status topics)."""

    def add(self, other: IngestOutcome) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.conflicts += other.conflicts
        self.rejected_stations |= other.rejected_stations
        self.rejections.extend(other.rejections)
        self.accepted_readings.extend(other.accepted_readings)
        self.duplicate_readings.extend(other.duplicate_readings)
        self.conflict_readings.extend(other.conflict_readings)


def record_rejection(session: Session, rejection: Rejection, *, source: ReadingSource) -> bool:
    """Keep a refusal with its reason: the only place a rejected_message row is made.

    Text from outside is cut to size and made storable (no NUL, no lone surrogate). The
    same refusal again (source, origin, station, payload and reason alike) is one row whose
    `times_seen` counts it; a redelivery of one kept already changes nothing. True when
    this refusal was counted, False for such a redelivery.
    """
    row: dict[str, Any] = {
        "source": source.name.lower(),
        "topic": storable_text(rejection.origin[:300]),
        "station_code": (
            storable_text(rejection.station_code[:64])
            if rejection.station_code is not None
            else None
        ),
        "payload": storable_text(rejection.payload[:KEPT_PAYLOAD_CHARS]),
        "reason": storable_text(rejection.reason[:KEPT_PAYLOAD_CHARS]),
    }
    digest = hashlib.sha256(
        json.dumps(
            [row[k] for k in ("source", "topic", "station_code", "payload", "reason")]
        ).encode()
    ).hexdigest()
    statement = dialect_insert(session, RejectedMessage).values(
        **row,
        digest=digest,
        received_at=rejection.received_at,
        last_seen_at=rejection.received_at,
        times_seen=1,
    )
    if rejection.redelivered:
        statement = statement.on_conflict_do_nothing(index_elements=["digest"])
    else:
        statement = statement.on_conflict_do_update(
            index_elements=["digest"],
            set_={
                "times_seen": RejectedMessage.times_seen + 1,
                "last_seen_at": statement.excluded.last_seen_at,
            },
        )
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 1))


def accept_readings(
    session: Session,
    candidates: Iterable[CandidateReading],
    *,
    source: ReadingSource,
    zone: ZoneInfo,
    rejections: Sequence[Rejection] = (),
    backfill: bool = False,
) -> IngestOutcome:
    """Judge, grade, store once, roll up; `rejections` (from the parser) are recorded
    alongside.

    `zone` is the deployment's time zone, whose local days the daily rollups count.
    `backfill` declares old readings as such (uploads and manual entries always are), so
    they are not flagged as too old. Flushes but never commits. Bad input never raises: it
    becomes a rejected_message row.
    """
    outcome = IngestOutcome()
    for rejection in rejections:
        _reject(session, outcome, rejection, source)
    judged: dict[tuple[int, int, datetime], NewReading] = {}
    received: dict[tuple[int, int, datetime], datetime] = {}
    declared: set[tuple[int, int, datetime]] = set()
    repeated: list[tuple[NewReading, datetime]] = []
    for candidate in candidates:
        try:
            new = judge(candidate)
        except InvalidInput as error:
            _reject(
                session,
                outcome,
                Rejection(
                    received_at=candidate.received_at,
                    origin=candidate.origin,
                    payload=_as_text(candidate.payload),
                    reason=f"{candidate.label}{error}",
                    station_code=candidate.station_code,
                    redelivered=candidate.redelivered,
                ),
                source,
            )
            continue
        if new.key in judged:
            repeated.append((new, candidate.received_at))
        else:
            judged[new.key] = new
            received[new.key] = candidate.received_at
            if candidate.backfill:
                declared.add(new.key)
    quality = grade_batch(
        session,
        judged.values(),
        received,
        backfill=backfill or source in BACKFILL_SOURCES,
        backfill_keys=declared,
    )
    outcome.quality = quality
    inserted = _insert_new_readings(session, list(judged.values()), source, quality)
    stored = {r.key for r in inserted}
    repeated.extend((r, received[k]) for k, r in judged.items() if k not in stored)
    outcome.accepted_readings = inserted
    outcome.accepted = len(inserted)
    _sort_repeats(session, outcome, repeated, source)
    now = max(received.values(), default=None)
    if now is not None and inserted:
        record_grades(
            session,
            {r.key: quality.grades[r.key] for r in inserted if r.key in quality.grades},
            now=now,
        )
        flag_earlier_pm(session, inserted, quality, now=now)
    _add_to_aggregates(session, inserted, zone)
    _update_latest(session, inserted, quality)
    record_late_hours(
        session, ((r.station_id, r.parameter_id, r.time, received[r.key]) for r in inserted)
    )
    session.flush()
    return outcome


def _sort_repeats(
    session: Session,
    outcome: IngestOutcome,
    repeated: list[tuple[NewReading, datetime]],
    source: ReadingSource,
) -> None:
    """Readings whose key is stored already: the same value is a duplicate, another value a
    conflict, recorded once per distinct value (one query for the stored values)."""
    if not repeated:
        return
    keys = {r.key for r, _ in repeated}
    times = [t for _, _, t in keys]
    rows = session.execute(
        select(Reading.station_id, Reading.parameter_id, Reading.time, Reading.value_milli).where(
            Reading.station_id.in_({s for s, _, _ in keys}),
            Reading.parameter_id.in_({p for _, p, _ in keys}),
            Reading.time >= min(times),
            Reading.time <= max(times),
        )
    )
    stored = {(s, p, t): v for s, p, t, v in rows if (s, p, t) in keys}
    conflicts: dict[tuple[int, int, datetime, int], dict[str, Any]] = {}
    for reading, received_at in repeated:
        stored_value = stored.get(reading.key, reading.value_milli)
        if stored_value == reading.value_milli:
            outcome.duplicate_readings.append(reading)
            continue
        outcome.conflict_readings.append(Conflict(reading, stored_value))
        conflicts.setdefault(
            (*reading.key, reading.value_milli),
            {
                "station_id": reading.station_id,
                "parameter_id": reading.parameter_id,
                "time": reading.time,
                "stored_value_milli": stored_value,
                "new_value_milli": reading.value_milli,
                "source": int(source),
                "received_at": received_at,
            },
        )
    outcome.duplicates = len(outcome.duplicate_readings)
    outcome.conflicts = len(outcome.conflict_readings)
    if conflicts:
        statement = dialect_insert(session, ReadingConflict).on_conflict_do_nothing(
            index_elements=["station_id", "parameter_id", "time", "new_value_milli"]
        )
        session.execute(statement, list(conflicts.values()))


def store_metadata(
    session: Session,
    *,
    station_id: int,
    time: datetime,
    source: ReadingSource,
    values: dict[str, str],
) -> None:
    """Keep what a message carried beside its readings, once per station and time."""
    if not values:
        return
    statement = dialect_insert(session, ReadingMetadata).on_conflict_do_nothing(
        index_elements=["station_id", "time"]
    )
    kept = {storable_text(k): storable_text(v) for k, v in values.items()}
    session.execute(
        statement, [{"station_id": station_id, "time": time, "source": int(source), "values": kept}]
    )


def _as_text(payload: object) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload, default=str)


def _reject(
    session: Session, outcome: IngestOutcome, rejection: Rejection, source: ReadingSource
) -> None:
    counted = record_rejection(session, rejection, source=source)
    outcome.rejections.append(rejection.reason)
    if counted:
        outcome.rejected += 1
        if rejection.station_code is not None:
            outcome.rejected_stations.add(rejection.station_code)


def judge(candidate: CandidateReading) -> NewReading:
    """What makes a reading no reading at all, the same for every source; raises InvalidInput
    with a readable reason. Implausible but possible values are graded by quality control."""
    parameter = parameter_by_code(candidate.parameter)
    if parameter is None:
        raise InvalidInput(f"unknown parameter {candidate.parameter!r}")
    if candidate.unit is not None and candidate.unit != parameter.unit:
        raise InvalidInput(
            f"unit {candidate.unit!r} does not match {parameter.code} unit {parameter.unit!r}"
        )
    value = candidate.value
    if not value.is_finite():
        raise InvalidInput(f"value {value} is not a finite number")
    if not parameter.minimum <= value <= parameter.maximum:
        raise InvalidInput(
            f"value {value} {parameter.unit} outside the physically possible range "
            f"{parameter.minimum}..{parameter.maximum} for {parameter.code}"
        )
    moment = to_utc(candidate.time)
    if moment > candidate.received_at + MAX_FUTURE_SKEW:
        raise InvalidInput(f"time {candidate.time.isoformat()} is in the future")
    if moment < EARLIEST_TIME:
        raise InvalidInput(
            f"time {candidate.time.isoformat()} is before 2000: is the device clock set?"
        )
    return NewReading(candidate.station_id, parameter.id, moment, to_milli(value))


def _insert_new_readings(
    session: Session, candidates: list[NewReading], source: ReadingSource, quality: BatchQuality
) -> list[NewReading]:
    """Insert, skipping keys already stored; returns only the rows that were new.

    Through the table, not the ORM entity: the ORM's bulk insert starts a new statement
    whenever a row's NULL columns differ from the row before (PM2.5 with a correction beside
    humidity without), which made a batch of 1,500 readings 1,500 statements."""
    if not candidates:
        return []
    if session.get_bind().dialect.name == "postgresql":
        columns = [
            (c.station_id, c.parameter_id, c.time, c.value_milli, quality.corrected.get(c.key))
            for c in candidates
        ]
        values = as_arrays(
            columns, ("station_id", "parameter_id", "time", "value_milli", "corrected_milli")
        )
        values["quality_flag"] = [int(quality.grade_of(c.key).flag) for c in candidates]
        values["source"] = [int(source)] * len(candidates)
        return [
            NewReading(s, p, t.astimezone(UTC), v, flag, corrected)
            for s, p, t, v, flag, corrected in execute_arrays(session, _INSERT_READINGS, values)
        ]
    table = Reading.__table__
    rows = [
        {
            "station_id": c.station_id,
            "parameter_id": c.parameter_id,
            "time": c.time,
            "value_milli": c.value_milli,
            "quality_flag": int(quality.grade_of(c.key).flag),
            "source": int(source),
            "corrected_milli": quality.corrected.get(c.key),
        }
        for c in candidates
    ]
    statement = (
        dialect_insert(session, table)
        .on_conflict_do_nothing(index_elements=["station_id", "parameter_id", "time"])
        .returning(
            table.c.station_id,
            table.c.parameter_id,
            table.c.time,
            table.c.value_milli,
            table.c.quality_flag,
            table.c.corrected_milli,
        )
    )
    result = session.execute(statement, rows)
    return [NewReading(*row) for row in result]


_INSERT_READINGS = insert_from_arrays(
    "reading",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "time": "timestamptz",
        "value_milli": "integer",
        "corrected_milli": "integer",
        "quality_flag": "smallint",
        "source": "smallint",
    },
    "ON CONFLICT (station_id, parameter_id, time) DO NOTHING RETURNING station_id,"
    " parameter_id, time, value_milli, quality_flag, corrected_milli",
)


def _add_to_aggregates(session: Session, inserted: list[NewReading], zone: ZoneInfo) -> None:
    """New readings into their hourly rows and, through each hour's change, the daily rows;
    readings graded invalid are left out of the sums and counted in `invalid_count`."""
    totals: dict[tuple[int, int, datetime], HourDelta] = {}
    for c in inserted:
        key = (c.station_id, c.parameter_id, floor_hour(c.time))
        value_sum, count, invalid = totals.get(key, HourDelta(0, 0, 0))
        if c.quality_flag == QualityFlag.INVALID:
            totals[key] = HourDelta(value_sum, count, invalid + 1)
        else:
            totals[key] = HourDelta(value_sum + c.value_milli, count + 1, invalid)
    add_to_hourly_and_daily(session, totals, zone=zone)


def _update_latest(session: Session, inserted: list[NewReading], quality: BatchQuality) -> None:
    """The newest reading per station and parameter that is not invalid: the status page
    shows it, and quality control judges the next readings against it."""
    newest: dict[tuple[int, int], NewReading] = {}
    for c in inserted:
        if c.quality_flag == QualityFlag.INVALID:
            continue
        key = (c.station_id, c.parameter_id)
        if key not in newest or c.time > newest[key].time:
            newest[key] = c
    if not newest:
        return
    rows = [
        (s, p, c.time, c.value_milli, quality.run_lengths.get(c.key, 1))
        for (s, p), c in sorted(newest.items())
    ]
    if session.get_bind().dialect.name == "postgresql":
        execute_arrays(session, _UPDATE_LATEST, as_arrays(rows, _LATEST_COLUMNS))
        return
    statement = dialect_insert(session, LatestReading)
    statement = statement.on_conflict_do_update(
        index_elements=["station_id", "parameter_id"],
        set_={
            "time": statement.excluded.time,
            "value_milli": statement.excluded.value_milli,
            "run_length": statement.excluded.run_length,
        },
        where=statement.excluded.time > LatestReading.time,
    )
    session.execute(statement, [dict(zip(_LATEST_COLUMNS, row, strict=True)) for row in rows])


_LATEST_COLUMNS = ("station_id", "parameter_id", "time", "value_milli", "run_length")
_UPDATE_LATEST = insert_from_arrays(
    "latest_reading",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "time": "timestamptz",
        "value_milli": "integer",
        "run_length": "integer",
    },
    "ON CONFLICT (station_id, parameter_id) DO UPDATE SET time = excluded.time,"
    " value_milli = excluded.value_milli, run_length = excluded.run_length"
    " WHERE excluded.time > latest_reading.time",
)
