"""The backbone's forms for the common agenda, in the manage area: propose a target, revise one
with its reason, and certify an area's data for a period so that its days count. The JSON API
does the same through /targets and /certifications."""

from __future__ import annotations

from itertools import zip_longest
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import require_roles
from api.web.forms import submit
from api.web.i18n import N_
from api.web.labels import PARAMETER_NAMES
from api.web.pages.targets import INDICATOR_NAMES, STATUS_NAMES
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.access.scope import StationScope
from core.indicators.averages import JUDGED_PARAMETERS
from core.kit.db import RowId
from core.kit.errors import Conflict, InvalidInput
from core.models import TargetDirection, TargetIndicator, TargetStatus
from core.stations.service import list_stations
from core.targets.schemas import CertificationCreate, TargetCreate, TargetRevise
from core.targets.service import (
    PROPOSERS,
    certify_period,
    create_target,
    list_certifications,
    list_targets,
    revise_target,
    target_detail,
)

router = APIRouter(prefix="/manage", route_class=PageRoute, include_in_schema=False)
PROPOSE = [Depends(require_roles(*PROPOSERS))]
MILESTONE_ROWS = 3
"""Milestone rows on the forms; the API takes up to 24."""

BASELINE_REFUSED = N_(
    "The baseline cannot be computed: it must have ended before today, last at most a year, "
    "and have valid days of data at this place."
)
REVISION_REFUSED = N_(
    "The revision changes nothing, or its dates do not fit: the deadline after the baseline, "
    "the milestones between them."
)
RETIRED = N_("This target was retired: it can no longer be revised.")
NOT_ENDED = N_("Only days that have ended can be certified, in an area that has stations.")
ALREADY_CERTIFIED = N_("This period of this area is already certified.")
DIRECTION_NAMES = {"lower": N_("Lower is better"), "higher": N_("Higher is better")}


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def _optional(text: str) -> str | None:
    return text.strip() or None


def _milestones(dues: list[str], values: list[str]) -> list[dict[str, str]]:
    """The rows with a date or a value; a half-filled row is refused by the model."""
    return [
        {"due": due.strip(), "value": value.strip()}
        for due, value in zip_longest(dues, values, fillvalue="")
        if due.strip() or value.strip()
    ]


def _targets_page(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    certify_values: dict[str, Any] | None = None,
    certify_errors: dict[str, str] | None = None,
) -> HTMLResponse:
    stations = list_stations(page.session, scope=StationScope.for_principal(page.principal))
    failed = bool(errors or certify_errors)
    return page.render(
        "manage/targets.html",
        {
            "targets": list_targets(page.session, viewer=page.principal),
            "certifications": list_certifications(page.session),
            "areas": sorted({s.area for s in stations}),
            "stations": stations,
            "indicators": list(TargetIndicator),
            "parameters": JUDGED_PARAMETERS,
            "directions": list(TargetDirection),
            "status_names": STATUS_NAMES,
            "indicator_names": INDICATOR_NAMES,
            "direction_names": DIRECTION_NAMES,
            "parameter_names": PARAMETER_NAMES,
            "milestone_rows": range(MILESTONE_ROWS),
            "values": values or {"milestone_due": [], "milestone_value": []},
            "errors": errors or {},
            "certify_values": certify_values or {},
            "certify_errors": certify_errors or {},
            "created": page.request.query_params.get("created"),
            "certified": page.request.query_params.get("certified"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if failed else 200,
    )


@router.get("/targets", response_class=HTMLResponse, dependencies=PROPOSE)
def targets(page: PageDep) -> HTMLResponse:
    return _targets_page(page)


@router.post("/targets", dependencies=PROPOSE)
def propose_target(
    page: PageDep,
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    indicator: Annotated[str, Form()] = "",
    parameter: Annotated[str, Form()] = "",
    area: Annotated[str, Form()] = "",
    station_code: Annotated[str, Form()] = "",
    baseline_start: Annotated[str, Form()] = "",
    baseline_end: Annotated[str, Form()] = "",
    target_value: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    direction: Annotated[str, Form()] = "lower",
    milestone_due: Annotated[list[str] | None, Form()] = None,
    milestone_value: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A proposal: its baseline is computed from the data; officials then sign it up."""
    dues, amounts = milestone_due or [], milestone_value or []
    shown = {
        "title_th": title_th,
        "title_en": title_en,
        "indicator": indicator,
        "parameter": parameter,
        "area": area,
        "station_code": station_code,
        "baseline_start": baseline_start,
        "baseline_end": baseline_end,
        "target_value": target_value,
        "deadline": deadline,
        "direction": direction,
        "milestone_due": dues,
        "milestone_value": amounts,
    }
    values = {
        "title_th": title_th.strip(),
        "title_en": title_en.strip(),
        "indicator": indicator,
        "parameter": parameter,
        "area": _optional(area),
        "station_code": _optional(station_code),
        "baseline_start": _optional(baseline_start),
        "baseline_end": _optional(baseline_end),
        "target_value": _optional(target_value),
        "deadline": _optional(deadline),
        "direction": direction,
        "milestones": _milestones(dues, amounts),
    }
    outcome = submit(
        page,
        TargetCreate,
        values,
        lambda data: create_target(
            page.session, data=data, actor=page.principal, now=page.now, zone=page.settings.zone
        ),
        refusals={InvalidInput: ("baseline_start", BASELINE_REFUSED)},
    )
    if outcome.result is None:
        return _targets_page(page, values=shown, errors=outcome.errors)
    return _see_other(f"/targets/{outcome.result.id}/page")


@router.post("/certifications", dependencies=PROPOSE)
def certify(
    page: PageDep,
    area: Annotated[str, Form()] = "",
    period_start: Annotated[str, Form()] = "",
    period_end: Annotated[str, Form()] = "",
) -> Response:
    """The backbone states that it checked the area's data of these days."""
    shown = {"area": area, "period_start": period_start, "period_end": period_end}
    values = {
        "area": area,
        "period_start": _optional(period_start),
        "period_end": _optional(period_end),
    }
    outcome = submit(
        page,
        CertificationCreate,
        values,
        lambda data: certify_period(
            page.session, data=data, actor=page.principal, now=page.now, zone=page.settings.zone
        ),
        refusals={
            InvalidInput: ("period_end", NOT_ENDED),
            Conflict: ("period_start", ALREADY_CERTIFIED),
        },
    )
    if outcome.result is None:
        return _targets_page(page, certify_values=shown, certify_errors=outcome.errors)
    return _see_other(f"/manage/targets?certified={outcome.result.id}#certify")


def _revise_page(
    page: Page,
    target_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    target = target_detail(
        page.session,
        target_id=target_id,
        viewer=page.principal,
        now=page.now,
        zone=page.settings.zone,
    )
    current = {
        "title_th": target.title_th,
        "title_en": target.title_en,
        "target_value": f"{target.target_value:g}",
        "deadline": target.deadline.isoformat(),
        "milestone_due": [m.due.isoformat() for m in target.milestones],
        "milestone_value": [f"{m.value:g}" for m in target.milestones],
        "reason": "",
    }
    return page.render(
        "manage/target_revise.html",
        {
            "target": target,
            "retired": target.status == TargetStatus.RETIRED,
            "values": values or current,
            "errors": errors or {},
            "milestone_rows": range(max(MILESTONE_ROWS, len(target.milestones) + 1)),
            "status_names": STATUS_NAMES,
            "indicator_names": INDICATOR_NAMES,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/targets/{target_id}", response_class=HTMLResponse, dependencies=PROPOSE)
def revise_form(page: PageDep, target_id: RowId) -> HTMLResponse:
    return _revise_page(page, target_id)


@router.post("/targets/{target_id}", dependencies=PROPOSE)
def revise(
    page: PageDep,
    target_id: RowId,
    reason: Annotated[str, Form()] = "",
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    target_value: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    milestone_due: Annotated[list[str] | None, Form()] = None,
    milestone_value: Annotated[list[str] | None, Form()] = None,
    retire: Annotated[str, Form()] = "",
) -> Response:
    """What is left empty stays as it is; the milestones given replace the old ones."""
    dues, amounts = milestone_due or [], milestone_value or []
    shown = {
        "reason": reason,
        "title_th": title_th,
        "title_en": title_en,
        "target_value": target_value,
        "deadline": deadline,
        "milestone_due": dues,
        "milestone_value": amounts,
        "retire": retire,
    }
    values: dict[str, Any] = {
        "reason": reason.strip(),
        "title_th": _optional(title_th),
        "title_en": _optional(title_en),
        "target_value": _optional(target_value),
        "deadline": _optional(deadline),
        "milestones": _milestones(dues, amounts),
        "retire": retire == "on",
    }
    outcome = submit(
        page,
        TargetRevise,
        values,
        lambda data: revise_target(
            page.session, target_id=target_id, data=data, actor=page.principal, now=page.now
        ),
        refusals={InvalidInput: ("reason", REVISION_REFUSED), Conflict: ("reason", RETIRED)},
    )
    if outcome.result is None:
        return _revise_page(page, target_id, values=shown, errors=outcome.errors)
    return _see_other(f"/targets/{target_id}/page")
