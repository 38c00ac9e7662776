"""Alerts raised by the scheduler."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep
from core.access.scope import StationScope
from core.alerts.schemas import AlertPublic
from core.alerts.service import list_alerts
from core.models import Role
from core.outbox.schemas import DeliveryPublic
from core.outbox.service import list_deliveries

router = APIRouter(prefix="/alerts", tags=["alerts"])


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
