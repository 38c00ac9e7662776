"""Actions on the web: every action at a glance (`/activities`, overdue ones flagged), one
action's page with its measured change (tables, a chart, and what the comparison can and
cannot show), progress notes and evidence, and the forms to register an action and to
report progress. The JSON API has `/actions`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.auth import public, require_roles
from api.uploads import read_photo
from api.web.forms import submit
from api.web.i18n import N_
from api.web.labels import SECTOR_NAMES
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.actions.change import measured_change
from core.actions.schemas import (
    ActionCreate,
    EvidenceIn,
    MeasuredChange,
    NoteIn,
    PhotoLabelIn,
    StatusIn,
)
from core.actions.service import (
    action_detail,
    add_evidence,
    add_note,
    create_action,
    get_action,
    list_actions,
    may_edit,
    set_status,
)
from core.kit.db import MAX_ROW_ID, RowId
from core.kit.errors import Forbidden, InvalidInput
from core.models import ActionKind, ActionStatus, Organisation, Role, Target, TargetStatus
from core.reports.errors import ReportRefused

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PUBLIC = [Depends(public)]
MEMBERS = [Depends(require_roles(*Role))]

KIND_NAMES = {
    "road_watering": N_("Road watering"),
    "truck_covers": N_("Truck covers"),
    "tree_buffer": N_("Tree buffer"),
    "wheel_washing": N_("Wheel washing"),
    "sensor_upkeep": N_("Sensor upkeep"),
    "health_outreach": N_("Health outreach"),
    "other": N_("Other"),
}
STATUS_NAMES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
REASONS = {
    "no_start": N_("The action has no start date, so there is no before and after."),
    "not_started": N_("No whole day has passed since the action started."),
    "no_stations": N_("No public station lies in the action's place."),
    "no_data": N_(
        "A period has no valid day of data on the action's stations: nothing to compare."
    ),
}
NOT_YOURS = N_("Only your own organisation's actions, unless you are the backbone.")


def names() -> dict[str, object]:
    return {
        "action_kinds": KIND_NAMES,
        "action_statuses": STATUS_NAMES,
        "change_reasons": REASONS,
        "sector_names": SECTOR_NAMES,
    }


def headline(change: MeasuredChange) -> dict[str, Any]:
    """What a list shows of a change: before and after means and the change against before."""
    versus = next((c for c in change.changes if c.against == "before"), None)
    return {
        "available": change.available,
        "reason_code": change.reason_code,
        "before": change.before.mean if change.before else None,
        "after": change.after.mean if change.after else None,
        "percent": versus.mean_change_percent if versus else None,
        "parameter": change.parameter,
        "unit": change.unit,
        "weak": change.weak,
    }


def actions_with_headlines(page: Page, *, target_id: int) -> list[tuple[Any, dict[str, Any]]]:
    """The target's actions, each with the headline of its measured change (for its page)."""
    zone = page.settings.zone
    return [
        (
            action,
            headline(
                measured_change(
                    page.session,
                    get_action(page.session, action.id),
                    now=page.now,
                    zone=zone,
                    detail=False,
                )
            ),
        )
        for action in list_actions(page.session, now=page.now, zone=zone, target_id=target_id)
    ]


def _choices(page: Page) -> dict[str, Any]:
    targets = page.session.scalars(
        select(Target).where(Target.status != TargetStatus.RETIRED).order_by(Target.id)
    ).all()
    organisations = page.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    return {"targets": targets, "organisations": organisations}


@router.get("/activities", response_class=HTMLResponse, dependencies=PUBLIC)
def activities_page(
    page: PageDep,
    target_id: int | None = None,
    organisation_id: int | None = None,
    overdue: bool = False,
) -> HTMLResponse:
    """All actions, overdue first; filtered by target and organisation."""
    wanted_target = target_id if target_id and 0 < target_id <= MAX_ROW_ID else None
    wanted_org = organisation_id if organisation_id and 0 < organisation_id <= MAX_ROW_ID else None
    actions = list_actions(
        page.session,
        now=page.now,
        zone=page.settings.zone,
        target_id=wanted_target,
        organisation_id=wanted_org,
        overdue=True if overdue else None,
    )
    return page.render(
        "actions.html",
        {
            "actions": actions,
            "target_id": wanted_target,
            "organisation_id": wanted_org,
            "overdue": overdue,
        }
        | _choices(page)
        | names(),
    )


def _form_page(
    page: Page,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page.render(
        "action_new.html",
        {
            "values": values,
            "errors": errors or {},
            "kinds": list(ActionKind),
            "statuses": list(ActionStatus),
            "may_choose_owner": page.principal.is_manager,
        }
        | _choices(page)
        | names(),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/activities/new", response_class=HTMLResponse, dependencies=MEMBERS)
def new_action_page(page: PageDep, target_id: int | None = None) -> HTMLResponse:
    """The registration form; from a target's page the target is already ticked."""
    chosen = [str(target_id)] if target_id else []
    return _form_page(page, values={"target_ids": chosen, "kind": "road_watering"})


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and 0 < int(v) <= MAX_ROW_ID]


@router.post("/activities/new", dependencies=MEMBERS)
def register_form(
    page: PageDep,
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    responsible: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form()] = "",
    start_date: Annotated[str, Form()] = "",
    due_date: Annotated[str, Form()] = "",
    target_ids: Annotated[list[str] | None, Form()] = None,
    station_codes: Annotated[str, Form()] = "",
    latitude: Annotated[str, Form()] = "",
    longitude: Annotated[str, Form()] = "",
    radius_km: Annotated[str, Form()] = "",
) -> Response:
    """Registers the action, then shows its page."""
    shown = {
        "title_th": title_th,
        "title_en": title_en,
        "kind": kind,
        "responsible": responsible,
        "organisation_id": organisation_id,
        "start_date": start_date,
        "due_date": due_date,
        "target_ids": target_ids or [],
        "station_codes": station_codes,
        "latitude": latitude,
        "longitude": longitude,
        "radius_km": radius_km,
    }
    data: dict[str, Any] = {
        k: v.strip() for k, v in shown.items() if isinstance(v, str) and v.strip() != ""
    }
    data["target_ids"] = _ids(target_ids or [])
    data["station_codes"] = [c.strip() for c in station_codes.split(",") if c.strip()]
    outcome = submit(
        page,
        ActionCreate,
        data,
        lambda body: create_action(page.session, data=body, actor=page.principal, now=page.now),
        refusals={
            InvalidInput: (
                "form",
                N_("This action cannot be registered: check the targets, the place and the dates."),
            ),
            Forbidden: ("form", NOT_YOURS),
        },
    )
    if outcome.errors or outcome.result is None:
        return _form_page(page, values=shown, errors=outcome.errors)
    return RedirectResponse(
        f"/actions/{outcome.result.id}/page", status_code=status.HTTP_303_SEE_OTHER
    )


def _action_page(
    page: Page, action_id: int, *, errors: dict[str, str] | None = None
) -> HTMLResponse:
    zone = page.settings.zone
    detail = action_detail(page.session, action_id=action_id, now=page.now, zone=zone)
    change = measured_change(
        page.session, get_action(page.session, action_id), now=page.now, zone=zone
    )
    return page.render(
        "action.html",
        {
            "a": detail,
            "change": change,
            "head": headline(change),
            "may_edit": may_edit(page.principal, detail.organisation_id),
            "statuses": list(ActionStatus),
            "errors": errors or {},
        }
        | names(),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/actions/{action_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def action_page(page: PageDep, action_id: RowId) -> HTMLResponse:
    return _action_page(page, action_id)


def _back(action_id: int, anchor: str) -> Response:
    return RedirectResponse(
        f"/actions/{action_id}/page#{anchor}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.post("/actions/{action_id}/page/note", dependencies=MEMBERS)
def note_form(
    page: PageDep,
    action_id: RowId,
    text: Annotated[str, Form()] = "",
    noted_on: Annotated[str, Form()] = "",
) -> Response:
    values = {"text": text} | ({"noted_on": noted_on} if noted_on else {})
    outcome = submit(
        page,
        NoteIn,
        values,
        lambda data: add_note(
            page.session,
            action_id=action_id,
            data=data,
            actor=page.principal,
            now=page.now,
            zone=page.settings.zone,
        ),
        refusals={},
    )
    if outcome.errors:
        return _action_page(page, action_id, errors=outcome.errors)
    return _back(action_id, "notes")


@router.post("/actions/{action_id}/page/status", dependencies=MEMBERS)
def status_form(page: PageDep, action_id: RowId, status: Annotated[str, Form()] = "") -> Response:
    outcome = submit(
        page,
        StatusIn,
        {"status": status},
        lambda data: set_status(
            page.session,
            action_id=action_id,
            status=data.status,
            actor=page.principal,
            now=page.now,
        ),
        refusals={},
    )
    if outcome.errors:
        return _action_page(page, action_id, errors=outcome.errors)
    return _back(action_id, "top")


@router.post("/actions/{action_id}/page/evidence", dependencies=MEMBERS)
def evidence_form(
    page: PageDep,
    action_id: RowId,
    label: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> Response:
    outcome = submit(
        page,
        EvidenceIn,
        {"label": label, "url": url},
        lambda data: add_evidence(
            page.session,
            action_id=action_id,
            label=data.label,
            link=data,
            actor=page.principal,
            now=page.now,
        ),
        refusals={},
    )
    if outcome.errors:
        return _action_page(page, action_id, errors=outcome.errors)
    return _back(action_id, "evidence")


PHOTO_REFUSED = N_("The photo must be a JPEG, PNG or WebP image within the size limit.")


@router.post("/actions/{action_id}/page/photo", dependencies=MEMBERS)
def photo_form(
    page: PageDep,
    action_id: RowId,
    label: Annotated[str, Form()] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A photo of the action being done, stored like the reports' photos."""
    storage = page.settings.storage
    data = read_photo(photo, storage.max_photo_bytes) or b""
    outcome = submit(
        page,
        PhotoLabelIn,
        {"label": label},
        lambda checked: add_evidence(
            page.session,
            action_id=action_id,
            label=checked.label,
            photo=data,
            storage_dir=storage.dir,
            max_photo_bytes=storage.max_photo_bytes,
            actor=page.principal,
            now=page.now,
        ),
        refusals={ReportRefused: ("photo", PHOTO_REFUSED)},
    )
    if outcome.errors:
        return _action_page(page, action_id, errors=outcome.errors)
    return _back(action_id, "evidence")
