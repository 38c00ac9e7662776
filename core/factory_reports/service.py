"""Receiving a facility's report, whole or not at all; reading reports and their schedule.

An upload is parsed and every row checked (format, the facility's own stations, readings
already stored) before anything is stored. With any error nothing is kept but the refusal,
recorded by `record_rejection` with source UPLOAD; otherwise the file is kept as sent, the
report and its rows are recorded, and the measurements go through `accept_readings` as
readings with source UPLOAD, so rollups and latest values follow as for any device.

A second report for a period that overlaps one already received is refused (409): stored
readings are never changed by a report, so a replacement could not undo the first one's
values. A correction goes through the backbone.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.compliance.service import FACILITY_VIEWERS, get_facility, list_facilities
from core.factory_reports.parsing import (
    CSV_MEDIA_TYPE,
    MAX_ERRORS,
    ParsedReport,
    ReportRow,
    RowError,
    parse_report,
)
from core.factory_reports.schedule import (
    PeriodStatus,
    Received,
    is_scheduled_period,
    judge_periods,
)
from core.factory_reports.schemas import (
    FacilityRef,
    FacilityReportsPublic,
    FacilityReportStatus,
    FactoryReportDetail,
    FactoryReportPublic,
    PeriodPublic,
    ReportRowPublic,
    SchedulePublic,
    ScheduleSet,
)
from core.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.kit.time import to_utc
from core.models import (
    FactoryReport,
    FactoryReportRow,
    FactoryReportSchedule,
    Organisation,
    Reading,
    ReadingSource,
    Role,
    Station,
    UserAccount,
)
from core.readings.pipeline import (
    CandidateReading,
    Rejection,
    accept_readings,
    judge,
    record_rejection,
)
from core.standards.parameters import BY_ID, from_milli, to_milli

UPLOADERS = (Role.OPERATOR, Role.BACKBONE, Role.ADMIN)
"""The facility's operators, and the backbone and admins who may stand in for them."""
VIEWERS = FACILITY_VIEWERS
SCHEDULERS = (Role.BACKBONE, Role.ADMIN)
REPORT_DIR = "factory-reports"
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.(csv|json)$")
MAX_ORIGINAL_NAME = 200


class ReportRejected(InvalidInput):
    """The whole report is refused; `errors` says where and why. The refusal's record is
    kept although the request fails."""

    keeps_changes = True

    def __init__(self, errors: list[RowError]) -> None:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            shown.append(
                RowError(None, None, f"and {more} more errors", "more", {"more": str(more)})
            )
        first = shown[0]
        where = f"row {first.row}: " if first.row is not None else ""
        super().__init__(
            f"the report was refused as a whole, nothing was stored: {len(errors)} "
            f"error{'s' if len(errors) != 1 else ''}, the first {where}{first.message}"
        )
        self.errors = shown


class ReportConflict(Conflict):
    """A report for an overlapping period exists (`earlier`); the refusal's record is kept."""

    keeps_changes = True

    def __init__(self, message: str, *, earlier: FactoryReport) -> None:
        super().__init__(message)
        self.period_start = earlier.period_start
        self.period_end = earlier.period_end
        self.received_at = earlier.received_at


@dataclass(frozen=True)
class Upload:
    data: bytes
    file_name: str


def _origin(facility_id: int) -> str:
    return f"POST /facilities/{facility_id}/reports"


def _refuse(
    session: Session, *, facility_id: int, upload: Upload, now: datetime, reason: str
) -> None:
    record_rejection(
        session,
        Rejection(
            received_at=now,
            origin=_origin(facility_id),
            payload=upload.data.decode("utf-8", errors="replace"),
            reason=reason,
        ),
        source=ReadingSource.UPLOAD,
    )


def upload_report(
    session: Session,
    *,
    actor: Principal,
    facility_id: int,
    upload: Upload,
    storage_dir: Path,
    now: datetime,
    zone: ZoneInfo,
) -> FactoryReportPublic:
    """Accepts the report whole, or raises ReportRejected (422, every row's error) or
    ReportConflict (409, a period already reported), having recorded the refusal."""
    actor.require_role(*UPLOADERS)
    facility = get_facility(session, principal=actor, facility_id=facility_id)
    if actor.user_id is None:
        raise Forbidden("reports are uploaded by a signed-in person")
    parsed = parse_report(upload.data, zone=zone)
    errors = list(parsed.errors)
    if parsed.period_start is not None and parsed.period_end is not None:
        earlier = _overlapping(session, facility.id, parsed.period_start, parsed.period_end)
        if earlier is not None:
            message = (
                f"a report for {earlier.period_start} to {earlier.period_end} was received on "
                f"{earlier.received_at.astimezone(zone):%Y-%m-%d %H:%M} (report {earlier.id}); "
                "a report is never replaced: ask the backbone to correct it"
            )
            _refuse(session, facility_id=facility.id, upload=upload, now=now, reason=message)
            raise ReportConflict(message, earlier=earlier)
        errors.extend(_schedule_errors(session, facility.id, parsed))
    stations = {
        s.code.lower(): s
        for s in session.scalars(select(Station).where(Station.organisation_id == facility.id))
    }
    candidates = _candidates(parsed.rows, stations, facility_id=facility.id, now=now, errors=errors)
    errors.extend(_conflicts_with_stored(session, candidates))
    if errors:
        errors.sort(key=lambda e: e.row if e.row is not None else 0)
        reason = "; ".join(
            (f"row {e.row}" if e.row is not None else "file")
            + (f" {e.column}" if e.column else "")
            + f": {e.message}"
            for e in errors[:20]
        )
        _refuse(session, facility_id=facility.id, upload=upload, now=now, reason=reason)
        raise ReportRejected(errors)
    assert parsed.period_start is not None
    assert parsed.period_end is not None
    return _store(
        session,
        actor=actor,
        facility=facility,
        parsed=parsed,
        candidates=candidates,
        upload=upload,
        storage_dir=storage_dir,
        now=now,
        zone=zone,
    )


def _overlapping(
    session: Session, facility_id: int, start: date, end: date
) -> FactoryReport | None:
    return session.scalar(
        select(FactoryReport)
        .where(
            FactoryReport.facility_id == facility_id,
            FactoryReport.period_start <= end,
            FactoryReport.period_end >= start,
        )
        .limit(1)
    )


def _schedule_errors(session: Session, facility_id: int, parsed: ParsedReport) -> list[RowError]:
    schedule = session.get(FactoryReportSchedule, facility_id)
    assert parsed.period_start is not None
    assert parsed.period_end is not None
    if schedule is None or is_scheduled_period(
        schedule.first_period_start, schedule.frequency, parsed.period_start, parsed.period_end
    ):
        return []
    return [
        RowError(
            None,
            "period_start",
            f"{parsed.period_start} to {parsed.period_end} is not one of this facility's "
            f"{schedule.frequency.value} reporting periods (from {schedule.first_period_start})",
            "not_scheduled",
            {"first": schedule.first_period_start.isoformat()},
        )
    ]


@dataclass(frozen=True)
class _Candidate:
    row: ReportRow
    station: Station
    reading: CandidateReading
    value_milli: int
    time: datetime


def _candidates(
    rows: list[ReportRow],
    stations: dict[str, Station],
    *,
    facility_id: int,
    now: datetime,
    errors: list[RowError],
) -> list[_Candidate]:
    """Each row as a reading of one of the facility's stations, judged as the pipeline
    judges every reading; a row naming the same reading as an earlier row is an error."""
    found: list[_Candidate] = []
    seen: dict[tuple[int, int, datetime], int] = {}
    own = ", ".join(sorted(s.code for s in stations.values())) or "none registered"
    for row in rows:
        station = stations.get(row.station.lower())
        if station is None:
            errors.append(
                RowError(
                    row.row,
                    "station",
                    f"{row.station!r} is not a station of this facility (its stations: {own})",
                    "not_our_station",
                    {"stations": own},
                )
            )
            continue
        reading = CandidateReading(
            station_id=station.id,
            station_code=station.code,
            parameter=row.parameter.code,
            value=row.value,
            time=row.sample_start,
            received_at=now,
            origin=_origin(facility_id),
            payload={"row": row.row},
        )
        try:
            judged = judge(reading)
        except InvalidInput as error:
            errors.append(
                RowError(
                    row.row, "sample_start", str(error), "time_refused", {"reason": str(error)}
                )
            )
            continue
        earlier = seen.get(judged.key)
        if earlier is not None:
            errors.append(
                RowError(
                    row.row,
                    None,
                    f"the same station, parameter and sample start as row {earlier}",
                    "repeated_row",
                    {"earlier": str(earlier)},
                )
            )
            continue
        seen[judged.key] = row.row
        found.append(_Candidate(row, station, reading, judged.value_milli, judged.time))
    return found


def _conflicts_with_stored(session: Session, candidates: list[_Candidate]) -> list[RowError]:
    """A row whose reading is stored already with another value would be dropped silently
    by the pipeline: it is an error instead. The same value is fine (stored once)."""
    groups: dict[tuple[int, int], list[_Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.station.id, candidate.row.parameter.id), []).append(candidate)
    errors: list[RowError] = []
    chunk = 500
    for (station_id, parameter_id), group in groups.items():
        for index in range(0, len(group), chunk):
            part = group[index : index + chunk]
            rows = session.execute(
                select(Reading.time, Reading.value_milli).where(
                    Reading.station_id == station_id,
                    Reading.parameter_id == parameter_id,
                    Reading.time.in_([c.time for c in part]),
                )
            ).all()
            stored = {row.time: row.value_milli for row in rows}
            for candidate in part:
                existing = stored.get(candidate.time)
                if existing is not None and existing != candidate.value_milli:
                    errors.append(_conflict(candidate, existing))
    return errors


def _conflict(candidate: _Candidate, existing: int) -> RowError:
    parameter = candidate.row.parameter
    return RowError(
        candidate.row.row,
        "value",
        f"{candidate.station.code} already has a {parameter.code} reading at "
        f"{candidate.row.sample_start.isoformat()} of {from_milli(existing)} {parameter.unit}, "
        f"not {candidate.row.value}: a stored reading is never changed by a report",
        "stored_differs",
        {"stored": str(from_milli(existing)), "unit": parameter.unit},
    )


def _write_file(data: bytes, *, storage_dir: Path, media_type: str) -> str:
    folder = storage_dir / REPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.{'csv' if media_type == CSV_MEDIA_TYPE else 'json'}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / name)
    return name


def _store(
    session: Session,
    *,
    actor: Principal,
    facility: Organisation,
    parsed: ParsedReport,
    candidates: list[_Candidate],
    upload: Upload,
    storage_dir: Path,
    now: datetime,
    zone: ZoneInfo,
) -> FactoryReportPublic:
    """The file first, then the rows: should the transaction fail, a file without a report
    is left behind, never a report without its file."""
    assert parsed.period_start is not None
    assert parsed.period_end is not None
    assert actor.user_id is not None
    file_name = _write_file(upload.data, storage_dir=storage_dir, media_type=parsed.media_type)
    try:
        report = FactoryReport(
            facility_id=facility.id,
            period_start=parsed.period_start,
            period_end=parsed.period_end,
            submitted_by=actor.user_id,
            received_at=now,
            file_name=file_name,
            original_name=_original_name(upload.file_name, parsed.media_type),
            content_type=parsed.media_type,
            size_bytes=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            row_count=len(candidates),
        )
        try:
            # A savepoint: another upload of the same period committed meanwhile is a
            # conflict, answered as one, not a server error.
            with session.begin_nested():
                session.add(report)
                session.flush()
        except IntegrityError:
            raise Conflict(
                f"a report for {report.period_start} to {report.period_end} was received "
                "a moment ago: a report is never replaced"
            ) from None
        session.add_all(
            FactoryReportRow(
                report_id=report.id,
                row_number=c.row.row,
                station_id=c.station.id,
                parameter_id=c.row.parameter.id,
                sample_start=c.time,
                sample_end=to_utc(c.row.sample_end),
                value_milli=to_milli(c.row.value),
                method=c.row.method,
            )
            for c in candidates
        )
        outcome = accept_readings(
            session, [c.reading for c in candidates], source=ReadingSource.UPLOAD, zone=zone
        )
    except Exception:
        (storage_dir / REPORT_DIR / file_name).unlink(missing_ok=True)
        raise
    record_change(
        session,
        actor=actor,
        action="create",
        entity="factory_report",
        entity_id=str(report.id),
        before=None,
        after={
            "facility_id": facility.id,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "sha256": report.sha256,
            "rows": report.row_count,
            "readings_stored": outcome.accepted,
        },
    )
    public = _public(report, submitted_by=actor.label)
    public.readings_stored = outcome.accepted
    return public


def _original_name(name: str, media_type: str) -> str:
    """The name the operator's computer gave, shown back to them; made storable."""
    cleaned = "".join(ch for ch in Path(name or "").name if ch.isprintable() and ch not in '"\\')
    cleaned = cleaned.encode("utf-8", "ignore").decode("utf-8")
    if not cleaned:
        cleaned = "report.csv" if media_type == CSV_MEDIA_TYPE else "report.json"
    return cleaned[:MAX_ORIGINAL_NAME]


def _public(report: FactoryReport, *, submitted_by: str) -> FactoryReportPublic:
    return FactoryReportPublic(
        id=report.id,
        facility_id=report.facility_id,
        period_start=report.period_start,
        period_end=report.period_end,
        submitted_by=submitted_by,
        received_at=report.received_at,
        original_name=report.original_name,
        content_type=report.content_type,
        size_bytes=report.size_bytes,
        sha256=report.sha256,
        row_count=report.row_count,
        file_url=f"/facilities/{report.facility_id}/reports/{report.id}/file",
    )


def _ref(facility: Organisation) -> FacilityRef:
    return FacilityRef(id=facility.id, name_th=facility.name_th, name_en=facility.name_en)


def _schedule_public(schedule: FactoryReportSchedule | None) -> SchedulePublic | None:
    if schedule is None:
        return None
    return SchedulePublic(
        frequency=schedule.frequency,
        due_days=schedule.due_days,
        first_period_start=schedule.first_period_start,
        updated_at=schedule.updated_at,
    )


def _reports(session: Session, facility_id: int) -> list[FactoryReportPublic]:
    rows = session.execute(
        select(FactoryReport, UserAccount.display_name)
        .join(UserAccount, UserAccount.id == FactoryReport.submitted_by)
        .where(FactoryReport.facility_id == facility_id)
        .order_by(FactoryReport.period_start.desc())
    )
    return [_public(report, submitted_by=name) for report, name in rows]


def _periods(
    schedule: FactoryReportSchedule | None,
    reports: list[FactoryReportPublic],
    *,
    now: datetime,
    zone: ZoneInfo,
) -> list[PeriodPublic]:
    if schedule is None:
        return []
    today = now.astimezone(zone).date()
    received = [Received(r.id, r.period_start, r.period_end, r.received_at) for r in reports]
    return [
        PeriodPublic(
            start=judged.period.start,
            end=judged.period.end,
            due=judged.period.due,
            status=judged.status,
            report_id=judged.report.report_id if judged.report else None,
        )
        for judged in judge_periods(
            schedule.first_period_start,
            schedule.frequency,
            schedule.due_days,
            received,
            today=today,
            zone=zone,
        )
    ]


def facility_reports(
    session: Session, *, principal: Principal, facility_id: int, now: datetime, zone: ZoneInfo
) -> FacilityReportsPublic:
    """The facility's reports and its schedule's periods, each with its status today."""
    facility = get_facility(session, principal=principal, facility_id=facility_id)
    schedule = session.get(FactoryReportSchedule, facility.id)
    reports = _reports(session, facility.id)
    return FacilityReportsPublic(
        facility=_ref(facility),
        schedule=_schedule_public(schedule),
        periods=_periods(schedule, reports, now=now, zone=zone),
        reports=reports,
    )


def _report_of(
    session: Session, *, principal: Principal, facility_id: int, report_id: int
) -> FactoryReport:
    facility = get_facility(session, principal=principal, facility_id=facility_id)
    report = session.get(FactoryReport, report_id)
    if report is None or report.facility_id != facility.id:
        raise NotFound(f"no report {report_id} of facility {facility_id}")
    return report


def get_report(
    session: Session, *, principal: Principal, facility_id: int, report_id: int
) -> FactoryReportDetail:
    report = _report_of(session, principal=principal, facility_id=facility_id, report_id=report_id)
    submitter = session.get(UserAccount, report.submitted_by)
    rows = session.execute(
        select(FactoryReportRow, Station.code)
        .join(Station, Station.id == FactoryReportRow.station_id)
        .where(FactoryReportRow.report_id == report.id)
        .order_by(FactoryReportRow.row_number)
    )
    public = _public(report, submitted_by=submitter.display_name if submitter else "")
    return FactoryReportDetail(
        **public.model_dump(),
        rows=[
            ReportRowPublic(
                row=row.row_number,
                station_code=code,
                parameter=BY_ID[row.parameter_id].code,
                unit=BY_ID[row.parameter_id].unit,
                value=float(from_milli(row.value_milli)),
                method=row.method,
                sample_start=row.sample_start,
                sample_end=row.sample_end,
            )
            for row, code in rows
        ],
    )


def report_file(
    session: Session,
    *,
    principal: Principal,
    facility_id: int,
    report_id: int,
    storage_dir: Path,
) -> tuple[Path, str, str]:
    """(file, media type, the name it was sent with) of a report as it was received."""
    report = _report_of(session, principal=principal, facility_id=facility_id, report_id=report_id)
    if not STORED_NAME.match(report.file_name):
        raise NotFound(f"the file of report {report_id} is missing from storage")
    path = storage_dir / REPORT_DIR / report.file_name
    if not path.is_file():
        raise NotFound(f"the file of report {report_id} is missing from storage")
    return path, report.content_type, report.original_name


def set_schedule(
    session: Session, *, actor: Principal, facility_id: int, data: ScheduleSet, now: datetime
) -> SchedulePublic:
    """Creates or changes a facility's schedule; audited with before and after."""
    actor.require_role(*SCHEDULERS)
    facility = get_facility(session, principal=actor, facility_id=facility_id)
    schedule = session.get(FactoryReportSchedule, facility.id)
    before = _schedule_public(schedule)
    if schedule is None:
        schedule = FactoryReportSchedule(facility_id=facility.id)
        session.add(schedule)
    schedule.frequency = data.frequency
    schedule.due_days = data.due_days
    schedule.first_period_start = data.first_period_start
    schedule.updated_at = now
    session.flush()
    after = _schedule_public(schedule)
    assert after is not None
    record_change(
        session,
        actor=actor,
        action="update" if before is not None else "create",
        entity="factory_report_schedule",
        entity_id=str(facility.id),
        before=before.model_dump(mode="json", exclude={"updated_at"}) if before else None,
        after=after.model_dump(mode="json", exclude={"updated_at"}),
    )
    return after


def reports_overview(
    session: Session, *, principal: Principal, now: datetime, zone: ZoneInfo
) -> list[FacilityReportStatus]:
    """Every facility the principal may see, with how many of its periods are missing,
    late, on time and not yet due, those with missing reports first."""
    lines = []
    for facility in list_facilities(session, principal=principal):
        answer = facility_reports(
            session, principal=principal, facility_id=facility.id, now=now, zone=zone
        )
        counts = dict.fromkeys(PeriodStatus, 0)
        for period in answer.periods:
            counts[period.status] += 1
        lines.append(
            FacilityReportStatus(
                facility=answer.facility,
                schedule=answer.schedule,
                missing=counts[PeriodStatus.MISSING],
                late=counts[PeriodStatus.RECEIVED_LATE],
                on_time=counts[PeriodStatus.RECEIVED_ON_TIME],
                not_yet_due=counts[PeriodStatus.NOT_YET_DUE],
                last_received_at=max((r.received_at for r in answer.reports), default=None),
                latest_period=answer.periods[0] if answer.periods else None,
            )
        )
    lines.sort(key=lambda line: (-line.missing, -line.late, line.facility.name_en))
    return lines
