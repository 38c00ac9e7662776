"""Late readings: the hours they touched are kept for the alert check to judge again.

The alert check judges the 24-hour window that ends at the start of the current hour, over
and over while the hour lasts. A reading for an earlier clock hour than the one it arrived
in is late: some windows holding it may have ended before it came and are never judged
again by that check. The hours such readings touch are recorded here, in the transaction
that stores them; `core.alerts` reads and deletes them. A reading of the hour it arrives in
is not late: every window holding it ends at or after the next hour starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from core.kit.db import as_arrays, execute_arrays, insert_from_arrays
from core.kit.time import floor_hour
from core.models import PendingEvaluation

HourKey = tuple[int, int, datetime]
"""(station id, parameter id, UTC start of the hour)."""
TouchedReading = tuple[int, int, datetime, datetime]
"""(station id, parameter id, UTC time of the reading, when it was received)."""


def is_late(time: datetime, received_at: datetime) -> bool:
    """Whether a reading came after the clock hour it belongs to had ended."""
    return floor_hour(time.astimezone(UTC)) < floor_hour(received_at.astimezone(UTC))


def record_late_hours(session: Session, readings: Iterable[TouchedReading]) -> int:
    """Record each hour that late readings touched once; returns how many hours."""
    hours: dict[HourKey, datetime] = {}
    for station_id, parameter_id, time, received_at in readings:
        if is_late(time, received_at):
            key = (station_id, parameter_id, floor_hour(time.astimezone(UTC)))
            hours[key] = min(hours.get(key, received_at), received_at)
    record_touched_hours(session, hours)
    return len(hours)


def record_touched_hours(session: Session, hours: Mapping[HourKey, datetime]) -> None:
    """Ask the alert check to judge again the ended windows holding these hours (each with
    when it was touched): for late readings, and for any other change to a past hour's sum.

    An hour already waiting gets its generation raised, so a check judging it right now
    does not delete it and it is judged again with this change.
    """
    if not hours:
        return
    rows = [(s, p, h, at) for (s, p, h), at in sorted(hours.items())]  # one lock order
    if session.get_bind().dialect.name == "postgresql":
        execute_arrays(session, _RECORD_HOURS, as_arrays(rows, _COLUMNS))
        return
    table = PendingEvaluation
    statement = sqlite.insert(table)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["station_id", "parameter_id", "hour"],
            set_={"generation": table.generation + 1},
        ),
        [dict(zip(_COLUMNS, row, strict=True)) for row in rows],
    )


_COLUMNS = ("station_id", "parameter_id", "hour", "recorded_at")
_RECORD_HOURS = insert_from_arrays(
    "pending_evaluation",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "hour": "timestamptz",
        "recorded_at": "timestamptz",
    },
    "ON CONFLICT (station_id, parameter_id, hour) DO UPDATE"
    " SET generation = pending_evaluation.generation + 1",
)
