"""Targets on the web: the common agenda at a glance (every target's status and progress) and
one page per target with its progress, milestones, signatories and revisions. The JSON API
has `/targets`; the overview page lives at `/agenda` beside it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import public, require_roles
from api.web.i18n import N_
from api.web.pages.actions import actions_with_headlines
from api.web.pages.actions import names as action_names
from api.web.pages.commitments import REPLY_STATES
from api.web.pages.complain import KIND_NAMES as COMPLAINT_KINDS
from api.web.pages.complain import STATUS_NAMES as COMPLAINT_STATUSES
from api.web.pages.forum import DECISION_STATUS_NAMES
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.forum.service import list_decisions, working_group_of_target
from core.kit.db import RowId
from core.kit.errors import Conflict
from core.models import TargetStatus
from core.targets.service import AGREERS, PROPOSERS, agree_target, targets_overview
from core.workspace.targets import target_workspace

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PUBLIC = [Depends(public)]
AGREE = [Depends(require_roles(*AGREERS))]
ALREADY_SIGNED = N_("Your organisation has already signed up to this target.")
STATUS_NAMES = {
    "proposed": N_("Proposed"),
    "agreed": N_("Agreed"),
    "revised": N_("Revised"),
    "retired": N_("Retired"),
}
INDICATOR_NAMES = {
    "exceedance_days": N_(
        "Days out of the Thai 24-hour standard (over a maximum, under a minimum)"
    ),
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
    can_propose = page.principal.has_role(*PROPOSERS)
    return page.render("targets.html", {"targets": targets, "can_propose": can_propose} | _names())


@router.get("/targets/{target_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def target_page(
    page: PageDep, target_id: RowId, done: bool = False, error: str = ""
) -> HTMLResponse:
    """The target with its indicator over time, then what happens in its area: the
    commitments and their breaches with replies, the complaints. Staff who may agree see a
    button that signs their organisation up."""
    workspace = target_workspace(
        page.session,
        target_id=target_id,
        viewer=page.principal,
        now=page.now,
        zone=page.settings.zone,
        reply_days=page.settings.commitments.reply_days,
    )
    target = workspace.target
    can_agree = (
        page.principal.has_role(*AGREERS)
        and page.principal.organisation_id is not None
        and target.status != TargetStatus.RETIRED
        and all(s.organisation_id != page.principal.organisation_id for s in target.signatories)
    )
    forum = {
        "working_group": working_group_of_target(page.session, target_id=target.id),
        "decisions": list_decisions(
            page.session,
            viewer=page.principal,
            today=page.now.astimezone(page.settings.zone).date(),
            target_id=target.id,
        ),
        "decision_status_names": DECISION_STATUS_NAMES,
    }
    return page.render(
        "target.html",
        {
            "target": target,
            "series": workspace.series,
            "area": workspace.area,
            "commitments": workspace.commitments,
            "complaints": workspace.complaints,
            "reply_states": REPLY_STATES,
            "complaint_kinds": {k.value: v for k, v in COMPLAINT_KINDS.items()},
            "complaint_statuses": {k.value: v for k, v in COMPLAINT_STATUSES.items()},
            "can_agree": can_agree,
            "can_revise": page.principal.has_role(*PROPOSERS)
            and target.status != TargetStatus.RETIRED,
            "done": done,
            "error": error,
            "actions": actions_with_headlines(page, target_id=target.id),
            "may_register": page.principal.role is not None,
        }
        | _names()
        | action_names()
        | forum,
    )


@router.post("/targets/{target_id}/page/agree", dependencies=AGREE)
def agree_form(page: PageDep, target_id: RowId) -> Response:
    """Signs the caller's organisation up, then shows the target again."""
    try:
        with page.session.begin_nested():
            agree_target(
                page.session,
                target_id=target_id,
                actor=page.principal,
                now=page.now,
                zone=page.settings.zone,
            )
    except Conflict:
        return target_page(page, target_id, error=page.gettext(ALREADY_SIGNED))
    return RedirectResponse(
        f"/targets/{target_id}/page?done=true", status_code=status.HTTP_303_SEE_OTHER
    )
