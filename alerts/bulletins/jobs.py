"""The periodic job: draft the bulletins due at a fire time, render their charts, and publish
them at once when the unit has chosen to (DUSTWATCH_BULLETINS__AUTO_PUBLISH)."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from alerts.bulletins.chart import render_chart
from core.access.principal import system_principal
from core.bulletins.service import approve, draft_bulletins, figures_of, publish, store_charts
from core.models import Bulletin, BulletinKind, BulletinStatus
from core.settings import BulletinSettings, Settings

log = logging.getLogger(__name__)

SCHEDULER = system_principal("dustwatch scheduler (bulletins)")


def last_fire_time(now: datetime, zone: ZoneInfo, at: time, weekday: int | None = None) -> datetime:
    """The latest scheduled time not after `now`: today's (or an earlier day's) `at` local
    time, on `weekday` (Monday 0) when given."""
    local = now.astimezone(zone)
    fire = datetime.combine(local.date(), at, tzinfo=zone)
    if fire > local:
        fire -= timedelta(days=1)
    while weekday is not None and fire.weekday() != weekday:
        fire -= timedelta(days=1)
    return fire


def add_charts(session: Session, bulletin: Bulletin, settings: BulletinSettings) -> None:
    figures = figures_of(bulletin)
    store_charts(
        session,
        bulletin,
        th=render_chart(
            figures.chart, area=bulletin.area, language="th", font_file=settings.font_file
        ),
        en=render_chart(
            figures.chart, area=bulletin.area, language="en", font_file=settings.font_file
        ),
    )


def draft_and_render(
    session: Session,
    *,
    fire_time: datetime,
    zone: ZoneInfo,
    kind: BulletinKind,
    settings: Settings,
    now: datetime | None = None,
) -> list[Bulletin]:
    """The bulletins of the period before `fire_time` (drafted as of it), with charts;
    published at `now` (default: the fire time) when the unit auto-publishes. Running it
    again for the same fire time changes nothing."""
    bulletins = draft_bulletins(session, now=fire_time, zone=zone, kind=kind, actor=SCHEDULER)
    for bulletin in bulletins:
        if bulletin.chart_th is None or bulletin.chart_en is None:
            add_charts(session, bulletin, settings.bulletins)
        if settings.bulletins.auto_publish and bulletin.status is BulletinStatus.DRAFT:
            published_at = max(now or fire_time, bulletin.drafted_at)
            approve(session, bulletin_id=bulletin.id, actor=SCHEDULER, now=published_at)
            publish(
                session,
                bulletin_id=bulletin.id,
                actor=SCHEDULER,
                now=published_at,
                base_url=settings.bulletins.public_base_url,
            )
    return bulletins


def draft_due_bulletins(
    session_factory: sessionmaker[Session], *, now: datetime, zone: ZoneInfo, settings: Settings
) -> list[int]:
    """Draft the daily bulletins due at the latest DUSTWATCH_BULLETINS__DRAFT_AT before `now`,
    and the weekly ones due at the latest such time on DUSTWATCH_BULLETINS__WEEKLY_ON; each
    kind in its own transaction. Idempotent: the periods come from the fire times, so any
    run between two fire times drafts the same bulletins once. Returns their ids."""
    config = settings.bulletins
    plans = (
        (BulletinKind.DAILY, last_fire_time(now, zone, config.draft_at)),
        (
            BulletinKind.WEEKLY,
            last_fire_time(now, zone, config.draft_at, weekday=config.weekly_weekday),
        ),
    )
    ids: list[int] = []
    for kind, fire_time in plans:
        with session_factory() as session, session.begin():
            bulletins = draft_and_render(
                session, fire_time=fire_time, zone=zone, kind=kind, settings=settings, now=now
            )
            ids.extend(b.id for b in bulletins)
        log.info("%s bulletins due at %s: %s", kind.value, fire_time.isoformat(), len(bulletins))
    return ids
