"""Alerts raised by the scheduler."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, public
from api.deps import SessionDep
from core.access.scope import StationScope
from core.alerts.schemas import AlertPublic
from core.alerts.service import list_alerts

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
