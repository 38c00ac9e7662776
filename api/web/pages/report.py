"""The phone form `/report`: a volunteer reports what they see (visible dust, a truck without
a cover, burning, a strong smell), with a photo, or types in a reading of a station they
keep. Works without JavaScript; the location button only fills in the point."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError

from api.auth import require_roles
from api.uploads import read_photo, storage_of
from api.web.forms import field_errors
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.report_forms import BAD_TIME, REFUSALS, local_input, parse_local
from api.web.routing import PageRoute
from core.kit.errors import Conflict, Forbidden, NotFound
from core.models import ObservationKind
from core.reports.errors import ReportRefused
from core.reports.schemas import MAX_NOTE_CHARS, ManualReadingCreate, ObservationCreate
from core.reports.service import (
    REPORTERS,
    report_observation,
    report_reading,
    stations_to_report_for,
    villages,
)
from core.standards.parameters import PARAMETERS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

reporters = require_roles(*REPORTERS)
READING = "reading"

KIND_NAMES = {
    ObservationKind.VISIBLE_DUST: N_("Visible dust"),
    ObservationKind.UNCOVERED_TRUCK: N_("Truck without a cover"),
    ObservationKind.BURNING: N_("Burning"),
    ObservationKind.STRONG_SMELL: N_("Strong smell"),
    ObservationKind.OTHER: N_("Something else"),
}
PLACE_NEEDED = N_("Choose a village, or use your location.")
NOT_YOURS = N_("You do not keep this station.")
ALREADY = N_("This station already has a reading of this measure at this time.")
FIELD_OF = {"observed_at": "time", "": "village", "station_code": "station_code"}


def _report_page(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form: str = "observation",
    status_code: int | None = None,
) -> HTMLResponse:
    """The form; with errors, 422 unless `status_code` says otherwise."""
    now_input = local_input(page.now, page)
    return page.render(
        "report.html",
        {
            "kinds": [(kind.value, KIND_NAMES[kind]) for kind in ObservationKind],
            "villages": villages(page.session, actor=page.principal),
            "stations": stations_to_report_for(page.session, actor=page.principal),
            "parameters": [p.code for p in PARAMETERS],
            "values": {"time": now_input} | (values or {}),
            "errors": errors or {},
            "form": form,
            "now_input": now_input,
            "max_note": MAX_NOTE_CHARS,
            "max_photo_mb": f"{page.settings.storage.max_photo_bytes / (1024 * 1024):g}",
        },
        status_code=status_code or (status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200),
    )


@router.get("/report", response_class=HTMLResponse, dependencies=[Depends(reporters)])
def report_form(page: PageDep) -> HTMLResponse:
    return _report_page(page)


def _validated(page: Page, model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model.model_validate({k: v for k, v in values.items() if v not in (None, "")})
    except ValidationError as error:
        found = field_errors(error, page)
        errors = {FIELD_OF.get(name, name): message for name, message in found.items()}
        if "" in found:
            errors["village"] = page.gettext(PLACE_NEEDED)
        return errors


@router.post("/report", response_class=HTMLResponse, dependencies=[Depends(reporters)])
def submit_report(
    page: PageDep,
    kind: Annotated[str, Form()] = "",
    village: Annotated[str, Form()] = "",
    latitude: Annotated[str, Form()] = "",
    longitude: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    station_code: Annotated[str, Form()] = "",
    parameter: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Answers with a confirmation page, or the form again with the reason beside the field
    (422); nothing is stored unless everything is right."""
    form = READING if kind == READING else "observation"
    shown = {
        "kind": kind,
        "village": village,
        "latitude": latitude,
        "longitude": longitude,
        "time": time,
        "note": note,
        "station_code": station_code,
        "parameter": parameter,
        "value": value,
    }
    try:
        moment = parse_local(time, page)
    except ValueError:
        return _report_page(page, values=shown, errors={"time": page.gettext(BAD_TIME)}, form=form)
    if form == READING:
        data = _validated(
            page,
            ManualReadingCreate,
            {"station_code": station_code, "parameter": parameter, "value": value, "time": moment},
        )
    else:
        data = _validated(
            page,
            ObservationCreate,
            {
                "kind": kind,
                "village": village,
                "latitude": latitude,
                "longitude": longitude,
                "observed_at": moment,
                "note": note,
            },
        )
    if isinstance(data, dict):
        return _report_page(page, values=shown, errors=data, form=form)
    storage = storage_of(page.settings)
    try:
        with page.session.begin_nested():
            if isinstance(data, ManualReadingCreate):
                receipt = report_reading(
                    page.session,
                    actor=page.principal,
                    data=data,
                    now=page.now,
                    zone=page.settings.zone,
                )
            else:
                receipt = report_observation(
                    page.session,
                    actor=page.principal,
                    data=data,
                    photo=read_photo(photo, storage.max_photo_bytes),
                    storage=storage,
                    now=page.now,
                )
    except ReportRefused as refused:
        message = page.gettext(REFUSALS[refused.code], **refused.values)
        return _report_page(page, values=shown, errors={refused.field: message}, form=form)
    except (Forbidden, NotFound) as refused:
        # The form beside the field, with the status the API would give (403, or 404 for a
        # station the person may not even see).
        code = status.HTTP_404_NOT_FOUND if isinstance(refused, NotFound) else 403
        errors = {"station_code": page.gettext(NOT_YOURS)}
        return _report_page(page, values=shown, errors=errors, form=form, status_code=code)
    except Conflict:
        return _report_page(page, values=shown, errors={"time": page.gettext(ALREADY)}, form=form)
    return page.render(
        "report_done.html",
        {"receipt": receipt, "observation_kinds": {k.value: v for k, v in KIND_NAMES.items()}},
    )
