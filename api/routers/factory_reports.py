"""Factories' periodic reports: upload (CSV or JSON, accepted whole or refused whole with
every row's error), the list with the schedule's periods, one report and its file, and the
schedule the backbone sets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep, SettingsDep
from api.errors import FieldError, error_response
from core.factory_reports.parsing import RowError
from core.factory_reports.schemas import (
    FacilityReportsPublic,
    FactoryReportDetail,
    FactoryReportPublic,
    SchedulePublic,
    ScheduleSet,
)
from core.factory_reports.service import (
    SCHEDULERS,
    UPLOADERS,
    VIEWERS,
    ReportRejected,
    Upload,
    facility_reports,
    get_report,
    report_file,
    set_schedule,
    upload_report,
)
from core.kit.db import RowId

FACTORY_REPORT_PATHS = r"/facilities/[0-9]+/(reports|periodic-reports)"
"""The paths that take a report file: the API's and the page's."""

router = APIRouter(prefix="/facilities", tags=["factory reports"])

uploaders = require_roles(*UPLOADERS)
viewers = require_roles(*VIEWERS)
schedulers = require_roles(*SCHEDULERS)


def read_upload(file: UploadFile, max_bytes: int) -> Upload:
    """At most one byte over the limit is read: enough to refuse it (413)."""
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the report file is larger than {max_bytes} bytes",
        )
    return Upload(data=data, file_name=file.filename or "")


def row_errors(errors: list[RowError]) -> list[FieldError]:
    return [
        FieldError(
            field="file"
            + (f".row {e.row}" if e.row is not None else "")
            + (f".{e.column}" if e.column else ""),
            message=e.message,
            row=e.row,
            column=e.column,
        )
        for e in errors
    ]


@router.post(
    "/{facility_id}/reports",
    response_model=FactoryReportPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(uploaders)],
)
def post_factory_report(
    facility_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile, File(description="the report, CSV (UTF-8) or JSON; see the README")
    ],
) -> FactoryReportPublic | JSONResponse:
    """Upload a facility's periodic report (multipart form, field `file`). It is accepted
    whole (201: its measurements become readings with source `upload`) or refused whole
    (422, nothing stored, `errors` with `row`, `column` and `message` for every problem).
    409 when a report for an overlapping period was received already: reports are never
    replaced. The facility's operators, the backbone and admins; another facility is 404."""
    upload = read_upload(file, settings.storage.max_report_bytes)
    try:
        return upload_report(
            session,
            actor=principal,
            facility_id=facility_id,
            upload=upload,
            storage_dir=settings.storage.dir,
            now=datetime.now(UTC),
            zone=settings.zone,
        )
    except ReportRejected as refused:
        # Answered here, not raised: the refusal's record is committed with the request.
        return error_response(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(refused), errors=row_errors(refused.errors)
        )


@router.get(
    "/{facility_id}/reports",
    response_model=FacilityReportsPublic,
    dependencies=[Depends(viewers)],
)
def get_factory_reports(
    facility_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> FacilityReportsPublic:
    """A facility's reports, newest period first, and its schedule's periods with their
    status today: `received_on_time`, `received_late`, `missing` (due day passed without a
    report) or `not_yet_due`."""
    return facility_reports(
        session,
        principal=principal,
        facility_id=facility_id,
        now=datetime.now(UTC),
        zone=settings.zone,
    )


@router.get(
    "/{facility_id}/reports/{report_id}",
    response_model=FactoryReportDetail,
    dependencies=[Depends(viewers)],
)
def get_factory_report(
    facility_id: RowId, report_id: RowId, session: SessionDep, principal: PrincipalDep
) -> FactoryReportDetail:
    """One report with its rows as received."""
    return get_report(session, principal=principal, facility_id=facility_id, report_id=report_id)


@router.get(
    "/{facility_id}/reports/{report_id}/file",
    response_class=FileResponse,
    dependencies=[Depends(viewers)],
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
)
def get_factory_report_file(
    facility_id: RowId,
    report_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> FileResponse:
    """The report's file exactly as it was uploaded (its sha256 is in the report)."""
    path, media_type, name = report_file(
        session,
        principal=principal,
        facility_id=facility_id,
        report_id=report_id,
        storage_dir=settings.storage.dir,
    )
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        headers={"Cache-Control": "private, no-store"},
    )


@router.put(
    "/{facility_id}/report-schedule",
    response_model=SchedulePublic,
    dependencies=[Depends(schedulers)],
)
def put_report_schedule(
    facility_id: RowId, data: ScheduleSet, session: SessionDep, principal: PrincipalDep
) -> SchedulePublic:
    """Set how often the facility reports (monthly, quarterly, yearly), from which first
    period, and how many days after a period's end the report is due. Audited."""
    return set_schedule(
        session, actor=principal, facility_id=facility_id, data=data, now=datetime.now(UTC)
    )
