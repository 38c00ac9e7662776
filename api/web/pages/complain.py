"""The complaint form `/complain` for anyone, signed in or not, and the reporter's private
status page reached through the link shown once after sending. Work without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.auth import public
from api.uploads import read_photo, storage_of
from api.web.forms import field_errors
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.report_forms import BAD_TIME, REFUSALS, local_input, parse_local
from api.web.routing import PageRoute
from core.complaints.schemas import MAX_NOTE_CHARS, ComplaintCreate, ReporterReply
from core.complaints.service import (
    private_complaint,
    reporter_reply,
    reporter_still_fixed,
    submit_complaint,
)
from core.kit.errors import InvalidInput, NotFound
from core.models import ComplaintKind, ComplaintStatus
from core.reports.errors import ReportRefused
from core.reports.service import villages

router = APIRouter(route_class=PageRoute, include_in_schema=False)

KIND_NAMES = {
    ComplaintKind.DUST: N_("Dust"),
    ComplaintKind.SMELL: N_("Smell"),
    ComplaintKind.NOISE: N_("Noise"),
    ComplaintKind.TRUCK: N_("Trucks"),
    ComplaintKind.BURNING: N_("Burning"),
    ComplaintKind.HEALTH: N_("Health"),
    ComplaintKind.OTHER: N_("Something else"),
}
STATUS_NAMES = {
    ComplaintStatus.OPEN: N_("Received, awaiting triage"),
    ComplaintStatus.CONFIRMED: N_("Confirmed"),
    ComplaintStatus.INVESTIGATING: N_("Investigating"),
    ComplaintStatus.IN_PROGRESS: N_("In progress"),
    ComplaintStatus.ACTION_SCHEDULED: N_("Action scheduled"),
    ComplaintStatus.FIXED: N_("Fixed"),
    ComplaintStatus.UNABLE_TO_FIX: N_("Unable to fix"),
    ComplaintStatus.NOT_RESPONSIBLE: N_("Not responsible"),
    ComplaintStatus.DUPLICATE: N_("Duplicate"),
    ComplaintStatus.REFERRED: N_("Referred"),
}
PLACE_NEEDED = N_("Choose a village, or give the exact place.")
INCIDENT_CLOSED = N_(
    "This incident is closed, or not at this place and time: send your complaint on its own."
)
FIELD_OF = {"observed_at": "time", "": "village"}


def _form(
    page: Page, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> HTMLResponse:
    now_input = local_input(page.now, page)
    return page.render(
        "complain.html",
        {
            "kinds": [(kind.value, KIND_NAMES[kind]) for kind in ComplaintKind],
            "villages": villages(page.session, actor=page.principal),
            "values": {"time": now_input} | (values or {}),
            "errors": errors or {},
            "now_input": now_input,
            "zone_offset": page.now.astimezone(page.settings.zone).isoformat()[-6:],
            "max_note": MAX_NOTE_CHARS,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/complain", response_class=HTMLResponse, dependencies=[Depends(public)])
def complain_form(page: PageDep) -> HTMLResponse:
    return _form(page)


@router.post("/complain", response_class=HTMLResponse, dependencies=[Depends(public)])
def complain(
    page: PageDep,
    kind: Annotated[str, Form()] = "",
    village: Annotated[str, Form()] = "",
    latitude: Annotated[str, Form()] = "",
    longitude: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    facility: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form()] = "",
    contact_phone: Annotated[str, Form()] = "",
    contact_email: Annotated[str, Form()] = "",
    incident: Annotated[str, Form()] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """The private link on success; else the form again with the reason by the field."""
    shown = {
        "kind": kind,
        "village": village,
        "latitude": latitude,
        "longitude": longitude,
        "time": time,
        "note": note,
        "facility": facility,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "incident": incident,
    }
    try:
        moment = parse_local(time, page)
    except ValueError:
        return _form(page, values=shown, errors={"time": page.gettext(BAD_TIME)})
    try:
        given = {k: v for k, v in shown.items() if v and k != "time"}
        data = ComplaintCreate.model_validate(given | ({"observed_at": moment} if moment else {}))
    except ValidationError as error:
        found = field_errors(error, page)
        errors = {FIELD_OF.get(name, name): message for name, message in found.items()}
        if "" in found:
            errors["village"] = page.gettext(PLACE_NEEDED)
        return _form(page, values=shown, errors=errors)
    storage = storage_of(page.settings)
    try:
        with page.session.begin_nested():
            receipt = submit_complaint(
                page.session,
                actor=page.principal,
                data=data,
                photo=read_photo(photo, storage.max_photo_bytes),
                storage=storage,
                now=page.now,
                zone=page.settings.zone,
            )
    except ReportRefused as refused:
        message = page.gettext(REFUSALS[refused.code], **refused.values)
        return _form(page, values=shown, errors={refused.field: message})
    except InvalidInput:
        shown["incident"] = ""
        return _form(page, values=shown, errors={"incident": page.gettext(INCIDENT_CLOSED)})
    return page.render(
        "complain_done.html",
        {"receipt": receipt, "link": f"/complain/{receipt.id}?token={receipt.token}"},
        status_code=status.HTTP_201_CREATED,
    )


def _status_page(
    page: Page, public_id: str, token: str, *, error: str | None = None
) -> HTMLResponse:
    try:
        complaint = private_complaint(
            page.session, public_id, token=token, viewer=page.principal, now=page.now
        )
    except NotFound:
        return page.render("complain_status.html", {"complaint": None}, status_code=404)
    return page.render(
        "complain_status.html",
        {
            "complaint": complaint,
            "token": token,
            "kind_names": KIND_NAMES,
            "status_names": STATUS_NAMES,
            "errors": {"note": error} if error else {},
            "max_note": MAX_NOTE_CHARS,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else 200,
    )


@router.get("/complain/{public_id}", response_class=HTMLResponse, dependencies=[Depends(public)])
def complaint_status(
    page: PageDep, public_id: str, token: Annotated[str, Query(max_length=64)] = ""
) -> HTMLResponse:
    """The reporter's own page: status, every update, the readings attached."""
    return _status_page(page, public_id[:32], token)


@router.post(
    "/complain/{public_id}/reply", response_class=HTMLResponse, dependencies=[Depends(public)]
)
def complaint_reply(
    page: PageDep,
    public_id: str,
    token: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """'Not fixed': the reporter's answer reopens a closed complaint."""
    try:
        reply = ReporterReply(note=note)
    except ValidationError as error:
        message = next(iter(field_errors(error, page).values()))
        return _status_page(page, public_id[:32], token, error=message)
    try:
        reporter_reply(
            page.session, public_id=public_id[:32], token=token, data=reply, now=page.now
        )
    except NotFound:
        return page.render("complain_status.html", {"complaint": None}, status_code=404)
    return _status_page(page, public_id[:32], token)


@router.post(
    "/complain/{public_id}/still-fixed", response_class=HTMLResponse, dependencies=[Depends(public)]
)
def complaint_still_fixed(
    page: PageDep, public_id: str, token: Annotated[str, Form(max_length=64)] = ""
) -> HTMLResponse:
    """The follow-up's answer: still fixed. Recorded; the complaint stays closed."""
    try:
        with page.session.begin_nested():
            reporter_still_fixed(page.session, public_id=public_id[:32], token=token, now=page.now)
    except NotFound:
        return page.render("complain_status.html", {"complaint": None}, status_code=404)
    except InvalidInput:
        pass
    return _status_page(page, public_id[:32], token)
