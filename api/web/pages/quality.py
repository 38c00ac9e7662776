"""The backbone's quality-control review page: suspect readings not yet reviewed and
conflicting re-sends, each with a one-click "valid" / "invalid" and a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import require_roles
from api.web.forms import submit
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.kit.errors import InvalidInput, NotFound
from core.models import Role
from core.readings.review import list_conflicts, list_flagged, review_reading
from core.readings.schemas import ReviewRequest

router = APIRouter(prefix="/manage", route_class=PageRoute, include_in_schema=False)
REVIEWERS = [Depends(require_roles(Role.BACKBONE, Role.ADMIN))]

RULE_NAMES = {
    "range": N_("Outside the plausible range"),
    "too_old": N_("Too old, not a declared backfill"),
    "stuck": N_("The same value many times in a row"),
    "spike": N_("Sudden jump from the reading before"),
    "humidity": N_("Humidity above 95 %% at a low-cost sensor"),
    "review": N_("Set by a reviewer"),
}
QUALITY_NAMES = {
    "raw": N_("Not checked"),
    "valid": N_("Valid"),
    "suspect": N_("Suspect"),
    "invalid": N_("Invalid"),
}
NO_READING = N_("That reading does not exist any more.")
BAD_REVIEW = N_("Give a reason of at least 3 characters.")


def _quality_page(page: Page, *, error: str | None = None) -> HTMLResponse:
    return page.render(
        "manage/quality.html",
        {
            "suspect": list_flagged(page.session, flag="suspect", reviewed=False),
            "reviewed": list_flagged(page.session, reviewed=True, limit=50),
            "conflicts": list_conflicts(page.session, limit=200),
            "rule_names": RULE_NAMES,
            "quality_names": QUALITY_NAMES,
            "error": error,
            "done": page.request.query_params.get("done"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else 200,
    )


@router.get("/quality", response_class=HTMLResponse, dependencies=REVIEWERS)
def quality(page: PageDep) -> HTMLResponse:
    return _quality_page(page)


@router.post("/quality/review", dependencies=REVIEWERS)
def review(
    page: PageDep,
    station: Annotated[str, Form()] = "",
    parameter: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    quality: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The form's two buttons send `quality` = valid or invalid for one reading."""
    values: dict[str, Any] = {
        "station": station,
        "parameter": parameter,
        "time": time,
        "quality": quality,
        "reason": reason,
    }
    outcome = submit(
        page,
        ReviewRequest,
        values,
        lambda data: review_reading(
            page.session,
            actor=page.principal,
            station_code=data.station,
            parameter=data.parameter,
            time=data.time,
            verdict=data.quality,
            reason=data.reason,
            zone=page.settings.zone,
            now=page.now,
        ),
        refusals={NotFound: ("review", NO_READING), InvalidInput: ("review", BAD_REVIEW)},
    )
    if outcome.result is None:
        message = next(iter(outcome.errors.values()), page.gettext(BAD_REVIEW))
        return _quality_page(page, error=message)
    return RedirectResponse(
        f"/manage/quality?done={outcome.result.quality}", status_code=status.HTTP_303_SEE_OTHER
    )
