""" "Fixed" only when the data agree: the measured change at the complaint's stations since
it was closed as fixed, and the follow-up four weeks later asking the reporter whether it is
still fixed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.complaints.notify import tell_reporter
from core.complaints.schemas import MeasuredChange
from core.kit.means import hourly_mean_milli
from core.models import Complaint, ComplaintStatus, ComplaintUpdate, HourlyAggregate, Station
from core.standards.parameters import BY_CODE, from_milli

BEFORE = timedelta(days=7)
"""The baseline: the week before the complaint."""
FOLLOW_UP_AFTER = timedelta(weeks=4)
FOLLOW_UP_NOTE = "asked the reporter whether it is still fixed"
STILL_FIXED_NOTE = "the reporter says it is still fixed"
SYSTEM_AUTHOR = "dustwatch"
FOLLOW_UP_QUESTION = (
    "ผ่านไปสี่สัปดาห์แล้ว ปัญหายังได้รับการแก้ไขอยู่หรือไม่ ตอบได้ที่ลิงก์ส่วนตัว"
    " / Four weeks on: is it still fixed? Answer through your private link."
)


def _mean_of_hourly_means(
    session: Session, station_ids: list[int], parameter_id: int, start: datetime, end: datetime
) -> tuple[float | None, int]:
    rows = list(
        session.scalars(
            select(HourlyAggregate).where(
                HourlyAggregate.station_id.in_(station_ids),
                HourlyAggregate.parameter_id == parameter_id,
                HourlyAggregate.hour >= start,
                HourlyAggregate.hour < end,
            )
        )
    )
    means = [
        hourly_mean_milli(row.value_sum_milli, row.reading_count)
        for row in rows
        if row.reading_count
    ]
    if not means:
        return None, 0
    return float(from_milli(round(sum(means) / len(means)))), len(means)


def measured_change(
    session: Session,
    *,
    evidence: list[dict[str, Any]],
    observed_at: datetime,
    fixed_at: datetime | None,
    now: datetime,
) -> list[MeasuredChange]:
    """Per parameter, at the public stations of the evidence: the week before the complaint
    against the time since the fix. Empty until fixed."""
    if fixed_at is None:
        return []
    codes_by_parameter: dict[str, set[str]] = defaultdict(set)
    for item in evidence:
        if item.get("public"):
            codes_by_parameter[str(item["parameter"])].add(str(item["station"]))
    all_codes = {code for codes in codes_by_parameter.values() for code in codes}
    if not all_codes:
        return []
    ids = {
        s.code: s.id for s in session.scalars(select(Station).where(Station.code.in_(all_codes)))
    }
    changes = []
    for parameter in sorted(codes_by_parameter):
        info = BY_CODE.get(parameter)
        codes = sorted(c for c in codes_by_parameter[parameter] if c in ids)
        if info is None or not codes:
            continue
        station_ids = [ids[c] for c in codes]
        before, hours_before = _mean_of_hourly_means(
            session, station_ids, info.id, observed_at - BEFORE, observed_at
        )
        since, hours_since = _mean_of_hourly_means(session, station_ids, info.id, fixed_at, now)
        percent = (
            round((since - before) / before * 100, 1)
            if before is not None and since is not None and before > 0
            else None
        )
        changes.append(
            MeasuredChange(
                parameter=info.code,
                unit=info.unit,
                stations=codes,
                before=before,
                since=since,
                change_percent=percent,
                hours_before=hours_before,
                hours_since=hours_since,
            )
        )
    return changes


def follow_up_due(complaint: Complaint, *, now: datetime) -> bool:
    """Fixed four weeks ago or more (exactly four weeks counts)."""
    return (
        complaint.status is ComplaintStatus.FIXED
        and complaint.fixed_at is not None
        and now - complaint.fixed_at >= FOLLOW_UP_AFTER
    )


def due_follow_ups(session: Session, now: datetime) -> list[Complaint]:
    """Complaints fixed at least four weeks ago whose reporter has not been asked yet."""
    return list(
        session.scalars(
            select(Complaint)
            .where(
                Complaint.status == ComplaintStatus.FIXED,
                Complaint.fixed_at <= now - FOLLOW_UP_AFTER,
                Complaint.follow_up_asked_at.is_(None),
            )
            .order_by(Complaint.fixed_at, Complaint.id)
        )
    )


def ask_follow_ups(session: Session, *, now: datetime) -> int:
    """Marks each due complaint as asked, with an update the reporter sees on the private
    link page (where the question is shown); the count asked."""
    asked = due_follow_ups(session, now)
    for complaint in asked:
        complaint.follow_up_asked_at = now
        session.add(
            ComplaintUpdate(
                complaint_id=complaint.id,
                status_before=complaint.status,
                status=complaint.status,
                organisation_id=complaint.organisation_id,
                note=FOLLOW_UP_NOTE,
                public=False,
                author=SYSTEM_AUTHOR,
                created_at=now,
            )
        )
        if complaint.contact_email:
            tell_reporter(session, complaint, note=FOLLOW_UP_QUESTION, now=now)
        record_change(
            session,
            actor=Principal(label=SYSTEM_AUTHOR),
            action="follow_up",
            entity="complaint",
            entity_id=complaint.public_id,
            before=None,
            after={"follow_up_asked_at": now.isoformat()},
        )
    session.flush()
    return len(asked)
