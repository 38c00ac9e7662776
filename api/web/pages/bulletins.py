"""Bulletins on the web: the public list and page of each published bulletin (Thai first,
with its chart), and the backbone's review of drafts: reword, approve, publish, withdraw.

The JSON API has `/bulletins`; the pages live at `/air-bulletins` beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import public, require_roles
from api.web.forms import submit
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.bulletins.schemas import BulletinEdit
from core.bulletins.service import (
    WrongStatus,
    approve,
    edit_bulletin,
    get_bulletin,
    list_bulletins,
    png_dimensions,
    publish,
    withdraw,
)
from core.kit.db import RowId
from core.models import Bulletin, BulletinStatus, Role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

managers = require_roles(Role.BACKBONE, Role.ADMIN)
MANAGERS = [Depends(managers)]
PUBLIC = [Depends(public)]

WRONG_STATUS = N_("Someone has already moved this bulletin on: reload the page to see it.")
KIND_NAMES = {"daily": N_("Daily"), "weekly": N_("Weekly")}
STATUS_NAMES = {
    "draft": N_("Draft"),
    "approved": N_("Approved"),
    "published": N_("Published"),
    "withdrawn": N_("Withdrawn"),
}
PUBLIC_LIST = 60
STAFF_LIST = 30


def _texts(bulletin: Bulletin, language: str) -> dict[str, str]:
    if language == "th":
        return {"title": bulletin.title_th, "body": bulletin.body_th}
    return {"title": bulletin.title_en, "body": bulletin.body_en}


@router.get("/air-bulletins", response_class=HTMLResponse, dependencies=PUBLIC)
def bulletins_page(page: PageDep) -> HTMLResponse:
    bulletins = list_bulletins(page.session, principal=page.principal, limit=PUBLIC_LIST)
    return page.render(
        "bulletins.html",
        {
            "bulletins": [(b, _texts(b, page.language)) for b in bulletins],
            "kind_names_": KIND_NAMES,
        },
    )


@router.get("/air-bulletins/{bulletin_id}", response_class=HTMLResponse, dependencies=PUBLIC)
def bulletin_page(page: PageDep, bulletin_id: RowId) -> HTMLResponse:
    """Published bulletins for everyone; drafts for officials and the backbone, marked."""
    bulletin = get_bulletin(page.session, bulletin_id=bulletin_id, principal=page.principal)
    chart = bulletin.chart_th if page.language == "th" else bulletin.chart_en
    return page.render(
        "bulletin.html",
        {
            "bulletin": bulletin,
            "chart_size": png_dimensions(chart) if chart is not None else None,
            "text": _texts(bulletin, page.language),
            "kind_names_": KIND_NAMES,
            "status_names": STATUS_NAMES,
        },
    )


def _review_page(
    page: Page,
    *,
    errors: dict[str, str] | None = None,
    failed: int | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    to_review = [
        *list_bulletins(
            page.session, principal=page.principal, status=BulletinStatus.DRAFT, limit=STAFF_LIST
        ),
        *list_bulletins(
            page.session,
            principal=page.principal,
            status=BulletinStatus.APPROVED,
            limit=STAFF_LIST,
        ),
    ]
    published = list_bulletins(page.session, principal=page.principal, limit=STAFF_LIST)
    return page.render(
        "manage/bulletins.html",
        {
            "to_review": to_review,
            "published": published,
            "errors": errors or {},
            "failed": failed,
            "values": values or {},
            "kind_names_": KIND_NAMES,
            "status_names": STATUS_NAMES,
            "done": page.request.query_params.get("done"),
        },
        status_code=status.HTTP_409_CONFLICT if errors else 200,
    )


@router.get("/manage/bulletins", response_class=HTMLResponse, dependencies=MANAGERS)
def review_page(page: PageDep) -> HTMLResponse:
    return _review_page(page)


def _after(page: Page, bulletin_id: int, done: str, errors: dict[str, str]) -> Response:
    if errors:
        return _review_page(page, errors=errors, failed=bulletin_id)
    return RedirectResponse(
        f"/manage/bulletins?done={done}#bulletin-{bulletin_id}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.post("/manage/bulletins/{bulletin_id}/edit", dependencies=MANAGERS)
def edit_form(
    page: PageDep,
    bulletin_id: RowId,
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    body_th: Annotated[str, Form()] = "",
    body_en: Annotated[str, Form()] = "",
) -> Response:
    values = {"title_th": title_th, "title_en": title_en, "body_th": body_th, "body_en": body_en}
    outcome = submit(
        page,
        BulletinEdit,
        values,
        lambda data: edit_bulletin(
            page.session, bulletin_id=bulletin_id, edit=data, actor=page.principal, now=page.now
        ),
        refusals={WrongStatus: ("", WRONG_STATUS)},
    )
    if outcome.errors:
        return _review_page(page, errors=outcome.errors, failed=bulletin_id, values=values)
    return _after(page, bulletin_id, "edited", {})


def _step(page: Page, bulletin_id: int, done: str, action: Callable[[], Bulletin]) -> Response:
    """One button's step in a savepoint; refused when someone else moved the bulletin on."""
    try:
        with page.session.begin_nested():
            action()
    except WrongStatus:
        return _after(page, bulletin_id, done, {"": page.gettext(WRONG_STATUS)})
    return _after(page, bulletin_id, done, {})


@router.post("/manage/bulletins/{bulletin_id}/approve", dependencies=MANAGERS)
def approve_form(page: PageDep, bulletin_id: RowId) -> Response:
    return _step(
        page,
        bulletin_id,
        "approved",
        lambda: approve(page.session, bulletin_id=bulletin_id, actor=page.principal, now=page.now),
    )


@router.post("/manage/bulletins/{bulletin_id}/publish", dependencies=MANAGERS)
def publish_form(page: PageDep, bulletin_id: RowId) -> Response:
    return _step(
        page,
        bulletin_id,
        "published",
        lambda: publish(
            page.session,
            bulletin_id=bulletin_id,
            actor=page.principal,
            now=page.now,
            base_url=page.settings.bulletins.public_base_url,
        ),
    )


@router.post("/manage/bulletins/{bulletin_id}/withdraw", dependencies=MANAGERS)
def withdraw_form(page: PageDep, bulletin_id: RowId) -> Response:
    return _step(
        page,
        bulletin_id,
        "withdrawn",
        lambda: withdraw(page.session, bulletin_id=bulletin_id, actor=page.principal, now=page.now),
    )
