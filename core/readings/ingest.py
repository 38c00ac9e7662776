"""The MQTT adapter over the acceptance pipeline: `{prefix}/readings/{station}` + native JSON.

Every message is judged reading by reading (core/readings/pipeline.py): what passes is
stored once, keyed by (station, parameter, time), and what does not is kept in
`rejected_message` with the reason. Nothing here commits; the caller's transaction covers
the whole batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ReadingSource, Station
from core.readings.native import MAX_PAYLOAD_BYTES, Parsed, parse_native, payload_text
from core.readings.pipeline import IngestOutcome, Rejection, accept_readings

__all__ = ["IncomingMessage", "IngestOutcome", "ingest_messages", "station_code_from_topic"]

STATION_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    payload: bytes
    received_at: datetime
    redelivered: bool = False
    """The broker sent it again (DUP after a crash, or retained): a refusal of it that is
    kept already is not recorded again."""


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
    zone: ZoneInfo,
    source: ReadingSource = ReadingSource.MQTT,
) -> IngestOutcome:
    """Validate and store a batch; idempotent for re-delivered messages. `zone` is the
    deployment's time zone, whose local days the daily rollups count.

    Flushes but never commits. Bad input never raises: it becomes a rejected_message row.
    """
    codes = {
        code
        for m in messages
        if (code := station_code_from_topic(m.topic, topic_prefix=topic_prefix)) is not None
    }
    rows = session.execute(select(Station.code, Station.id).where(Station.code.in_(codes)))
    station_ids: dict[str, int] = {row.code: row.id for row in rows}
    parsed = Parsed()
    for message in messages:
        one = _parse_message(message, topic_prefix, station_ids)
        parsed.candidates.extend(one.candidates)
        parsed.rejections.extend(one.rejections)
    return accept_readings(
        session, parsed.candidates, rejections=parsed.rejections, source=source, zone=zone
    )


def mqtt_rejection(message: IncomingMessage, reason: str, station_code: str | None) -> Rejection:
    """A whole MQTT message refused, as the pipeline records it."""
    return Rejection(
        received_at=message.received_at,
        origin=message.topic,
        payload=payload_text(message.payload),
        reason=reason,
        station_code=station_code,
        redelivered=message.redelivered,
    )


def _parse_message(
    message: IncomingMessage, topic_prefix: str, station_ids: dict[str, int]
) -> Parsed:
    code = station_code_from_topic(message.topic, topic_prefix=topic_prefix)
    if code is None:
        reason = f"topic must be {topic_prefix}/readings/<station code>"
        return Parsed(rejections=[mqtt_rejection(message, reason, None)])
    if len(message.payload) > MAX_PAYLOAD_BYTES:
        reason = f"payload larger than {MAX_PAYLOAD_BYTES} bytes"
        return Parsed(rejections=[mqtt_rejection(message, reason, code)])
    station_id = station_ids.get(code)
    if station_id is None:
        return Parsed(rejections=[mqtt_rejection(message, f"unknown station {code!r}", code)])
    parsed = parse_native(
        message.payload,
        station_id=station_id,
        station_code=code,
        received_at=message.received_at,
        origin=message.topic,
    )
    if message.redelivered:
        parsed.candidates = [replace(c, redelivered=True) for c in parsed.candidates]
        parsed.rejections = [replace(r, redelivered=True) for r in parsed.rejections]
    return parsed
