"""Factories' periodic reports as pages: an operator uploads its report (the confirmation
with the rows stored, or the table of every row's error) and sees its reporting periods;
officials, the backbone and admins see every facility's late and missing reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from api.auth import require_roles
from api.routers.factory_reports import read_upload
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.compliance.service import list_facilities
from core.factory_reports.parsing import CSV_COLUMNS, RowError
from core.factory_reports.schemas import MAX_DUE_DAYS, FactoryReportDetail, ScheduleSet
from core.factory_reports.service import (
    SCHEDULERS,
    UPLOADERS,
    VIEWERS,
    ReportConflict,
    ReportRejected,
    facility_reports,
    get_report,
    reports_overview,
    set_schedule,
    upload_report,
)
from core.kit.db import RowId
from core.kit.errors import NotFound
from core.models import Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

viewers = require_roles(*VIEWERS)
uploaders = require_roles(*UPLOADERS)
schedulers = require_roles(*SCHEDULERS)

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
ROW_MESSAGES = {
    "not_utf8": N_(
        'The file is not UTF-8 text (byte %(byte)s): save it as "CSV UTF-8" or as JSON.'
    ),
    "empty": N_("The file is empty."),
    "nul": N_("Contains a NUL character: remove it."),
    "wrong_columns": N_("Wrong columns (%(problems)s). The header row must name: %(columns)s."),
    "no_rows": N_("The file has no measurement rows."),
    "field_count": N_("The row has %(fields)s fields; the header has %(header)s."),
    "period_differs": N_("Every row must give the same reporting period as row %(first_row)s."),
    "not_json": N_("The file is not valid JSON."),
    "json_fields": N_(
        "The JSON must be an object with period_start, period_end and measurements only."
    ),
    "not_an_object": N_("A measurement must be an object."),
    "unknown_field": N_("Unknown field: a measurement has %(fields)s."),
    "missing": N_("Missing."),
    "not_text": N_("Must be text."),
    "too_long": N_("Longer than %(max)s characters."),
    "not_a_date": N_("Not a date: write it as 2026-10-31."),
    "too_early": N_("Must be %(day)s or later."),
    "period_reversed": N_("The period ends before it starts."),
    "period_too_long": N_("A reporting period is at most %(days)s days."),
    "not_a_time": N_(
        "Not a date and time: write it with its UTC offset, as 2026-10-01T08:00:00+07:00."
    ),
    "no_offset": N_("Give the UTC offset, as 2026-10-01T08:00:00+07:00."),
    "not_a_number": N_("Not a number."),
    "not_finite": N_("Not a finite number."),
    "parameter": N_("Not reported here: use %(parameters)s."),
    "unit": N_("%(parameter)s is reported in %(unit)s."),
    "out_of_range": N_("Not plausible: the value must be between %(minimum)s and %(maximum)s."),
    "sample_reversed": N_("The sample must end after it starts."),
    "outside_period": N_("Outside the reporting period %(start)s to %(end)s."),
    "more": N_("And %(more)s more problems."),
    "not_scheduled": N_(
        "Not one of the facility's reporting periods (the first began on %(first)s)."
    ),
    "not_our_station": N_("Not one of this facility's stations: %(stations)s."),
    "time_refused": N_("This time is not accepted: %(reason)s."),
    "repeated_row": N_("The same station, measure and sampling start as row %(earlier)s."),
    "stored_differs": N_(
        "A different value, %(stored)s %(unit)s, is already stored for this station, measure "
        "and time: a report never changes a stored reading."
    ),
}
"""Each refusal of core.factory_reports in the page's language (the API answers in English)."""
SCHEDULE_FIELD_ERRORS = {
    "frequency": N_("Choose monthly, every three months or yearly."),
    "due_days": N_("A whole number of days from 0 to %(max)s."),
    "first_period_start": N_("The first day of a month, as 2026-01-01."),
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
    schedule_values: dict[str, str] | None = None,
    schedule_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    answer = facility_reports(
        page.session,
        principal=page.principal,
        facility_id=facility_id,
        now=page.now,
        zone=page.settings.zone,
    )
    shown_errors = [
        {
            "row": e.row,
            "column": e.column,
            "message": page.gettext(ROW_MESSAGES[e.code], **e.values)
            if e.code in ROW_MESSAGES
            else e.message,
        }
        for e in errors or []
    ]
    return page.render(
        "factory_reports.html",
        {
            "answer": answer,
            "accepted": accepted,
            "errors": shown_errors,
            "message": message,
            "may_upload": page.principal.has_role(*UPLOADERS),
            "may_schedule": page.principal.has_role(*SCHEDULERS),
            "schedule_values": schedule_values
            or (
                {
                    "frequency": answer.schedule.frequency,
                    "due_days": str(answer.schedule.due_days),
                    "first_period_start": answer.schedule.first_period_start.isoformat(),
                }
                if answer.schedule
                else {"frequency": "monthly", "due_days": "15", "first_period_start": ""}
            ),
            "schedule_errors": schedule_errors or {},
            "schedule_saved": page.request.query_params.get("schedule") == "saved",
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


@router.post(
    "/facilities/{facility_id}/periodic-reports/schedule",
    response_class=HTMLResponse,
    dependencies=[Depends(schedulers)],
)
def save_schedule(
    facility_id: RowId,
    page: PageDep,
    frequency: Annotated[str, Form()] = "",
    due_days: Annotated[str, Form()] = "",
    first_period_start: Annotated[str, Form()] = "",
) -> Response:
    """The backbone sets or changes when a facility reports; the page again with the reason
    beside each wrong field (422), or back to the page with the periods recomputed."""
    values = {
        "frequency": frequency,
        "due_days": due_days,
        "first_period_start": first_period_start,
    }
    try:
        data = ScheduleSet.model_validate(values)
    except ValidationError as error:
        wrong = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        errors = {
            field: page.gettext(message, max=MAX_DUE_DAYS)
            for field, message in SCHEDULE_FIELD_ERRORS.items()
            if field in wrong
        }
        return _facility_page(
            page,
            facility_id,
            schedule_values=values,
            schedule_errors=errors,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    set_schedule(
        page.session, actor=page.principal, facility_id=facility_id, data=data, now=page.now
    )
    return RedirectResponse(
        f"/facilities/{facility_id}/periodic-reports?schedule=saved#schedule-heading",
        status_code=status.HTTP_303_SEE_OTHER,
    )
