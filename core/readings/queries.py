"""Reading stored readings back, within the limits a request may ask for."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import StationScope
from core.kit.errors import InvalidInput
from core.kit.time import to_utc
from core.models import QualityFlag, Reading
from core.readings.schemas import ReadingPublic
from core.standards.parameters import BY_ID, from_milli, parameter_by_code
from core.stations.service import get_station

MAX_READINGS_RANGE = timedelta(days=31)
DEFAULT_READINGS_RANGE = timedelta(hours=24)
MAX_READINGS_ROWS = 50_000


def list_readings(
    session: Session,
    *,
    station_code: str,
    parameter: str | None,
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    scope: StationScope,
) -> list[ReadingPublic]:
    """Readings of one station in [start, end), oldest first; `end` defaults to `now` and
    `start` to 24 hours before `end`.

    Raises NotFound for an unknown station or one outside the scope, and InvalidInput
    for a bad parameter or range (including times that cannot be expressed in UTC).
    """
    if (start is not None and start.tzinfo is None) or (end is not None and end.tzinfo is None):
        raise InvalidInput(
            "start and end must include a UTC offset, e.g. 2026-11-22T00:00:00+07:00"
        )
    end = to_utc(end) if end is not None else now
    if start is not None:
        start = to_utc(start)
    else:
        try:
            start = end - DEFAULT_READINGS_RANGE
        except OverflowError:
            raise InvalidInput("end is too early to count 24 hours back: give start") from None
    if start >= end:
        raise InvalidInput("start must be before end")
    if end - start > MAX_READINGS_RANGE:
        raise InvalidInput(f"at most {MAX_READINGS_RANGE.days} days per request")
    station = get_station(session, code=station_code, scope=scope)
    query = select(
        Reading.parameter_id,
        Reading.time,
        Reading.value_milli,
        Reading.quality_flag,
        Reading.corrected_milli,
    ).where(Reading.station_id == station.id, Reading.time >= start, Reading.time < end)
    if parameter is not None:
        info = parameter_by_code(parameter)
        if info is None:
            raise InvalidInput(f"unknown parameter {parameter!r}")
        query = query.where(Reading.parameter_id == info.id)
    query = query.order_by(Reading.time, Reading.parameter_id).limit(MAX_READINGS_ROWS)
    return [
        ReadingPublic(
            parameter=BY_ID[pid].code,
            unit=BY_ID[pid].unit,
            time=moment,
            value=float(from_milli(value)),
            quality_flag=flag,
            quality=QualityFlag(flag).name.lower(),
            corrected_value=float(from_milli(corrected)) if corrected is not None else None,
        )
        for pid, moment, value, flag, corrected in session.execute(query)
    ]
