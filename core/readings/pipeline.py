"""One acceptance pipeline for every format: candidates in, stored readings and rejections out.

Each format has a parser (MQTT topic + native JSON, HTTP native JSON, airrohr) that turns
what a device sent into `CandidateReading`s for a known station, or `Rejection`s with a
reason. `accept_readings` then judges every candidate the same way (known parameter, unit,
plausible range, not in the future, not before 2000), stores each (station, parameter, time)
once, keeps the hourly and daily rollups and the latest values, records the hours that late
readings touched for the alert check (core/readings/late.py), and records every rejection
through `record_rejection`, the one place a rejection row is made, once per distinct refusal.
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

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.kit.db import as_arrays, insert_from_arrays
from core.kit.errors import InvalidInput
from core.kit.text import storable_text
from core.kit.time import floor_hour, to_utc
from core.models import (
    LatestReading,
    QualityFlag,
    Reading,
    ReadingMetadata,
    ReadingSource,
    RejectedMessage,
)
from core.readings.late import record_late_hours
from core.readings.rollups import add_to_hourly_and_daily
from core.standards.parameters import BY_ID, ParameterInfo, parameter_by_code, to_milli

MAX_FUTURE_SKEW = timedelta(minutes=5)
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
KEPT_PAYLOAD_CHARS = 64 * 1024


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

    @property
    def key(self) -> tuple[int, int, datetime]:
        return (self.station_id, self.parameter_id, self.time)

    @property
    def parameter(self) -> ParameterInfo:
        return BY_ID[self.parameter_id]


@dataclass
class IngestOutcome:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[str] = field(default_factory=list)
    accepted_readings: list[NewReading] = field(default_factory=list)
    duplicate_readings: list[NewReading] = field(default_factory=list)
    rejected_stations: set[str] = field(default_factory=set)
    """Station codes named by a refusal recorded in this batch (for their status topics)."""

    def add(self, other: IngestOutcome) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.rejected_stations |= other.rejected_stations
        self.rejections.extend(other.rejections)
        self.accepted_readings.extend(other.accepted_readings)
        self.duplicate_readings.extend(other.duplicate_readings)


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
) -> IngestOutcome:
    """Judge, store once, roll up; `rejections` (from the parser) are recorded alongside.

    `zone` is the deployment's time zone, whose local days the daily rollups count.
    Flushes but never commits. Bad input never raises: it becomes a rejected_message row.
    """
    outcome = IngestOutcome()
    for rejection in rejections:
        _reject(session, outcome, rejection, source)
    judged: dict[tuple[int, int, datetime], NewReading] = {}
    received: dict[tuple[int, int, datetime], datetime] = {}
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
            outcome.duplicate_readings.append(new)
        else:
            judged[new.key] = new
            received[new.key] = candidate.received_at
    inserted = _insert_new_readings(session, list(judged.values()), source)
    stored = {r.key for r in inserted}
    outcome.accepted_readings = inserted
    outcome.duplicate_readings.extend(r for k, r in judged.items() if k not in stored)
    outcome.accepted = len(inserted)
    outcome.duplicates = len(outcome.duplicate_readings)
    _add_to_aggregates(session, inserted, zone)
    _update_latest(session, inserted)
    record_late_hours(
        session, ((r.station_id, r.parameter_id, r.time, received[r.key]) for r in inserted)
    )
    session.flush()
    return outcome


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
    """The checks every source gets; raises InvalidInput with a readable reason."""
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
            f"value {value} {parameter.unit} outside the plausible range "
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


def dialect_insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support for the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _insert_new_readings(
    session: Session, candidates: list[NewReading], source: ReadingSource
) -> list[NewReading]:
    """Insert, skipping keys already stored; returns only the rows that were new."""
    if not candidates:
        return []
    if session.get_bind().dialect.name == "postgresql":
        keys = [(c.station_id, c.parameter_id, c.time, c.value_milli) for c in candidates]
        values = as_arrays(keys, ("station_id", "parameter_id", "time", "value_milli"))
        values["quality_flag"] = [int(QualityFlag.RAW)] * len(keys)
        values["source"] = [int(source)] * len(keys)
        result = session.execute(_INSERT_READINGS, values)
        return [
            NewReading(row.station_id, row.parameter_id, row.time.astimezone(UTC), row.value_milli)
            for row in result
        ]
    rows = [
        {
            "station_id": c.station_id,
            "parameter_id": c.parameter_id,
            "time": c.time,
            "value_milli": c.value_milli,
            "quality_flag": int(QualityFlag.RAW),
            "source": int(source),
        }
        for c in candidates
    ]
    statement = (
        dialect_insert(session, Reading)
        .on_conflict_do_nothing(index_elements=["station_id", "parameter_id", "time"])
        .returning(Reading.station_id, Reading.parameter_id, Reading.time, Reading.value_milli)
    )
    result = session.execute(statement, rows)
    return [
        NewReading(row.station_id, row.parameter_id, row.time, row.value_milli) for row in result
    ]


_INSERT_READINGS = insert_from_arrays(
    "reading",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "time": "timestamptz",
        "value_milli": "integer",
        "quality_flag": "smallint",
        "source": "smallint",
    },
    "ON CONFLICT (station_id, parameter_id, time) DO NOTHING"
    " RETURNING station_id, parameter_id, time, value_milli",
)


def _add_to_aggregates(session: Session, inserted: list[NewReading], zone: ZoneInfo) -> None:
    """New readings into their hourly rows and, through each hour's change, the daily rows.
    Readings are stored raw, so none is left out here; quality control moves invalid ones
    out of the sums and into `invalid_count` when it flags them."""
    totals: dict[tuple[int, int, datetime], tuple[int, int]] = {}
    for c in inserted:
        key = (c.station_id, c.parameter_id, floor_hour(c.time))
        value_sum, count = totals.get(key, (0, 0))
        totals[key] = (value_sum + c.value_milli, count + 1)
    add_to_hourly_and_daily(session, totals, zone=zone)


def _update_latest(session: Session, inserted: list[NewReading]) -> None:
    newest: dict[tuple[int, int], NewReading] = {}
    for c in inserted:
        key = (c.station_id, c.parameter_id)
        if key not in newest or c.time > newest[key].time:
            newest[key] = c
    if not newest:
        return
    rows = [(s, p, c.time, c.value_milli) for (s, p), c in sorted(newest.items())]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_UPDATE_LATEST, as_arrays(rows, _LATEST_COLUMNS))
        return
    statement = dialect_insert(session, LatestReading)
    statement = statement.on_conflict_do_update(
        index_elements=["station_id", "parameter_id"],
        set_={"time": statement.excluded.time, "value_milli": statement.excluded.value_milli},
        where=statement.excluded.time > LatestReading.time,
    )
    session.execute(statement, [dict(zip(_LATEST_COLUMNS, row, strict=True)) for row in rows])


_LATEST_COLUMNS = ("station_id", "parameter_id", "time", "value_milli")
_UPDATE_LATEST = insert_from_arrays(
    "latest_reading",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "time": "timestamptz",
        "value_milli": "integer",
    },
    "ON CONFLICT (station_id, parameter_id) DO UPDATE"
    " SET time = excluded.time, value_milli = excluded.value_milli"
    " WHERE excluded.time > latest_reading.time",
)
