"""Targets on the web: the common agenda at a glance (every target's status and progress) and
one page per target with its progress, milestones, signatories and revisions. The JSON API
has `/targets`; the overview page lives at `/agenda` beside it."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.i18n import N_
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.kit.db import RowId
from core.targets.service import target_detail, targets_overview

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PUBLIC = [Depends(public)]
STATUS_NAMES = {
    "proposed": N_("Proposed"),
    "agreed": N_("Agreed"),
    "revised": N_("Revised"),
    "retired": N_("Retired"),
}
INDICATOR_NAMES = {
    "exceedance_days": N_("Days over the Thai 24-hour standard"),
    "period_mean": N_("Mean of the daily means"),
    "valid_share": N_("Share of days with valid data"),
}
TRACK_NAMES = {True: N_("On track"), False: N_("Behind the path"), None: N_("Not yet judged")}


def _names() -> dict[str, object]:
    return {"status_names": STATUS_NAMES, "indicator_names": INDICATOR_NAMES, "tracks": TRACK_NAMES}


@router.get("/agenda", response_class=HTMLResponse, dependencies=PUBLIC)
def agenda_page(page: PageDep) -> HTMLResponse:
    targets = targets_overview(
        page.session, viewer=page.principal, now=page.now, zone=page.settings.zone
    )
    return page.render("targets.html", {"targets": targets} | _names())


@router.get("/targets/{target_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def target_page(page: PageDep, target_id: RowId) -> HTMLResponse:
    target = target_detail(
        page.session,
        target_id=target_id,
        viewer=page.principal,
        now=page.now,
        zone=page.settings.zone,
    )
    return page.render("target.html", {"target": target} | _names())
