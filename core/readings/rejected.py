"""What was refused, read back: for staff (filtered, page by page) and for the devices
themselves (their last refusal, which the MQTT ingest publishes on their status topic).

Backbone staff and admins see every refusal, those that name no known station included
(a wrong topic, an unknown station code). An operator sees the refusals of its
organisation's stations and a volunteer those of the stations it keeps: what their own
devices are told. Officials and the public see none: a refused payload is a device's
raw traffic, not a measurement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.kit.errors import Forbidden, InvalidInput, Unauthenticated
from core.models import ReadingSource, RejectedMessage, Role, Station, StationKeeper
from core.readings.schemas import (
    RejectedMessagePublic,
    RejectedPagePublic,
    RejectionStatusPublic,
)

VIEWERS = (Role.BACKBONE, Role.ADMIN, Role.OPERATOR, Role.VOLUNTEER)
"""Roles that may see refusals (operators and volunteers their own stations' only)."""
PAYLOAD_SHOWN_CHARS = 2000
MAX_PAGE = 500
SOURCES = tuple(s.name.lower() for s in ReadingSource)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class RejectedFilter:
    """Every field optional: `station` exactly (any case), `reason` a substring (any case),
    `source` one of SOURCES, `since`/`until` times (naive ones in the deployment's zone)."""

    station: str | None = None
    reason: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def shown(text: str, limit: int) -> str:
    """The start of `text`, control characters as visible `\\xNN` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text[:limit])


def list_rejections(
    session: Session,
    *,
    viewer: Principal,
    filters: RejectedFilter,
    zone: ZoneInfo,
    payload_chars: int = PAYLOAD_SHOWN_CHARS,
) -> RejectedPagePublic:
    """The newest refusals first, as far as `viewer` may see them."""
    conditions = [_visible_to(session, viewer), *_matching(filters, zone)]
    if not 1 <= filters.limit <= MAX_PAGE or filters.offset < 0:
        raise InvalidInput(f"limit must be 1..{MAX_PAGE} and offset at least 0")
    total = session.scalar(select(func.count()).select_from(RejectedMessage).where(*conditions))
    rows = session.scalars(
        select(RejectedMessage)
        .where(*conditions)
        .order_by(RejectedMessage.last_seen_at.desc(), RejectedMessage.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return RejectedPagePublic(
        total=int(total or 0),
        limit=filters.limit,
        offset=filters.offset,
        items=[_public(row, payload_chars) for row in rows],
    )


def _visible_to(session: Session, viewer: Principal) -> ColumnElement[bool]:
    if viewer.is_anonymous:
        raise Unauthenticated("sign in first")
    if viewer.is_manager:
        return RejectedMessage.id.is_not(None)
    if viewer.has_role(Role.OPERATOR) and viewer.organisation_id is not None:
        own = select(Station.code).where(Station.organisation_id == viewer.organisation_id)
    elif viewer.has_role(Role.VOLUNTEER) and viewer.user_id is not None:
        own = (
            select(Station.code)
            .join(StationKeeper, StationKeeper.station_id == Station.id)
            .where(StationKeeper.user_id == viewer.user_id)
        )
    else:
        raise Forbidden("refused messages are shown to the backbone and to a station's own people")
    return RejectedMessage.station_code.in_(own)


def _matching(filters: RejectedFilter, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.station:
        conditions.append(func.lower(RejectedMessage.station_code) == filters.station.lower())
    if filters.reason:
        conditions.append(
            func.lower(RejectedMessage.reason).contains(filters.reason.lower(), autoescape=True)
        )
    if filters.source:
        if filters.source not in SOURCES:
            raise InvalidInput(f"source must be one of {', '.join(SOURCES)}")
        conditions.append(RejectedMessage.source == filters.source)
    since, until = (_aware(t, zone) for t in (filters.since, filters.until))
    if since is not None:
        conditions.append(RejectedMessage.last_seen_at >= since)
    if until is not None:
        conditions.append(RejectedMessage.received_at < until)
    if since is not None and until is not None and until <= since:
        raise InvalidInput("until must be after since")
    return conditions


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _public(row: RejectedMessage, payload_chars: int) -> RejectedMessagePublic:
    return RejectedMessagePublic(
        id=row.id,
        first_seen_at=row.received_at,
        last_seen_at=row.last_seen_at,
        times_seen=row.times_seen,
        source=row.source,
        origin=shown(row.topic, 300),
        station=row.station_code,
        reason=shown(row.reason, PAYLOAD_SHOWN_CHARS),
        payload=shown(row.payload, payload_chars),
        payload_chars=len(row.payload),
    )


def rejection_status(session: Session, codes: set[str]) -> list[RejectionStatusPublic]:
    """The last refusal and the count of refusals of each of these stations that exists;
    a code that names no station gets nothing (nobody could read it)."""
    known = session.scalars(select(Station.code).where(Station.code.in_(codes))).all()
    answers = []
    for code in sorted(known):
        last = session.scalars(
            select(RejectedMessage)
            .where(RejectedMessage.station_code == code)
            .order_by(RejectedMessage.last_seen_at.desc(), RejectedMessage.id.desc())
            .limit(1)
        ).first()
        if last is None:
            continue
        count = session.scalar(
            select(func.sum(RejectedMessage.times_seen)).where(RejectedMessage.station_code == code)
        )
        answers.append(
            RejectionStatusPublic(
                station=code,
                reason=last.reason[:PAYLOAD_SHOWN_CHARS],
                at=last.last_seen_at,
                origin=last.topic,
                source=last.source,
                count=int(count or 0),
            )
        )
    return answers
