"""The native JSON format, the same on MQTT and HTTP: one reading object or a list of them,
`{"parameter": "pm10", "value": 87.5, "time": "2026-11-22T12:00:00+07:00", "unit": "ug/m3"}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from core.readings.pipeline import KEPT_PAYLOAD_CHARS, CandidateReading, Rejection
from core.readings.schemas import ReadingPayload

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_READINGS_PER_MESSAGE = 1000


@dataclass
class Parsed:
    """What a parser made of one message: candidates and refusals."""

    candidates: list[CandidateReading] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def payload_text(payload: bytes) -> str:
    """The start of a payload as text, for keeping with a rejection."""
    return payload[:KEPT_PAYLOAD_CHARS].decode("utf-8", errors="replace")


def parse_native(
    payload: bytes,
    *,
    station_id: int,
    station_code: str,
    received_at: datetime,
    origin: str,
) -> Parsed:
    """One native JSON message for a known station; bad input becomes a Rejection."""
    parsed = Parsed()

    def refuse(reason: str, text: str | None = None) -> Parsed:
        parsed.rejections.append(
            Rejection(
                received_at=received_at,
                origin=origin,
                payload=payload_text(payload) if text is None else text,
                reason=reason,
                station_code=station_code,
            )
        )
        return parsed

    if len(payload) > MAX_PAYLOAD_BYTES:
        return refuse(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return refuse(f"payload is not JSON: {error}")
    items = document if isinstance(document, list) else [document]
    if not items:
        return refuse("payload is an empty list")
    if len(items) > MAX_READINGS_PER_MESSAGE:
        return refuse(f"more than {MAX_READINGS_PER_MESSAGE} readings")
    for position, item in enumerate(items):
        label = f"reading {position}: " if isinstance(document, list) else ""
        try:
            reading = _reading(item)
        except ValueError as error:
            refuse(f"{label}{error}", json.dumps(item, default=str))
            continue
        parsed.candidates.append(
            CandidateReading(
                station_id=station_id,
                station_code=station_code,
                parameter=reading.parameter,
                value=Decimal(repr(reading.value)),
                time=reading.time,
                unit=reading.unit,
                backfill=reading.backfill,
                received_at=received_at,
                origin=origin,
                payload=item,
                label=label,
            )
        )
    return parsed


def _reading(item: Any) -> ReadingPayload:
    if not isinstance(item, dict):
        raise ValueError("a reading must be a JSON object with parameter, value and time")
    try:
        return ReadingPayload.model_validate(item)
    except ValidationError as error:
        raise ValueError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "reading"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)
