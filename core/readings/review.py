"""The backbone's review of quality control: the flagged readings and the conflicting
re-sends, and a verdict (valid or invalid, with a reason) that moves a reading into or out
of the rollups exactly and is audited.

Moving a reading takes its value and count out of (or puts them back into) its hour and adds
the change of the hour's rounded mean to its day, the same arithmetic as the ingest's, so
the rollups stay equal to a rebuild from the raw readings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.kit.errors import InvalidInput, NotFound
from core.kit.time import floor_hour, to_utc
from core.models import (
    LatestReading,
    QualityFlag,
    Reading,
    ReadingConflict,
    ReadingQuality,
    ReadingSource,
    Role,
    Station,
)
from core.quality.rules import RULE_REVIEW
from core.readings.late import record_touched_hours
from core.readings.rollups import HourDelta, add_to_hourly_and_daily
from core.readings.schemas import ConflictPublic, FlaggedReadingPublic, QualityName
from core.standards.parameters import BY_ID, ParameterInfo, from_milli, parameter_by_code

REVIEWERS = (Role.BACKBONE, Role.ADMIN)
MAX_LISTED = 500
FLAGS_BY_NAME = {"suspect": QualityFlag.SUSPECT, "invalid": QualityFlag.INVALID}


def quality_name(flag: int) -> QualityName:
    name: QualityName = QualityFlag(flag).name.lower()  # type: ignore[assignment]
    return name


def _value(milli: int | None) -> float | None:
    return float(from_milli(milli)) if milli is not None else None


def list_flagged(
    session: Session,
    *,
    flag: Literal["suspect", "invalid"] | None = None,
    station_code: str | None = None,
    reviewed: bool | None = None,
    limit: int = 200,
) -> list[FlaggedReadingPublic]:
    """Flagged or reviewed readings, newest first: `flag` picks suspect or invalid ones,
    `reviewed` False only those nobody has reviewed yet."""
    query = (
        select(ReadingQuality, Reading.value_milli, Reading.corrected_milli, Station)
        .join(
            Reading,
            (Reading.station_id == ReadingQuality.station_id)
            & (Reading.parameter_id == ReadingQuality.parameter_id)
            & (Reading.time == ReadingQuality.time),
        )
        .join(Station, Station.id == ReadingQuality.station_id)
    )
    if flag is not None:
        query = query.where(ReadingQuality.flag == FLAGS_BY_NAME[flag])
    if station_code is not None:
        query = query.where(Station.id == _station(session, station_code).id)
    if reviewed is not None:
        query = query.where(
            ReadingQuality.reviewed_at.is_not(None)
            if reviewed
            else ReadingQuality.reviewed_at.is_(None)
        )
    query = query.order_by(ReadingQuality.time.desc()).limit(min(limit, MAX_LISTED))
    return [
        _flagged_public(quality, station, value, corrected)
        for quality, value, corrected, station in session.execute(query)
    ]


def _flagged_public(
    quality: ReadingQuality, station: Station, value: int, corrected: int | None
) -> FlaggedReadingPublic:
    parameter = BY_ID[quality.parameter_id]
    return FlaggedReadingPublic(
        station=station.code,
        station_name=station.name,
        parameter=parameter.code,
        unit=parameter.unit,
        time=quality.time,
        value=float(from_milli(value)),
        corrected_value=_value(corrected),
        quality=quality_name(quality.flag),
        rule=quality.rule,
        detail=quality.detail,
        reviewed_by=quality.reviewed_by,
        reviewed_at=quality.reviewed_at,
        reason=quality.reason,
    )


def _station(session: Session, code: str) -> Station:
    station = session.scalars(select(Station).where(Station.code == code)).one_or_none()
    if station is None:
        raise NotFound(f"no station {code!r}")
    return station


def _parameter(code: str) -> ParameterInfo:
    info = parameter_by_code(code)
    if info is None:
        raise InvalidInput(f"unknown parameter {code!r}")
    return info


def review_reading(
    session: Session,
    *,
    actor: Principal,
    station_code: str,
    parameter: str,
    time: datetime,
    verdict: Literal["valid", "invalid"],
    reason: str,
    zone: ZoneInfo,
    now: datetime,
) -> FlaggedReadingPublic:
    """Mark one reading valid or invalid with a reason: its rollups follow (out of the hour's
    sum and count and into `invalid_count`, or back), the review is kept beside the reading
    and audited. Reviewing it again with the same verdict only updates the reason."""
    actor.require_role(*REVIEWERS)
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidInput("give a reason of at least 3 characters")
    if time.tzinfo is None:
        raise InvalidInput("time must include a UTC offset")
    station = _station(session, station_code)
    info = _parameter(parameter)
    moment = to_utc(time)
    query = select(Reading).where(
        Reading.station_id == station.id,
        Reading.parameter_id == info.id,
        Reading.time == moment,
    )
    reading = session.scalars(query.with_for_update()).one_or_none()
    if reading is None:
        raise NotFound(f"no {info.code} reading of {station.code} at {moment.isoformat()}")
    old = QualityFlag(reading.quality_flag)
    new = QualityFlag.VALID if verdict == "valid" else QualityFlag.INVALID
    _move_in_rollups(session, reading, old, new, zone, now=now)
    reading.quality_flag = int(new)
    if (old == QualityFlag.INVALID) != (new == QualityFlag.INVALID):
        _refresh_latest(session, reading.station_id, reading.parameter_id)
    quality = session.get(ReadingQuality, (station.id, info.id, moment))
    if quality is None:
        quality = ReadingQuality(
            station_id=station.id,
            parameter_id=info.id,
            time=moment,
            rule=RULE_REVIEW,
            detail="",
            flagged_at=now,
        )
        session.add(quality)
    before = {"quality": quality_name(old), "reason": quality.reason}
    quality.flag = int(new)
    quality.reviewed_by = actor.label[:400]
    quality.reviewed_at = now
    quality.reason = reason
    record_change(
        session,
        actor=actor,
        action="review_reading",
        entity="reading",
        entity_id=f"{station.code}/{info.code}/{moment.isoformat()}"[:64],
        before=before,
        after={"quality": verdict, "reason": reason},
    )
    session.flush()
    return _flagged_public(quality, station, reading.value_milli, reading.corrected_milli)


def _refresh_latest(session: Session, station_id: int, parameter_id: int) -> None:
    """The latest value is the newest reading not invalid: a review that takes the newest one
    out, or puts a newer one back, changes what the status pages show."""
    session.flush()
    newest = session.execute(
        select(Reading.time, Reading.value_milli)
        .where(
            Reading.station_id == station_id,
            Reading.parameter_id == parameter_id,
            Reading.quality_flag != int(QualityFlag.INVALID),
        )
        .order_by(Reading.time.desc())
        .limit(1)
    ).first()
    latest = session.get(LatestReading, (station_id, parameter_id))
    if newest is None:
        if latest is not None:
            session.delete(latest)
        return
    if latest is None:
        session.add(
            LatestReading(
                station_id=station_id,
                parameter_id=parameter_id,
                time=newest.time,
                value_milli=newest.value_milli,
            )
        )
    elif latest.time != newest.time:
        latest.time, latest.value_milli, latest.run_length = newest.time, newest.value_milli, 1


def _move_in_rollups(
    session: Session,
    reading: Reading,
    old: QualityFlag,
    new: QualityFlag,
    zone: ZoneInfo,
    *,
    now: datetime,
) -> None:
    """Only the step across `invalid` changes the sums; suspect and raw readings count.
    The alert check judges the windows holding a changed past hour again."""
    was_counted = old != QualityFlag.INVALID
    is_counted = new != QualityFlag.INVALID
    if was_counted == is_counted:
        return
    sign = 1 if is_counted else -1
    key = (reading.station_id, reading.parameter_id, floor_hour(reading.time))
    delta = HourDelta(sign * reading.value_milli, sign, -sign)
    add_to_hourly_and_daily(session, {key: delta}, zone=zone)
    if key[2] < floor_hour(now):
        record_touched_hours(session, {key: now})


def list_conflicts(
    session: Session, *, station_code: str | None = None, limit: int = 200
) -> list[ConflictPublic]:
    """Different values re-sent for stored readings, newest first, with the stored one."""
    query = (
        select(ReadingConflict, Station.code, Reading.quality_flag)
        .join(Station, Station.id == ReadingConflict.station_id)
        .join(
            Reading,
            (Reading.station_id == ReadingConflict.station_id)
            & (Reading.parameter_id == ReadingConflict.parameter_id)
            & (Reading.time == ReadingConflict.time),
        )
    )
    if station_code is not None:
        query = query.where(Station.id == _station(session, station_code).id)
    query = query.order_by(ReadingConflict.received_at.desc(), ReadingConflict.id.desc())
    return [
        ConflictPublic(
            id=conflict.id,
            station=code,
            parameter=BY_ID[conflict.parameter_id].code,
            unit=BY_ID[conflict.parameter_id].unit,
            time=conflict.time,
            stored_value=float(from_milli(conflict.stored_value_milli)),
            sent_value=float(from_milli(conflict.new_value_milli)),
            stored_quality=quality_name(flag),
            source=ReadingSource(conflict.source).name.lower(),
            received_at=conflict.received_at,
        )
        for conflict, code, flag in session.execute(query.limit(min(limit, MAX_LISTED)))
    ]
