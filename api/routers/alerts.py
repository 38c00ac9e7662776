"""Alerts raised by the scheduler, and what people do about them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from core.access.scope import StationScope
from core.alerts.lifecycle import acknowledge, add_response, get_alert, resolve_by_hand
from core.alerts.schemas import AcknowledgeIn, AlertDetail, AlertPublic, ResolveIn, ResponseIn
from core.alerts.service import list_alerts
from core.models import Role
from core.outbox.schemas import DeliveryPublic
from core.outbox.service import list_deliveries

router = APIRouter(prefix="/alerts", tags=["alerts"])

responders = require_roles(Role.OFFICIAL, Role.BACKBONE, Role.ADMIN, Role.OPERATOR)
resolvers = require_roles(Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[AlertPublic], dependencies=[Depends(public)])
def get_alerts(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AlertPublic]:
    """Newest first, of the stations the caller may see: the public sees public stations."""
    return list_alerts(
        session, status=status, scope=StationScope.for_principal(principal), limit=limit
    )


@router.get(
    "/{public_id}/deliveries",
    response_model=list[DeliveryPublic],
    dependencies=[Depends(require_roles(Role.BACKBONE, Role.ADMIN))],
)
def get_deliveries(public_id: str, session: SessionDep) -> list[DeliveryPublic]:
    """Each message of the alert, per recipient and channel, with every attempt to send it."""
    return list_deliveries(session, public_id)


@router.get("/{public_id}", response_model=AlertDetail, dependencies=[Depends(public)])
def get_one_alert(session: SessionDep, principal: PrincipalDep, public_id: str) -> AlertDetail:
    """One alert with its history: opened, acknowledged, responses, resolved. 404 for an
    alert of a station the caller may not see."""
    return get_alert(session, public_id=public_id, principal=principal)


@router.post(
    "/{public_id}/acknowledge", response_model=AlertDetail, dependencies=[Depends(responders)]
)
def post_acknowledge(
    session: SessionDep, principal: PrincipalDep, public_id: str, body: AcknowledgeIn
) -> AlertDetail:
    """Seen and being dealt with, with a note. Operators: their facility's stations only."""
    return acknowledge(
        session, public_id=public_id, principal=principal, note=body.note, now=datetime.now(UTC)
    )


@router.post(
    "/{public_id}/responses", response_model=AlertDetail, dependencies=[Depends(responders)]
)
def post_response(
    session: SessionDep, principal: PrincipalDep, public_id: str, body: ResponseIn
) -> AlertDetail:
    """Appends what was done ("water truck sent to road 3"); kept as the alert's history."""
    return add_response(
        session, public_id=public_id, principal=principal, action=body.action, now=datetime.now(UTC)
    )


@router.post("/{public_id}/resolve", response_model=AlertDetail, dependencies=[Depends(resolvers)])
def post_resolve(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    public_id: str,
    body: ResolveIn,
) -> AlertDetail:
    """Closes it by hand with a reason. 409 without a response when the deployment requires
    one (DUSTWATCH_ALERTS__REQUIRE_RESPONSE_TO_RESOLVE)."""
    return resolve_by_hand(
        session,
        public_id=public_id,
        principal=principal,
        reason=body.reason,
        now=datetime.now(UTC),
        require_response=settings.alerts.require_response_to_resolve,
        zone=settings.zone,
    )
