"""The official's inbox: open alerts (or resolved ones, by area and severity), most severe
first, each with the readings around it and its history; acknowledged, answered and closed
from a phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

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
    inbox_areas,
    resolve_by_hand,
)
from core.alerts.schemas import AcknowledgeIn, AlertDetail, InboxFilter, ResolveIn, ResponseIn
from core.kit.time import floor_hour
from core.models import Role
from core.public.history import MAX_HOURS

router = APIRouter(prefix="/inbox", route_class=PageRoute, include_in_schema=False)

staff = require_roles(Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)
STAFF = [Depends(staff)]

ALREADY_DONE = N_("Someone has already done this: the alert is acknowledged or closed.")
RESPONSE_REQUIRED = N_(
    "Record a response first (what was done about it): the backbone unit requires one "
    "before an alert is closed."
)


FILTER_ERRORS = {
    "status": N_("Choose open, resolved or all alerts."),
    "severity": N_("Choose one of the severities listed."),
    "area": N_("Choose one of the areas listed."),
}
CHART_LEAD = timedelta(hours=24)
"""The chart starts this long before an alert opened: the 24 hours of its first average."""
CHART_AFTER = timedelta(hours=6)
"""And goes on this long after it was resolved (or up to now)."""


@dataclass(frozen=True)
class ChartWindow:
    """The hourly means drawn beside an alert: the `hours` full hours from `start` to `end`."""

    start: datetime
    end: datetime
    hours: int


def chart_window(alert: AlertDetail, *, now: datetime) -> ChartWindow:
    """From a day before the alert opened to a few hours after it was resolved, or to now
    while it is open; at most the longest series a chart may ask for (the latest part)."""
    last = now if alert.resolved_at is None else min(now, alert.resolved_at + CHART_AFTER)
    end = floor_hour(last.astimezone(UTC))
    start = floor_hour((alert.opened_at - CHART_LEAD).astimezone(UTC))
    hours = min(max(int((end - start) / timedelta(hours=1)), 1), MAX_HOURS)
    return ChartWindow(start=end - timedelta(hours=hours), end=end, hours=hours)


def _refused(page: Page, names: set[str]) -> dict[str, str]:
    return {name: page.gettext(message) for name, message in FILTER_ERRORS.items() if name in names}


def _filters(page: Page) -> tuple[InboxFilter | None, dict[str, str]]:
    """The GET query as filters, or the message for each field not understood."""
    query = page.request.query_params
    given = {name: query[name] for name in FILTER_ERRORS if query.get(name)}
    wrong: set[str] = set()
    try:
        filters: InboxFilter | None = InboxFilter.model_validate(given)
    except ValidationError as error:
        filters = None
        wrong = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
    area = given.get("area")
    if area is not None and area not in inbox_areas(page.session, principal=page.principal):
        wrong.add("area")
    if wrong:
        return None, _refused(page, wrong)
    return filters, {}


def _query_of(filters: InboxFilter | None) -> str:
    """The filters as a query string, to come back to the same list after an action."""
    return "" if filters is None else urlencode(filters.model_dump(exclude_defaults=True))


def _inbox_page(
    page: Page, *, errors: dict[str, str] | None = None, failed: str | None = None
) -> HTMLResponse:
    filters, filter_errors = _filters(page)
    alerts = (
        inbox(page.session, principal=page.principal, filters=filters)
        if filters is not None
        else []
    )
    # What the form shows chosen: the filters applied, or what was asked, to be corrected.
    chosen = {name: page.request.query_params.get(name, "")[:200] for name in FILTER_ERRORS}
    if filters is not None:
        chosen = {
            "status": filters.status,
            "severity": filters.severity or "",
            "area": filters.area or "",
        }
    refused = bool(errors) or bool(filter_errors)
    code = status.HTTP_409_CONFLICT if errors else status.HTTP_422_UNPROCESSABLE_CONTENT
    return page.render(
        "inbox.html",
        {
            "alerts": alerts,
            "charts": {a.id: chart_window(a, now=page.now) for a in alerts},
            "errors": errors or {},
            "failed": failed,
            "filter_errors": filter_errors,
            "chosen": chosen,
            "areas": inbox_areas(page.session, principal=page.principal),
            "query": _query_of(filters),
        },
        status_code=code if refused else status.HTTP_200_OK,
    )


def _back_to(public_id: str, query: str) -> Response:
    target = f"/inbox?{query}" if query else "/inbox"
    return RedirectResponse(f"{target}#alert-{public_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("", response_class=HTMLResponse, dependencies=STAFF)
def inbox_page(page: PageDep) -> HTMLResponse:
    """Filtered by the GET query (`status` open, resolved or all; `severity`; `area`); filters
    not understood are answered 422 with a message beside each."""
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
    filters, _ = _filters(page)
    return _back_to(public_id, _query_of(filters))
