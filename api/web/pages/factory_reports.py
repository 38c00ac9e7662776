"""Factories' periodic reports as pages: an operator uploads its report (the confirmation
with the rows stored, or the table of every row's error) and sees its reporting periods;
officials, the backbone and admins see every facility's late and missing reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.auth import require_roles
from api.routers.factory_reports import read_upload
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.compliance.service import list_facilities
from core.factory_reports.parsing import CSV_COLUMNS, RowError
from core.factory_reports.schemas import FactoryReportDetail
from core.factory_reports.service import (
    UPLOADERS,
    VIEWERS,
    ReportConflict,
    ReportRejected,
    facility_reports,
    get_report,
    reports_overview,
    upload_report,
)
from core.kit.db import RowId
from core.kit.errors import NotFound
from core.models import Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

viewers = require_roles(*VIEWERS)
uploaders = require_roles(*UPLOADERS)

PERIOD_STATUS_NAMES = {
    "received_on_time": N_("Received on time"),
    "received_late": N_("Received late"),
    "missing": N_("Missing"),
    "not_yet_due": N_("Not yet due"),
}
FREQUENCY_NAMES = {
    "monthly": N_("Monthly"),
    "quarterly": N_("Every three months"),
    "yearly": N_("Yearly"),
}
WHOLE_FILE = N_("The whole file")
WHOLE_ROW = N_("The whole row")
NO_FILE = N_("Choose the report file first.")
TOO_LARGE = N_("The file is larger than %(size)s MB.")
ALREADY_REPORTED = N_(
    "A report for %(start)s to %(end)s was received on %(received)s. A report is never "
    "replaced: ask the backbone unit to correct it."
)


@router.get("/factory-reports", response_class=HTMLResponse, dependencies=[Depends(viewers)])
def factory_reports_index(page: PageDep) -> Response:
    """An operator goes straight to its own facility; the others see every facility."""
    if page.principal.has_role(Role.OPERATOR):
        facilities = list_facilities(page.session, principal=page.principal)
        if not facilities:
            raise NotFound("your organisation is not a facility")
        return RedirectResponse(f"/facilities/{facilities[0].id}/periodic-reports", status_code=303)
    lines = reports_overview(
        page.session, principal=page.principal, now=page.now, zone=page.settings.zone
    )
    return page.render(
        "factory_reports_index.html",
        {"lines": lines, "status_names": PERIOD_STATUS_NAMES, "frequencies": FREQUENCY_NAMES},
    )


def _facility_page(
    page: Page,
    facility_id: int,
    *,
    accepted: FactoryReportDetail | None = None,
    errors: list[RowError] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    answer = facility_reports(
        page.session,
        principal=page.principal,
        facility_id=facility_id,
        now=page.now,
        zone=page.settings.zone,
    )
    return page.render(
        "factory_reports.html",
        {
            "answer": answer,
            "accepted": accepted,
            "errors": errors or [],
            "message": message,
            "may_upload": page.principal.has_role(*UPLOADERS),
            "is_operator": page.principal.has_role(Role.OPERATOR),
            "status_names": PERIOD_STATUS_NAMES,
            "frequencies": FREQUENCY_NAMES,
            "columns": CSV_COLUMNS,
            "whole_file": WHOLE_FILE,
            "whole_row": WHOLE_ROW,
            "max_mb": f"{page.settings.storage.max_report_bytes / (1024 * 1024):g}",
        },
        status_code=status_code,
    )


@router.get(
    "/facilities/{facility_id}/periodic-reports",
    response_class=HTMLResponse,
    dependencies=[Depends(viewers)],
)
def factory_reports_page(facility_id: RowId, page: PageDep) -> HTMLResponse:
    return _facility_page(page, facility_id)


@router.post(
    "/facilities/{facility_id}/periodic-reports",
    response_class=HTMLResponse,
    dependencies=[Depends(uploaders)],
)
def upload_factory_report(
    facility_id: RowId,
    page: PageDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """The confirmation with every row stored, or the page again with the table of every
    row's error (422) or the period already reported (409); nothing is stored then."""
    if file is None or not file.filename:
        return _facility_page(
            page,
            facility_id,
            message=page.gettext(NO_FILE),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    max_bytes = page.settings.storage.max_report_bytes
    try:
        upload = read_upload(file, max_bytes)
    except HTTPException:
        return _facility_page(
            page,
            facility_id,
            message=page.gettext(TOO_LARGE, size=f"{max_bytes / (1024 * 1024):g}"),
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        )
    try:
        report = upload_report(
            page.session,
            actor=page.principal,
            facility_id=facility_id,
            upload=upload,
            storage_dir=page.settings.storage.dir,
            now=page.now,
            zone=page.settings.zone,
        )
    except ReportRejected as refused:
        return _facility_page(
            page,
            facility_id,
            errors=refused.errors,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    except ReportConflict as conflict:
        message = page.gettext(
            ALREADY_REPORTED,
            start=conflict.period_start.isoformat(),
            end=conflict.period_end.isoformat(),
            received=conflict.received_at.astimezone(page.settings.zone).strftime("%Y-%m-%d %H:%M"),
        )
        return _facility_page(
            page, facility_id, message=message, status_code=status.HTTP_409_CONFLICT
        )
    detail = get_report(
        page.session, principal=page.principal, facility_id=facility_id, report_id=report.id
    )
    return _facility_page(page, facility_id, accepted=detail)
