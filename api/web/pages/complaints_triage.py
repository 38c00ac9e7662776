"""`/manage/complaints`: the staff's triage of complaints. The backbone and admins see every
complaint and hand it to another organisation; the people of the organisation a complaint is
assigned to see their own and move them through the FixMyStreet statuses, each step with a
note."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import signed_in
from api.web.forms import submit
from api.web.i18n import N_
from api.web.pages.complain import KIND_NAMES, STATUS_NAMES
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.complaints.schemas import MAX_NOTE_CHARS, ComplaintUpdateCreate
from core.complaints.service import (
    add_update,
    incident_sizes,
    triage_complaints,
    update_incident_of,
)
from core.kit.errors import InvalidInput
from core.models import ComplaintKind, ComplaintStatus
from core.organisations.service import list_organisations
from core.reports.service import villages

router = APIRouter(prefix="/manage", route_class=PageRoute, include_in_schema=False)

SIGNED_IN = [Depends(signed_in)]
NO_ORGANISATION = N_("Choose one of the options.")
UNASSIGNED = "none"


def _enum_or_none(kind: type[ComplaintStatus] | type[ComplaintKind], value: str) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _triage_page(
    page: Page,
    *,
    errors: dict[str, str] | None = None,
    failed: str | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    query = page.request.query_params
    chosen = {
        "status": query.get("status", "")[:32],
        "kind": query.get("kind", "")[:32],
        "village": query.get("village", "")[:200],
        "organisation": query.get("organisation", "")[:12],
    }
    organisation = chosen["organisation"]
    complaints = triage_complaints(
        page.session,
        actor=page.principal,
        status=_enum_or_none(ComplaintStatus, chosen["status"]),
        kind=_enum_or_none(ComplaintKind, chosen["kind"]),
        village=chosen["village"] or None,
        organisation_id=int(organisation) if organisation.isdigit() else None,
        unassigned=organisation == UNASSIGNED,
        now=page.now,
    )
    return page.render(
        "manage/complaints.html",
        {
            "complaints": complaints,
            "incident_sizes": incident_sizes(
                page.session, {c.incident for c in complaints if c.incident}
            ),
            "chosen": chosen,
            "statuses": [(s.value, STATUS_NAMES[s]) for s in ComplaintStatus],
            "kinds": [(k.value, KIND_NAMES[k]) for k in ComplaintKind],
            "kind_names": KIND_NAMES,
            "status_names": STATUS_NAMES,
            "villages": villages(page.session, actor=page.principal),
            "organisations": list_organisations(page.session, viewer=page.principal),
            "may_reassign": page.principal.is_manager,
            "errors": errors or {},
            "failed": failed,
            "values": values or {},
            "max_note": MAX_NOTE_CHARS,
            "done": query.get("done"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/complaints", response_class=HTMLResponse, dependencies=SIGNED_IN)
def triage(
    page: PageDep,
    status_: Annotated[str, Query(alias="status", max_length=32)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    village: Annotated[str, Query(max_length=200)] = "",
    organisation: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    """Complaints to triage, filtered by status, cause, village and assigned organisation."""
    return _triage_page(page)


@router.post("/complaints/{public_id}", dependencies=SIGNED_IN)
def triage_step(
    page: PageDep,
    public_id: str,
    status_: Annotated[str, Form(alias="status")] = "",
    organisation_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    public: Annotated[str, Form()] = "",
    whole_incident: Annotated[str, Form()] = "",
) -> Response:
    """A new status and/or a hand-off, with a note, for this complaint or for every open
    complaint of its incident; back to the list where it was."""
    public_id = public_id[:32]
    values = {
        "status": status_ or None,
        "organisation_id": organisation_id or None,
        "note": note,
        "public": public == "on",
    }
    outcome = submit(
        page,
        ComplaintUpdateCreate,
        values,
        lambda data: (update_incident_of if whole_incident == "on" else add_update)(
            page.session, actor=page.principal, public_id=public_id, data=data, now=page.now
        ),
        refusals={InvalidInput: ("organisation_id", NO_ORGANISATION)},
    )
    if outcome.errors:
        shown = {"status": status_, "organisation_id": organisation_id, "note": note}
        return _triage_page(page, errors=outcome.errors, failed=public_id, values=shown)
    return RedirectResponse(
        f"/manage/complaints?done=updated#complaint-{public_id}",
        status_code=status.HTTP_303_SEE_OTHER,
    )
