"""Commitments on the web: the public list of agreed commitments with their breaches, one
commitment's page with each excess event beside its reply (or its reply state), and the
operator's reply form on its own facility's events.

The JSON API has `/commitments`; the list page lives at `/facility-commitments`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import public, require_roles
from api.web.forms import submit
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.commitments.schemas import ReplyIn
from core.commitments.service import (
    commitment_detail,
    is_facility_operator,
    list_commitments,
    list_events,
    reply_to_event,
)
from core.kit.db import RowId
from core.models import Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PUBLIC = [Depends(public)]
OPERATORS = [Depends(require_roles(Role.OPERATOR))]

REPLY_STATES = {
    "replied": N_("The operator's reply"),
    "awaiting_reply": N_("Awaiting the operator's reply (not yet public)"),
    "no_reply": N_("No reply given"),
}
KIND_NAMES = {"threshold": N_("Limit"), "time_window": N_("Time window")}
AVERAGING_NAMES = {"hourly": N_("hourly mean"), "24h": N_("24-hour mean")}


@router.get("/facility-commitments", response_class=HTMLResponse, dependencies=PUBLIC)
def commitments_page(page: PageDep) -> HTMLResponse:
    reply_days = page.settings.commitments.reply_days
    commitments = list_commitments(page.session, actor=page.principal)
    events = list_events(page.session, actor=page.principal, now=page.now, reply_days=reply_days)
    by_commitment: dict[int, list[Any]] = {}
    for event in events:
        by_commitment.setdefault(event.commitment_id, []).append(event)
    return page.render(
        "commitments.html",
        {
            "commitments": commitments,
            "events": by_commitment,
            "reply_states": REPLY_STATES,
            "kind_names_": KIND_NAMES,
            "averaging_names": AVERAGING_NAMES,
            "reply_days": reply_days,
        },
    )


def _commitment_page(
    page: Page,
    commitment_id: int,
    *,
    errors: dict[str, str] | None = None,
    failed: int | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    reply_days = page.settings.commitments.reply_days
    detail = commitment_detail(
        page.session,
        actor=page.principal,
        commitment_id=commitment_id,
        now=page.now,
        reply_days=reply_days,
        zone=page.settings.zone,
    )
    return page.render(
        "commitment.html",
        {
            "c": detail,
            "may_reply": is_facility_operator(page.principal, detail.facility_id),
            "reply_states": REPLY_STATES,
            "kind_names_": KIND_NAMES,
            "averaging_names": AVERAGING_NAMES,
            "reply_days": reply_days,
            "errors": errors or {},
            "failed": failed,
            "values": values or {},
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/commitments/{commitment_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def commitment_page(page: PageDep, commitment_id: RowId) -> HTMLResponse:
    return _commitment_page(page, commitment_id)


@router.post("/commitments/{commitment_id}/events/{event_id}/reply", dependencies=OPERATORS)
def reply_form(
    page: PageDep,
    commitment_id: RowId,
    event_id: RowId,
    cause: Annotated[str, Form()] = "",
    corrective_action: Annotated[str, Form()] = "",
    reply_text: Annotated[str, Form()] = "",
) -> Response:
    """The operator's reply from the commitment's page; shown there beside the event."""
    values = {"cause": cause, "corrective_action": corrective_action, "reply_text": reply_text}
    outcome = submit(
        page,
        ReplyIn,
        values,
        lambda data: reply_to_event(
            page.session,
            actor=page.principal,
            event_id=event_id,
            reply=data,
            now=page.now,
            reply_days=page.settings.commitments.reply_days,
        ),
        refusals={},
    )
    if outcome.errors:
        return _commitment_page(
            page, commitment_id, errors=outcome.errors, failed=event_id, values=values
        )
    return RedirectResponse(
        f"/commitments/{commitment_id}/page#event-{event_id}",
        status_code=status.HTTP_303_SEE_OTHER,
    )
