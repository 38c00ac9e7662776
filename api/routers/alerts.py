"""Alerts raised by the scheduler."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import SessionDep, ViewerDep
from core.alerts.schemas import AlertPublic
from core.alerts.service import list_alerts

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("", response_model=list[AlertPublic])
def get_alerts(
    session: SessionDep,
    viewer: ViewerDep,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AlertPublic]:
    """Newest first. The public sees alerts of public stations; staff see all."""
    return list_alerts(session, status=status, include_private=viewer.staff, limit=limit)
