"""Accepting readings (from MQTT or uploads) and reading them back.

Every message is judged reading by reading: what passes is stored once, keyed by
(station, parameter, time), and what does not is kept in `rejected_message` with the
reason. Nothing here commits; the caller's transaction covers the whole batch.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.kit.errors import InvalidInput
from core.kit.text import storable_text
from core.kit.time import floor_hour, to_utc
from core.models import (
    HourlyAggregate,
    LatestReading,
    QualityFlag,
    Reading,
    ReadingSource,
    RejectedMessage,
    Station,
)
from core.readings.schemas import ReadingPayload
from core.standards.parameters import ParameterInfo, parameter_by_code, to_milli

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_READINGS_PER_MESSAGE = 1000
MAX_FUTURE_SKEW = timedelta(minutes=5)
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
STATION_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KEPT_PAYLOAD_CHARS = 64 * 1024


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    payload: bytes
    received_at: datetime


@dataclass
class IngestOutcome:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NewReading:
    """A validated reading in stored form: ids, a UTC time, thousandths of the unit."""

    station_id: int
    parameter_id: int
    time: datetime
    value_milli: int


class _Rejections:
    def __init__(self, session: Session, outcome: IngestOutcome) -> None:
        self._session = session
        self._outcome = outcome

    def add(
        self, message: IncomingMessage, station_code: str | None, payload: str, reason: str
    ) -> None:
        self._session.add(rejected_message(message, station_code, payload, reason))
        self._outcome.rejected += 1
        self._outcome.rejections.append(reason)


def rejected_message(
    message: IncomingMessage, station_code: str | None, payload: str, reason: str
) -> RejectedMessage:
    """A rejection as it can be stored: text from outside cut to size and made storable."""
    return RejectedMessage(
        received_at=message.received_at,
        topic=storable_text(message.topic[:300]),
        station_code=storable_text(station_code) if station_code is not None else None,
        payload=storable_text(payload[:KEPT_PAYLOAD_CHARS]),
        reason=storable_text(reason[:KEPT_PAYLOAD_CHARS]),
    )


def station_code_from_topic(topic: str, *, topic_prefix: str) -> str | None:
    """`{prefix}/readings/{station_code}` -> station_code, or None for any other topic."""
    head = f"{topic_prefix}/readings/"
    if not topic.startswith(head):
        return None
    code = topic.removeprefix(head)
    return code if STATION_CODE.match(code) else None


def ingest_messages(
    session: Session,
    *,
    messages: Sequence[IncomingMessage],
    topic_prefix: str,
    source: ReadingSource = ReadingSource.MQTT,
) -> IngestOutcome:
    """Validate and store a batch; idempotent for re-delivered messages.

    Flushes but never commits. Bad input never raises: it becomes a rejected_message row.
    """
    outcome = IngestOutcome()
    rejections = _Rejections(session, outcome)
    codes = {
        code
        for m in messages
        if (code := station_code_from_topic(m.topic, topic_prefix=topic_prefix)) is not None
    }
    rows = session.execute(select(Station.code, Station.id).where(Station.code.in_(codes)))
    station_ids: dict[str, int] = {row.code: row.id for row in rows}
    candidates: dict[tuple[int, int, datetime], NewReading] = {}
    for message in messages:
        for candidate in _parse_message(message, topic_prefix, station_ids, rejections):
            key = (candidate.station_id, candidate.parameter_id, candidate.time)
            if key in candidates:
                outcome.duplicates += 1
            else:
                candidates[key] = candidate
    inserted = _insert_new_readings(session, list(candidates.values()), source)
    outcome.accepted = len(inserted)
    outcome.duplicates += len(candidates) - len(inserted)
    _add_to_hourly_aggregates(session, inserted)
    _update_latest(session, inserted)
    session.flush()
    return outcome


def _parse_message(
    message: IncomingMessage,
    topic_prefix: str,
    station_ids: dict[str, int],
    rejections: _Rejections,
) -> list[NewReading]:
    text = message.payload[:KEPT_PAYLOAD_CHARS].decode("utf-8", errors="replace")
    code = station_code_from_topic(message.topic, topic_prefix=topic_prefix)
    if code is None:
        rejections.add(message, None, text, f"topic must be {topic_prefix}/readings/<station code>")
        return []
    if len(message.payload) > MAX_PAYLOAD_BYTES:
        rejections.add(message, code, text, f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
        return []
    station_id = station_ids.get(code)
    if station_id is None:
        rejections.add(message, code, text, f"unknown station {code!r}")
        return []
    try:
        document = json.loads(message.payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        rejections.add(message, code, text, f"payload is not JSON: {error}")
        return []
    items = document if isinstance(document, list) else [document]
    if not items:
        rejections.add(message, code, text, "payload is an empty list")
        return []
    if len(items) > MAX_READINGS_PER_MESSAGE:
        rejections.add(message, code, text, f"more than {MAX_READINGS_PER_MESSAGE} readings")
        return []
    accepted: list[NewReading] = []
    for position, item in enumerate(items):
        try:
            accepted.append(parse_reading(item, station_id=station_id, now=message.received_at))
        except InvalidInput as error:
            label = f"reading {position}: " if isinstance(document, list) else ""
            rejections.add(message, code, json.dumps(item, default=str), f"{label}{error}")
    return accepted


def parse_reading(item: Any, *, station_id: int, now: datetime) -> NewReading:
    """One JSON object -> a storable reading; raises InvalidInput with a readable reason."""
    if not isinstance(item, dict):
        raise InvalidInput("a reading must be a JSON object with parameter, value and time")
    try:
        payload = ReadingPayload.model_validate(item)
    except ValidationError as error:
        raise InvalidInput(_describe(error)) from None
    parameter = parameter_by_code(payload.parameter)
    if parameter is None:
        raise InvalidInput(f"unknown parameter {payload.parameter!r}")
    if payload.unit is not None and payload.unit != parameter.unit:
        raise InvalidInput(
            f"unit {payload.unit!r} does not match {parameter.code} unit {parameter.unit!r}"
        )
    value = Decimal(repr(payload.value))
    _check_range(parameter, value)
    moment = to_utc(payload.time)
    if moment > now + MAX_FUTURE_SKEW:
        raise InvalidInput(f"time {payload.time.isoformat()} is in the future")
    if moment < EARLIEST_TIME:
        raise InvalidInput(
            f"time {payload.time.isoformat()} is before 2000: is the device clock set?"
        )
    return NewReading(station_id, parameter.id, moment, to_milli(value))


def _check_range(parameter: ParameterInfo, value: Decimal) -> None:
    if not parameter.minimum <= value <= parameter.maximum:
        raise InvalidInput(
            f"value {value} {parameter.unit} outside the plausible range "
            f"{parameter.minimum}..{parameter.maximum} for {parameter.code}"
        )


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "reading"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


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


def _add_to_hourly_aggregates(session: Session, inserted: list[NewReading]) -> None:
    totals: dict[tuple[int, int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    for c in inserted:
        total = totals[(c.station_id, c.parameter_id, floor_hour(c.time))]
        total[0] += c.value_milli
        total[1] += 1
    if not totals:
        return
    statement = dialect_insert(session, HourlyAggregate)
    statement = statement.on_conflict_do_update(
        index_elements=["station_id", "parameter_id", "hour"],
        set_={
            "value_sum_milli": HourlyAggregate.value_sum_milli + statement.excluded.value_sum_milli,
            "reading_count": HourlyAggregate.reading_count + statement.excluded.reading_count,
        },
    )
    session.execute(
        statement,
        [
            {
                "station_id": s,
                "parameter_id": p,
                "hour": h,
                "value_sum_milli": v,
                "reading_count": n,
            }
            for (s, p, h), (v, n) in sorted(totals.items())
        ],
    )


def _update_latest(session: Session, inserted: list[NewReading]) -> None:
    newest: dict[tuple[int, int], NewReading] = {}
    for c in inserted:
        key = (c.station_id, c.parameter_id)
        if key not in newest or c.time > newest[key].time:
            newest[key] = c
    if not newest:
        return
    statement = dialect_insert(session, LatestReading)
    statement = statement.on_conflict_do_update(
        index_elements=["station_id", "parameter_id"],
        set_={"time": statement.excluded.time, "value_milli": statement.excluded.value_milli},
        where=statement.excluded.time > LatestReading.time,
    )
    session.execute(
        statement,
        [
            {"station_id": s, "parameter_id": p, "time": c.time, "value_milli": c.value_milli}
            for (s, p), c in sorted(newest.items())
        ],
    )
