"""What people do about an alert: acknowledge it, record responses, resolve it by hand.

An alert is found by its public id among the stations the caller may see; one they may not
see is "not found", so its existence is not revealed. Acting on it takes an official, the
backbone or an admin, or an operator of the facility whose station it is. Every step is
audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, Principal
from core.access.scope import StationScope
from core.alerts.engine import close_by_hand
from core.alerts.schemas import (
    SEVERITY_RANK,
    AlertDetail,
    AlertEvent,
    AlertResponsePublic,
    InboxFilter,
)
from core.alerts.service import alert_out, alert_visible, list_alerts
from core.audit import record_change
from core.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from core.models import Alert, AlertEscalation, AlertResponse, Role, Station
from core.organisations.service import get_organisation
from core.standards.parameters import from_milli


class AlreadyDone(Conflict):
    """Acknowledged or resolved already: the page says so instead of doing it twice."""


class ResponseRequired(Conflict):
    """The deployment requires a response before an alert is closed by hand."""


RESOLVERS = frozenset({Role.OFFICIAL, *MANAGERS})
"""Who may resolve an alert by hand; they may also acknowledge and respond to any alert."""


def _find(
    session: Session, *, public_id: str, principal: Principal
) -> tuple[Alert, Station | None]:
    row = session.execute(
        select(Alert, Station)
        .outerjoin(Station, Station.id == Alert.station_id)
        .where(Alert.public_id == public_id, alert_visible(StationScope.for_principal(principal)))
    ).first()
    if row is None:
        raise NotFound(f"no alert {public_id}")
    alert, station = row
    return alert, station


def _may_act(principal: Principal, alert: Alert, station: Station | None) -> bool:
    if principal.has_role(*RESOLVERS):
        return True
    facility = station.organisation_id if station is not None else alert.facility_id
    return (
        principal.has_role(Role.OPERATOR)
        and principal.organisation_id is not None
        and principal.organisation_id == facility
    )


def _require_act(principal: Principal, alert: Alert, station: Station | None) -> None:
    if principal.is_anonymous:
        raise Unauthenticated("sign in first")
    if not _may_act(principal, alert, station):
        raise Forbidden(
            "only officials, the backbone unit and the operator of this station's facility "
            "may act on this alert"
        )


def get_alert(session: Session, *, public_id: str, principal: Principal) -> AlertDetail:
    """Names, notes and responses only for the people who may act on it."""
    alert, station = _find(session, public_id=public_id, principal=principal)
    return _detail(session, alert, station, principal)


def acknowledge(
    session: Session, *, public_id: str, principal: Principal, note: str, now: datetime
) -> AlertDetail:
    """Someone has seen it and is on it. Once only, and only while open."""
    alert, station = _find(session, public_id=public_id, principal=principal)
    _require_act(principal, alert, station)
    if alert.resolved_at is not None:
        raise AlreadyDone("this alert is already resolved")
    if alert.acknowledged_at is not None:
        raise AlreadyDone(f"already acknowledged by {alert.acknowledged_by_label}")
    alert.acknowledged_at = now
    alert.acknowledged_by_label = principal.label[:400]
    alert.acknowledged_by_user_id = principal.user_id
    alert.acknowledgement_note = note.strip() or None
    record_change(
        session,
        actor=principal,
        action="alert.acknowledge",
        entity="alert",
        entity_id=alert.public_id,
        before={"status": "open", "acknowledged": False},
        after={"status": "open", "acknowledged": True, "note": alert.acknowledgement_note},
    )
    return _detail(session, alert, station, principal)


def add_response(
    session: Session, *, public_id: str, principal: Principal, action: str, now: datetime
) -> AlertDetail:
    """Appends what was done; responses are kept, never changed."""
    alert, station = _find(session, public_id=public_id, principal=principal)
    _require_act(principal, alert, station)
    text = action.strip()
    if not text:
        raise InvalidInput("say what was done")
    session.add(
        AlertResponse(
            alert_id=alert.id,
            at=now,
            actor_label=principal.label[:400],
            actor_user_id=principal.user_id,
            action=text,
        )
    )
    session.flush()
    record_change(
        session,
        actor=principal,
        action="alert.respond",
        entity="alert",
        entity_id=alert.public_id,
        before=None,
        after={"response": text},
    )
    return _detail(session, alert, station, principal)


def resolve_by_hand(
    session: Session,
    *,
    public_id: str,
    principal: Principal,
    reason: str,
    now: datetime,
    require_response: bool,
    zone: ZoneInfo,
) -> AlertDetail:
    """Closes an open alert with a reason; when `require_response`, only after a response.
    Everyone who was told of it is told it is closed, with the reason.

    If the condition still holds, the next evaluation opens a new alert for it.
    """
    alert, station = _find(session, public_id=public_id, principal=principal)
    if principal.is_anonymous:
        raise Unauthenticated("sign in first")
    if not principal.has_role(*RESOLVERS):
        raise Forbidden("only officials and the backbone unit may resolve an alert by hand")
    if not reason.strip():
        raise InvalidInput("give the reason for closing it")
    if alert.resolved_at is not None:
        raise AlreadyDone("this alert is already resolved")
    if require_response and not _responses(session, alert):
        raise ResponseRequired(
            "record a response first (what was done about it): the backbone unit requires "
            "one before an alert is closed by hand"
        )
    close_by_hand(session, alert, actor=principal, reason=reason.strip(), now=now, zone=zone)
    return _detail(session, alert, station, principal)


INBOX_LIMIT = 100
"""Alerts of each status listed at most: the newest; filters find older ones."""


def _official_areas(session: Session, principal: Principal) -> list[str] | None:
    """An official's organisation's areas; None (every area) for staff or an organisation
    that names none."""
    if principal.has_role(Role.OFFICIAL) and principal.organisation_id is not None:
        organisation = get_organisation(session, organisation_id=principal.organisation_id)
        return list(organisation.areas) or None
    return None


def _require_inbox(principal: Principal) -> None:
    if principal.user_id is None or not principal.has_role(*RESOLVERS):
        raise Forbidden("the inbox is for officials and the backbone unit")


def inbox_areas(session: Session, *, principal: Principal) -> list[str]:
    """The areas an inbox can be narrowed to: an official's, or every visible station's."""
    _require_inbox(principal)
    areas = _official_areas(session, principal)
    if areas is not None:
        return sorted(areas)
    rows = session.scalars(
        select(Station.area).where(StationScope.for_principal(principal).visible()).distinct()
    )
    return sorted(area for area in rows if area)


def inbox(
    session: Session,
    *,
    principal: Principal,
    filters: InboxFilter | None = None,
    limit: int = INBOX_LIMIT,
) -> list[AlertDetail]:
    """Alerts for an official (of their organisation's areas, all when it has none) or staff
    (all): open by default, or resolved, or both (`filters`); open first, then most severe,
    then newest. Raises InvalidInput for an area outside the inbox's."""
    _require_inbox(principal)
    filters = filters or InboxFilter()
    areas: Sequence[str] | None = _official_areas(session, principal)
    if filters.area is not None:
        if filters.area not in inbox_areas(session, principal=principal):
            raise InvalidInput(f"no area {filters.area!r} in this inbox")
        areas = [filters.area]
    statuses: list[Literal["open", "resolved"]] = (
        ["open", "resolved"] if filters.status == "all" else [filters.status]
    )
    listed = [
        alert
        for status in statuses
        for alert in list_alerts(
            session,
            status=status,
            scope=StationScope.for_principal(principal),
            areas=areas,
            severity=filters.severity,
            limit=limit,
        )
    ]
    details = [get_alert(session, public_id=a.id, principal=principal) for a in listed]
    details.sort(key=lambda d: d.opened_at, reverse=True)
    details.sort(key=lambda d: SEVERITY_RANK[d.severity], reverse=True)
    details.sort(key=lambda d: d.level.rank, reverse=True)
    details.sort(key=lambda d: d.status != "open")
    return details


def _responses(session: Session, alert: Alert) -> list[AlertResponse]:
    return list(
        session.scalars(
            select(AlertResponse)
            .where(AlertResponse.alert_id == alert.id)
            .order_by(AlertResponse.at, AlertResponse.id)
        )
    )


def _detail(
    session: Session, alert: Alert, station: Station | None, principal: Principal
) -> AlertDetail:
    responses = _responses(session, alert)
    history = [
        AlertEvent(
            kind="opened",
            at=alert.opened_at,
            by=None,
            text=None,
            average=(
                float(from_milli(alert.opening_average_milli))
                if alert.opening_average_milli is not None
                else None
            ),
        )
    ]
    if alert.acknowledged_at is not None:
        history.append(
            AlertEvent(
                kind="acknowledged",
                at=alert.acknowledged_at,
                by=alert.acknowledged_by_label,
                text=alert.acknowledgement_note,
            )
        )
    history.extend(
        AlertEvent(kind="escalated", at=e.at, by=None, text=None, level=e.level)
        for e in session.scalars(
            select(AlertEscalation).where(AlertEscalation.alert_id == alert.id)
        )
    )
    history.extend(
        AlertEvent(kind="response", at=r.at, by=r.actor_label, text=r.action) for r in responses
    )
    resolution = alert.resolution
    if alert.resolved_at is not None:
        resolution = resolution or "automatic"
        average = alert.resolved_average_milli
        history.append(
            AlertEvent(
                kind="resolved",
                at=alert.resolved_at,
                by=alert.resolved_by_label,
                text=alert.resolution_reason,
                average=float(from_milli(average)) if average is not None else None,
            )
        )
    history.sort(key=lambda e: e.at)
    base = alert_out(alert, station)
    concerned = _may_act(principal, alert, station)
    if not concerned:
        # The public and others see what happened and when, not who wrote what.
        history = [e.model_copy(update={"by": None, "text": None}) for e in history]
        responses = []
    detail = AlertDetail(
        **base.model_dump(),
        acknowledged_by=alert.acknowledged_by_label,
        acknowledgement_note=alert.acknowledgement_note,
        resolution=resolution if resolution in ("automatic", "by_hand") else None,
        resolved_by=alert.resolved_by_label,
        resolution_reason=alert.resolution_reason,
        resolved_average=(
            float(from_milli(alert.resolved_average_milli))
            if alert.resolved_average_milli is not None
            else None
        ),
        escalation_level=alert.escalation_level,
        escalated_at=alert.escalated_at,
        responses=[
            AlertResponsePublic(at=r.at, by=r.actor_label, action=r.action) for r in responses
        ],
        history=history,
        may_act=alert.resolved_at is None and concerned,
        may_resolve=alert.resolved_at is None and principal.has_role(*RESOLVERS),
    )
    if not concerned:
        detail.acknowledged_by = detail.acknowledgement_note = None
        detail.resolved_by = detail.resolution_reason = None
    return detail
