"""Bulletins: the public reads published ones (JSON, chart PNG, Atom feed); the backbone unit
edits, approves, publishes and withdraws drafts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from core.access.principal import ANONYMOUS
from core.bulletins.feed import atom_feed
from core.bulletins.schemas import BulletinEdit, BulletinPublic, BulletinSummary
from core.bulletins.service import (
    approve,
    bulletin_out,
    chart_png,
    edit_bulletin,
    get_bulletin,
    list_bulletins,
    publish,
    summary_of,
    withdraw,
)
from core.kit.db import RowId
from core.models import BulletinKind, BulletinStatus, Role

router = APIRouter(prefix="/bulletins", tags=["bulletins"])
feed_router = APIRouter(tags=["bulletins"])

editors = require_roles(Role.BACKBONE, Role.ADMIN)
ATOM_TYPE = "application/atom+xml"
FEED_ENTRIES = 50

AreaQuery = Annotated[str | None, Query(min_length=1, max_length=200)]
Language = Annotated[Literal["th", "en"], Query(alias="lang")]


@router.get("", response_model=list[BulletinSummary], dependencies=[Depends(public)])
def get_bulletins(
    session: SessionDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    kind: BulletinKind | None = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    status: BulletinStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[BulletinSummary]:
    """Published bulletins, newest period first; `from`/`to` (local days) keep those whose
    period lies within. Officials and the backbone may ask for another `status` (drafts to
    review); others get 403 for it."""
    found = list_bulletins(
        session,
        principal=principal,
        area=area,
        kind=kind,
        start=start,
        end=end,
        status=status,
        limit=limit,
    )
    return [summary_of(b) for b in found]


@feed_router.get(
    "/bulletins.atom",
    response_class=Response,
    responses={200: {"content": {ATOM_TYPE: {}}, "description": "An Atom 1.0 feed."}},
    dependencies=[Depends(public)],
)
def get_feed(
    session: SessionDep,
    settings: SettingsDep,
    lang: Annotated[Literal["th", "en"] | None, Query()] = None,
) -> Response:
    """The latest 50 published bulletins as Atom, a Thai and an English entry each (or one
    language with `lang`): the same for everyone."""
    bulletins = list_bulletins(session, principal=ANONYMOUS, limit=FEED_ENTRIES)
    return Response(
        atom_feed(bulletins, base_url=settings.bulletins.public_base_url, language=lang),
        media_type=f"{ATOM_TYPE}; charset=utf-8",
    )


@router.get("/{bulletin_id}", response_model=BulletinPublic, dependencies=[Depends(public)])
def get_one(session: SessionDep, principal: PrincipalDep, bulletin_id: RowId) -> BulletinPublic:
    """A published bulletin with its figures; drafts and withdrawn ones for officials and
    the backbone only (404 for others)."""
    return bulletin_out(get_bulletin(session, bulletin_id=bulletin_id, principal=principal))


@router.get(
    "/{bulletin_id}/chart.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The last 7 days' chart."}},
    dependencies=[Depends(public)],
)
def get_chart(
    session: SessionDep,
    principal: PrincipalDep,
    bulletin_id: RowId,
    lang: Language = "th",
) -> Response:
    """The chart with Thai (`lang=th`) or English labels; 404 until it is rendered."""
    png = chart_png(session, bulletin_id=bulletin_id, principal=principal, language=lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=300"})


@router.put("/{bulletin_id}", response_model=BulletinPublic, dependencies=[Depends(editors)])
def put_text(
    session: SessionDep, principal: PrincipalDep, bulletin_id: RowId, body: BulletinEdit
) -> BulletinPublic:
    """Reword a draft (409 once approved); audited with the text before and after."""
    return bulletin_out(
        edit_bulletin(
            session, bulletin_id=bulletin_id, edit=body, actor=principal, now=datetime.now(UTC)
        )
    )


@router.post(
    "/{bulletin_id}/approve", response_model=BulletinPublic, dependencies=[Depends(editors)]
)
def post_approve(
    session: SessionDep, principal: PrincipalDep, bulletin_id: RowId
) -> BulletinPublic:
    """A draft becomes approved (409 otherwise); the text can no longer be edited."""
    return bulletin_out(
        approve(session, bulletin_id=bulletin_id, actor=principal, now=datetime.now(UTC))
    )


@router.post(
    "/{bulletin_id}/publish", response_model=BulletinPublic, dependencies=[Depends(editors)]
)
def post_publish(
    session: SessionDep, settings: SettingsDep, principal: PrincipalDep, bulletin_id: RowId
) -> BulletinPublic:
    """An approved bulletin becomes public, and its subscribers' messages go to the outbox."""
    return bulletin_out(
        publish(
            session,
            bulletin_id=bulletin_id,
            actor=principal,
            now=datetime.now(UTC),
            base_url=settings.bulletins.public_base_url,
        )
    )


@router.post(
    "/{bulletin_id}/withdraw", response_model=BulletinPublic, dependencies=[Depends(editors)]
)
def post_withdraw(
    session: SessionDep, principal: PrincipalDep, bulletin_id: RowId
) -> BulletinPublic:
    """Off the public list, page and feed; kept with who withdrew it."""
    return bulletin_out(
        withdraw(session, bulletin_id=bulletin_id, actor=principal, now=datetime.now(UTC))
    )
