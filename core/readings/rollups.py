"""Daily rollups over local days, kept from the hourly ones.

A daily row holds the sum of the day's hourly means and the number of hours with data; the
day is the local day (in the deployment's zone) in which the UTC hour starts. The ingest
keeps it in the same transaction as the readings: the hourly upsert returns each hour's new
sum and count, the sums just added give the old ones, and the change of the hour's rounded
mean (and whether the hour is new) is added to the day's row. Both upserts add, and the
hourly one locks its row, so concurrent writers each add their own change exactly once.

`rebuild_daily_rollups` recomputes every daily row from the hourly ones, for a new
migration or a changed time-zone setting; `rollup_state` records the zone they were built in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.kit.db import as_arrays, execute_arrays, insert_from_arrays
from core.kit.means import hourly_mean_milli
from core.models import DailyAggregate, HourlyAggregate, RollupState

log = logging.getLogger(__name__)

STATE_ROW = 1
REBUILD_CHUNK = 5000

HourKey = tuple[int, int, datetime]
DayKey = tuple[int, int, date]
Progress = Callable[[int, int], None]
"""Called with (hourly rows done, hourly rows in all)."""


def dialect_insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support for the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class HourDelta(NamedTuple):
    """What to add to an hour: to its sum and count (negative to take readings out) and to
    the readings left out as invalid."""

    value_sum_milli: int
    reading_count: int
    invalid_count: int = 0


@dataclass(frozen=True)
class HourChange:
    """What one hourly upsert did to an hour: its sum and count before and after."""

    station_id: int
    parameter_id: int
    hour: datetime
    old_sum_milli: int
    old_count: int
    new_sum_milli: int
    new_count: int
    invalid_change: int = 0

    @property
    def mean_change_milli(self) -> int:
        old = hourly_mean_milli(self.old_sum_milli, self.old_count) if self.old_count else 0
        new = hourly_mean_milli(self.new_sum_milli, self.new_count) if self.new_count else 0
        return new - old

    @property
    def hours_change(self) -> int:
        """+1 for an hour that now has data, -1 for one whose last reading was taken out."""
        return int(self.new_count > 0) - int(self.old_count > 0)


def add_to_hourly_and_daily(
    session: Session, added: Mapping[HourKey, HourDelta], *, zone: ZoneInfo
) -> None:
    """Add (sum, count, invalid) to their hours, then each hour's change to its day.

    Negative sums and counts take readings out of an hour (a reading flagged invalid on
    review); the daily rows take the change of the hour's rounded mean, so they stay equal
    to a rebuild from the hourly rows."""
    if not added:
        return
    rows = [(s, p, h, *delta) for (s, p, h), delta in sorted(added.items())]
    result: Iterable[Any]
    if session.get_bind().dialect.name == "postgresql":
        result = execute_arrays(session, _ADD_TO_HOURLY, as_arrays(rows, _HOURLY_COLUMNS))
    else:
        statement = dialect_insert(session, HourlyAggregate)
        upsert = statement.on_conflict_do_update(
            index_elements=["station_id", "parameter_id", "hour"],
            set_={
                "value_sum_milli": HourlyAggregate.value_sum_milli
                + statement.excluded.value_sum_milli,
                "reading_count": HourlyAggregate.reading_count + statement.excluded.reading_count,
                "invalid_count": HourlyAggregate.invalid_count + statement.excluded.invalid_count,
            },
        ).returning(
            HourlyAggregate.station_id,
            HourlyAggregate.parameter_id,
            HourlyAggregate.hour,
            HourlyAggregate.value_sum_milli,
            HourlyAggregate.reading_count,
        )
        result = session.execute(upsert, [dict(zip(_HOURLY_COLUMNS, r, strict=True)) for r in rows])
    changes = []
    for station_id, parameter_id, moment, value_sum, count in result:
        hour = moment.astimezone(UTC)
        delta = added[(station_id, parameter_id, hour)]
        changes.append(
            HourChange(
                station_id,
                parameter_id,
                hour,
                value_sum - delta.value_sum_milli,
                count - delta.reading_count,
                value_sum,
                count,
                delta.invalid_count,
            )
        )
    add_to_daily(session, changes, zone=zone)


def add_to_daily(session: Session, changes: Iterable[HourChange], *, zone: ZoneInfo) -> None:
    """Add hourly changes to the daily rows of their local days, creating missing rows."""
    deltas: dict[DayKey, list[int]] = {}
    for change in changes:
        key = (change.station_id, change.parameter_id, change.hour.astimezone(zone).date())
        delta = deltas.setdefault(key, [0, 0, 0])
        delta[0] += change.mean_change_milli
        delta[1] += change.hours_change
        delta[2] += change.invalid_change
    rows = [(s, p, d, m, n, i) for (s, p, d), (m, n, i) in sorted(deltas.items()) if m or n or i]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        execute_arrays(session, _ADD_TO_DAILY, as_arrays(rows, _DAILY_COLUMNS))
        return
    statement = dialect_insert(session, DailyAggregate)
    statement = statement.on_conflict_do_update(
        index_elements=["station_id", "parameter_id", "day"],
        set_={
            "hour_mean_sum_milli": DailyAggregate.hour_mean_sum_milli
            + statement.excluded.hour_mean_sum_milli,
            "hours_with_data": DailyAggregate.hours_with_data + statement.excluded.hours_with_data,
            "invalid_count": DailyAggregate.invalid_count + statement.excluded.invalid_count,
        },
    )
    session.execute(statement, [dict(zip(_DAILY_COLUMNS, r, strict=True)) for r in rows])


_HOURLY_COLUMNS = (
    "station_id",
    "parameter_id",
    "hour",
    "value_sum_milli",
    "reading_count",
    "invalid_count",
)
_ADD_TO_HOURLY = insert_from_arrays(
    "hourly_aggregate",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "hour": "timestamptz",
        "value_sum_milli": "bigint",
        "reading_count": "integer",
        "invalid_count": "integer",
    },
    "ON CONFLICT (station_id, parameter_id, hour) DO UPDATE"
    " SET value_sum_milli = hourly_aggregate.value_sum_milli + excluded.value_sum_milli,"
    " reading_count = hourly_aggregate.reading_count + excluded.reading_count,"
    " invalid_count = hourly_aggregate.invalid_count + excluded.invalid_count"
    " RETURNING station_id, parameter_id, hour, value_sum_milli, reading_count",
)
_DAILY_COLUMNS = (
    "station_id",
    "parameter_id",
    "day",
    "hour_mean_sum_milli",
    "hours_with_data",
    "invalid_count",
)
_ADD_TO_DAILY = insert_from_arrays(
    "daily_aggregate",
    {
        "station_id": "integer",
        "parameter_id": "smallint",
        "day": "date",
        "hour_mean_sum_milli": "bigint",
        "hours_with_data": "smallint",
        "invalid_count": "integer",
    },
    "ON CONFLICT (station_id, parameter_id, day) DO UPDATE"
    " SET hour_mean_sum_milli = daily_aggregate.hour_mean_sum_milli"
    " + excluded.hour_mean_sum_milli,"
    " hours_with_data = daily_aggregate.hours_with_data + excluded.hours_with_data,"
    " invalid_count = daily_aggregate.invalid_count + excluded.invalid_count",
)


@dataclass(frozen=True)
class RebuildReport:
    time_zone: str
    previous_zone: str | None
    hourly_rows: int
    daily_rows: int


def rollup_zone(session: Session) -> str | None:
    """The zone the daily rollups were built in, or None before the first build."""
    return session.scalar(select(RollupState.time_zone).where(RollupState.id == STATE_ROW))


def rebuild_daily_rollups(
    session: Session, zone: ZoneInfo, *, progress: Progress | None = None
) -> RebuildReport:
    """Recompute every daily row from the hourly rows, streaming them in key order, and record
    the zone. Runs in the caller's transaction, so readers see the old rows or the new ones."""
    if session.get_bind().dialect.name == "postgresql":
        # Ingest writers that have added to a day wait for this; their hourly additions are
        # then either in what is read below or added to the rebuilt rows after it.
        session.execute(text("LOCK TABLE daily_aggregate IN EXCLUSIVE MODE"))
    previous = rollup_zone(session)
    total = session.scalar(select(func.count()).select_from(HourlyAggregate)) or 0
    session.execute(delete(DailyAggregate))
    query = (
        select(
            HourlyAggregate.station_id,
            HourlyAggregate.parameter_id,
            HourlyAggregate.hour,
            HourlyAggregate.value_sum_milli,
            HourlyAggregate.reading_count,
            HourlyAggregate.invalid_count,
        )
        .where((HourlyAggregate.reading_count > 0) | (HourlyAggregate.invalid_count > 0))
        .order_by(HourlyAggregate.station_id, HourlyAggregate.parameter_id, HourlyAggregate.hour)
        .execution_options(yield_per=REBUILD_CHUNK)
    )
    done = days = 0
    current: DayKey | None = None
    pending: list[dict[str, Any]] = []
    mean_sum = hours = invalid = 0
    for row in session.execute(query):
        key = (row.station_id, row.parameter_id, row.hour.astimezone(zone).date())
        if key != current:
            if current is not None:
                pending.append(_daily_row(current, mean_sum, hours, invalid))
            current, mean_sum, hours, invalid = key, 0, 0, 0
        if row.reading_count > 0:
            mean_sum += hourly_mean_milli(row.value_sum_milli, row.reading_count)
            hours += 1
        invalid += row.invalid_count
        done += 1
        if len(pending) >= REBUILD_CHUNK:
            days += _flush(session, pending)
            if progress is not None:
                progress(done, total)
    if current is not None:
        pending.append(_daily_row(current, mean_sum, hours, invalid))
    days += _flush(session, pending)
    if progress is not None:
        progress(done, total)
    record_rollup_zone(session, zone)
    return RebuildReport(str(zone.key), previous, done, days)


def _daily_row(key: DayKey, mean_sum: int, hours: int, invalid: int) -> dict[str, Any]:
    station_id, parameter_id, day = key
    return {
        "station_id": station_id,
        "parameter_id": parameter_id,
        "day": day,
        "hour_mean_sum_milli": mean_sum,
        "hours_with_data": hours,
        "invalid_count": invalid,
    }


def _flush(session: Session, pending: list[dict[str, Any]]) -> int:
    if not pending:
        return 0
    count = len(pending)
    session.execute(insert(DailyAggregate), pending)
    pending.clear()
    return count


def record_rollup_zone(session: Session, zone: ZoneInfo) -> None:
    statement = dialect_insert(session, RollupState).values(
        id=STATE_ROW, time_zone=zone.key, rebuilt_at=datetime.now(UTC)
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "time_zone": statement.excluded.time_zone,
                "rebuilt_at": statement.excluded.rebuilt_at,
            },
        )
    )


def ensure_daily_rollups(
    session: Session, zone: ZoneInfo, *, progress: Progress | None = None
) -> RebuildReport | None:
    """Rebuild the daily rollups when they were built in another zone or never; None when
    they already fit."""
    if rollup_zone(session) == zone.key:
        return None
    report = rebuild_daily_rollups(session, zone, progress=progress)
    log.info(
        "daily rollups rebuilt in %s (were %s): %d hourly rows into %d days",
        report.time_zone,
        report.previous_zone or "never built",
        report.hourly_rows,
        report.daily_rows,
    )
    return report
