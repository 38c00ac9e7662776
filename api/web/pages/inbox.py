"""The official's inbox: open alerts, most severe first, acknowledged, answered and closed
from a phone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import require_roles
from api.web.forms import submit
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.alerts.lifecycle import (
    AlreadyDone,
    ResponseRequired,
    acknowledge,
    add_response,
    inbox,
    resolve_by_hand,
)
from core.alerts.schemas import AcknowledgeIn, AlertDetail, ResolveIn, ResponseIn
from core.models import Role

router = APIRouter(prefix="/inbox", route_class=PageRoute, include_in_schema=False)

staff = require_roles(Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)
STAFF = [Depends(staff)]

ALREADY_DONE = N_("Someone has already done this: the alert is acknowledged or closed.")
RESPONSE_REQUIRED = N_(
    "Record a response first (what was done about it): the backbone unit requires one "
    "before an alert is closed."
)


def _inbox_page(
    page: Page, *, errors: dict[str, str] | None = None, failed: str | None = None
) -> HTMLResponse:
    alerts = inbox(page.session, principal=page.principal)
    return page.render(
        "inbox.html",
        {"alerts": alerts, "errors": errors or {}, "failed": failed},
        status_code=status.HTTP_409_CONFLICT if errors else 200,
    )


def _back_to(public_id: str) -> Response:
    return RedirectResponse(f"/inbox#alert-{public_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("", response_class=HTMLResponse, dependencies=STAFF)
def inbox_page(page: PageDep) -> HTMLResponse:
    return _inbox_page(page)


@router.post("/{public_id}/acknowledge", dependencies=STAFF)
def acknowledge_form(page: PageDep, public_id: str, note: Annotated[str, Form()] = "") -> Response:
    outcome = submit(
        page,
        AcknowledgeIn,
        {"note": note},
        lambda data: acknowledge(
            page.session,
            public_id=public_id,
            principal=page.principal,
            note=data.note,
            now=page.now,
        ),
        refusals={AlreadyDone: ("note", ALREADY_DONE)},
    )
    return _after(page, public_id, outcome.result, outcome.errors)


@router.post("/{public_id}/responses", dependencies=STAFF)
def response_form(page: PageDep, public_id: str, action: Annotated[str, Form()] = "") -> Response:
    outcome = submit(
        page,
        ResponseIn,
        {"action": action},
        lambda data: add_response(
            page.session,
            public_id=public_id,
            principal=page.principal,
            action=data.action,
            now=page.now,
        ),
        refusals={},
    )
    return _after(page, public_id, outcome.result, outcome.errors)


@router.post("/{public_id}/resolve", dependencies=STAFF)
def resolve_form(page: PageDep, public_id: str, reason: Annotated[str, Form()] = "") -> Response:
    outcome = submit(
        page,
        ResolveIn,
        {"reason": reason},
        lambda data: resolve_by_hand(
            page.session,
            public_id=public_id,
            principal=page.principal,
            reason=data.reason,
            now=page.now,
            require_response=page.settings.alerts.require_response_to_resolve,
            zone=page.settings.zone,
        ),
        refusals={
            ResponseRequired: ("reason", RESPONSE_REQUIRED),
            AlreadyDone: ("reason", ALREADY_DONE),
        },
    )
    return _after(page, public_id, outcome.result, outcome.errors)


def _after(
    page: Page, public_id: str, done: AlertDetail | None, errors: dict[str, str]
) -> Response:
    if done is None:
        return _inbox_page(page, errors=errors, failed=public_id)
    return _back_to(public_id)
