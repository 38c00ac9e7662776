"""A facility's compliance page: one answer for today and the last 30 days, then each
monitor's days against the Thai standard, with the CSV beside it."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import require_roles
from api.web.i18n import N_
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.compliance.schemas import FacilityCompliancePublic
from core.compliance.service import FACILITY_VIEWERS, facility_compliance, list_facilities
from core.kit.db import RowId
from core.kit.errors import InvalidInput, NotFound
from core.models import Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

viewers = require_roles(*FACILITY_VIEWERS)

TODAY_ANSWERS = {
    "compliant": N_("In compliance today"),
    "not_compliant": N_("Not in compliance today"),
    "insufficient_data": N_("Not enough data to judge today"),
}
RECENT_ANSWERS = {
    "compliant": N_("In compliance over the last 30 days"),
    "not_compliant": N_("Not in compliance over the last 30 days"),
    "insufficient_data": N_("Not enough data to judge the last 30 days"),
}
STATUS_NAMES = {
    "compliant": N_("In compliance"),
    "not_compliant": N_("Not in compliance"),
    "insufficient_data": N_("Not enough data"),
}


@router.get("/compliance", response_class=HTMLResponse, dependencies=[Depends(viewers)])
def compliance_index(page: PageDep) -> Response:
    """An operator goes straight to its own facility; the others choose one."""
    facilities = list_facilities(page.session, principal=page.principal)
    if page.principal.has_role(Role.OPERATOR):
        if not facilities:
            raise NotFound("your organisation is not a facility")
        return RedirectResponse(f"/facilities/{facilities[0].id}/compliance/page", status_code=303)
    return page.render("compliance_index.html", {"facilities": facilities})


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not a date: {text!r}") from None


@router.get(
    "/facilities/{facility_id}/compliance/page",
    response_class=HTMLResponse,
    dependencies=[Depends(viewers)],
)
def compliance_page(
    facility_id: RowId, page: PageDep, start: str | None = None, end: str | None = None
) -> HTMLResponse:
    """Dates that are not understood or not allowed show the default 30 days, and say so."""

    def report(first: date | None, last: date | None) -> FacilityCompliancePublic:
        return facility_compliance(
            page.session,
            principal=page.principal,
            facility_id=facility_id,
            start=first,
            end=last,
            now=page.now,
            zone=page.settings.zone,
        )

    refused = False
    try:
        answer = report(_day(start), _day(end))
    except InvalidInput:
        refused = True
        answer = report(None, None)
    period = answer.period
    return page.render(
        "compliance.html",
        {
            "report": answer,
            "dates_refused": refused,
            "csv_url": f"/facilities/{facility_id}/compliance.csv"
            f"?start={period.start}&end={period.end}",
            "today_answers": TODAY_ANSWERS,
            "recent_answers": RECENT_ANSWERS,
            "status_names": STATUS_NAMES,
            "is_operator": page.principal.has_role(Role.OPERATOR),
        },
    )
