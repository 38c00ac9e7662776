"""Drafting bulletins, and their way to the public: draft → approved → published (or
withdrawn), each step by backbone staff (or the unit's auto-publishing) and audited.

Drafting is idempotent: one bulletin per area, kind and first day (a unique constraint), so
a job run twice, or by two processes at once, leaves one.
"""

from __future__ import annotations

import struct
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.bulletins import text
from core.bulletins.figures import compute_figures, period_ended, public_areas
from core.bulletins.schemas import (
    BulletinEdit,
    BulletinFigures,
    BulletinPublic,
    BulletinSummary,
)
from core.kit.errors import Conflict, Forbidden, NotFound
from core.models import Bulletin, BulletinKind, BulletinStatus, Role
from core.outbox.service import enqueue_bulletin_published

ENTITY = "bulletin"
READERS = (Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)
"""Who sees drafts and withdrawn bulletins besides published ones."""
EDITORS = (Role.BACKBONE, Role.ADMIN)
"""Who edits, approves, publishes and withdraws: the backbone unit issues bulletins."""
MAX_LIST = 500


class WrongStatus(Conflict):
    """The step does not apply to a bulletin in its current status."""


def _snapshot(bulletin: Bulletin) -> dict[str, Any]:
    return {
        "area": bulletin.area,
        "kind": bulletin.kind.value,
        "period_start": bulletin.period_start.isoformat(),
        "period_end": bulletin.period_end.isoformat(),
        "status": bulletin.status.value,
        "title_th": bulletin.title_th,
        "title_en": bulletin.title_en,
        "body_th": bulletin.body_th,
        "body_en": bulletin.body_en,
    }


def _existing(session: Session, area: str, kind: BulletinKind, start: date) -> Bulletin | None:
    return session.scalar(
        select(Bulletin).where(
            Bulletin.area == area, Bulletin.kind == kind, Bulletin.period_start == start
        )
    )


def draft_bulletins(
    session: Session, *, now: datetime, zone: ZoneInfo, kind: BulletinKind, actor: Principal
) -> list[Bulletin]:
    """The bulletin of each area with public stations for the period that ended when `now`'s
    local day began (yesterday, or the seven days to yesterday): drafted from the indicators
    when new, else the one already there, untouched."""
    start, end = period_ended(now, zone, kind)
    bulletins = []
    for area in public_areas(session):
        found = _existing(session, area, kind, start)
        if found is not None:
            bulletins.append(found)
            continue
        figures = compute_figures(session, area=area, kind=kind, start=start, end=end, zone=zone)
        bulletin = Bulletin(
            area=area,
            kind=kind,
            period_start=start,
            period_end=end,
            status=BulletinStatus.DRAFT,
            title_th=text.title(figures, "th"),
            title_en=text.title(figures, "en"),
            body_th=text.body(figures, "th"),
            body_en=text.body(figures, "en"),
            figures=figures.model_dump(mode="json"),
            drafted_at=now,
        )
        try:
            with session.begin_nested():
                session.add(bulletin)
                session.flush()
        except IntegrityError:
            # Another process drafted it in between: theirs stands.
            raced = _existing(session, area, kind, start)
            assert raced is not None
            bulletins.append(raced)
            continue
        record_change(
            session,
            actor=actor,
            action="draft",
            entity=ENTITY,
            entity_id=str(bulletin.id),
            before=None,
            after=_snapshot(bulletin),
        )
        bulletins.append(bulletin)
    return bulletins


def store_charts(session: Session, bulletin: Bulletin, *, th: bytes, en: bytes) -> None:
    """The rendered charts (rendering needs matplotlib, which the domain does not load)."""
    bulletin.chart_th = th
    bulletin.chart_en = en
    session.flush()


def png_dimensions(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header, for the page's <img> to keep its place."""
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def figures_of(bulletin: Bulletin) -> BulletinFigures:
    return BulletinFigures.model_validate(bulletin.figures)


def _may_read_all(principal: Principal) -> bool:
    return principal.has_role(*READERS)


def _get(session: Session, bulletin_id: int, principal: Principal) -> Bulletin:
    bulletin = session.get(Bulletin, bulletin_id)
    visible = bulletin is not None and (
        bulletin.status is BulletinStatus.PUBLISHED or _may_read_all(principal)
    )
    if bulletin is None or not visible:
        raise NotFound(f"no bulletin {bulletin_id}")
    return bulletin


def summary_of(bulletin: Bulletin) -> BulletinSummary:
    return BulletinSummary(
        id=bulletin.id,
        area=bulletin.area,
        kind=bulletin.kind.value,
        period_start=bulletin.period_start,
        period_end=bulletin.period_end,
        status=bulletin.status.value,
        title_th=bulletin.title_th,
        title_en=bulletin.title_en,
        published_at=bulletin.published_at,
    )


def bulletin_out(bulletin: Bulletin) -> BulletinPublic:
    has_chart = bulletin.chart_th is not None
    return BulletinPublic(
        **summary_of(bulletin).model_dump(),
        body_th=bulletin.body_th,
        body_en=bulletin.body_en,
        figures=figures_of(bulletin),
        has_chart=has_chart,
        chart_url_th=f"/bulletins/{bulletin.id}/chart.png?lang=th" if has_chart else None,
        chart_url_en=f"/bulletins/{bulletin.id}/chart.png?lang=en" if has_chart else None,
        drafted_at=bulletin.drafted_at,
        edited_at=bulletin.edited_at,
        edited_by=bulletin.edited_by_label,
        approved_at=bulletin.approved_at,
        approved_by=bulletin.approved_by_label,
        published_by=bulletin.published_by_label,
        withdrawn_at=bulletin.withdrawn_at,
        withdrawn_by=bulletin.withdrawn_by_label,
    )


def list_bulletins(
    session: Session,
    *,
    principal: Principal,
    area: str | None = None,
    kind: BulletinKind | None = None,
    start: date | None = None,
    end: date | None = None,
    status: BulletinStatus | None = None,
    limit: int = 100,
) -> list[Bulletin]:
    """Newest period first. The public sees published bulletins only; officials and the
    backbone may ask for any status (default: published). `start`/`end` keep bulletins whose
    period lies within those local days."""
    wanted = status or BulletinStatus.PUBLISHED
    if wanted is not BulletinStatus.PUBLISHED and not _may_read_all(principal):
        raise Forbidden("only officials and the backbone unit see unpublished bulletins")
    query = select(Bulletin).where(Bulletin.status == wanted)
    if area is not None:
        query = query.where(Bulletin.area == area)
    if kind is not None:
        query = query.where(Bulletin.kind == kind)
    if start is not None:
        query = query.where(Bulletin.period_start >= start)
    if end is not None:
        query = query.where(Bulletin.period_end <= end)
    query = query.order_by(
        Bulletin.period_end.desc(), Bulletin.kind, Bulletin.area, Bulletin.id.desc()
    ).limit(min(limit, MAX_LIST))
    return list(session.scalars(query))


def get_bulletin(session: Session, *, bulletin_id: int, principal: Principal) -> Bulletin:
    """A published bulletin for anyone; others for officials and the backbone (404 else)."""
    return _get(session, bulletin_id, principal)


def chart_png(session: Session, *, bulletin_id: int, principal: Principal, language: str) -> bytes:
    bulletin = _get(session, bulletin_id, principal)
    chart = bulletin.chart_en if language == "en" else bulletin.chart_th
    if chart is None:
        raise NotFound(f"bulletin {bulletin_id} has no chart yet")
    return chart


def _acting(session: Session, bulletin_id: int, actor: Principal) -> Bulletin:
    actor.require_role(*EDITORS)
    return _get(session, bulletin_id, actor)


def _require(bulletin: Bulletin, *allowed: BulletinStatus, step: str) -> None:
    if bulletin.status not in allowed:
        names = " or ".join(s.value for s in allowed)
        raise WrongStatus(
            f"bulletin {bulletin.id} is {bulletin.status.value}; only a {names} bulletin can "
            f"be {step}"
        )


def _audit(
    session: Session, bulletin: Bulletin, actor: Principal, action: str, before: dict[str, Any]
) -> None:
    record_change(
        session,
        actor=actor,
        action=action,
        entity=ENTITY,
        entity_id=str(bulletin.id),
        before=before,
        after=_snapshot(bulletin),
    )


def edit_bulletin(
    session: Session, *, bulletin_id: int, edit: BulletinEdit, actor: Principal, now: datetime
) -> Bulletin:
    """Staff reword a draft before approving it; the figures stay as drafted."""
    bulletin = _acting(session, bulletin_id, actor)
    _require(bulletin, BulletinStatus.DRAFT, step="edited")
    before = _snapshot(bulletin)
    bulletin.title_th, bulletin.title_en = edit.title_th, edit.title_en
    bulletin.body_th, bulletin.body_en = edit.body_th, edit.body_en
    if _snapshot(bulletin) != before:
        bulletin.edited_at = now
        bulletin.edited_by_label = actor.label[:400]
    session.flush()
    _audit(session, bulletin, actor, "edit", before)
    return bulletin


def approve(session: Session, *, bulletin_id: int, actor: Principal, now: datetime) -> Bulletin:
    bulletin = _acting(session, bulletin_id, actor)
    _require(bulletin, BulletinStatus.DRAFT, step="approved")
    before = _snapshot(bulletin)
    bulletin.status = BulletinStatus.APPROVED
    bulletin.approved_at = now
    bulletin.approved_by_label = actor.label[:400]
    bulletin.approved_by_user_id = actor.user_id
    session.flush()
    _audit(session, bulletin, actor, "approve", before)
    return bulletin


def publish(
    session: Session,
    *,
    bulletin_id: int,
    actor: Principal,
    now: datetime,
    base_url: str,
) -> Bulletin:
    """Public from now on, and a message to each subscriber of bulletins of its area, in the
    same transaction (the outbox sends them)."""
    bulletin = _acting(session, bulletin_id, actor)
    _require(bulletin, BulletinStatus.APPROVED, step="published")
    before = _snapshot(bulletin)
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_at = now
    bulletin.published_by_label = actor.label[:400]
    bulletin.published_by_user_id = actor.user_id
    session.flush()
    _audit(session, bulletin, actor, "publish", before)
    enqueue_bulletin_published(session, bulletin, base_url=base_url)
    return bulletin


def withdraw(session: Session, *, bulletin_id: int, actor: Principal, now: datetime) -> Bulletin:
    """Taken off the public list and feed (kept, with who withdrew it); messages already
    sent cannot be recalled."""
    bulletin = _acting(session, bulletin_id, actor)
    _require(
        bulletin,
        BulletinStatus.DRAFT,
        BulletinStatus.APPROVED,
        BulletinStatus.PUBLISHED,
        step="withdrawn",
    )
    before = _snapshot(bulletin)
    bulletin.status = BulletinStatus.WITHDRAWN
    bulletin.withdrawn_at = now
    bulletin.withdrawn_by_label = actor.label[:400]
    bulletin.withdrawn_by_user_id = actor.user_id
    session.flush()
    _audit(session, bulletin, actor, "withdraw", before)
    return bulletin
