"""The status of air quality, by station."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from api.auth import PrincipalDep, public
from api.deps import SessionDep, SettingsDep
from core.access.scope import StationScope
from core.public.schemas import StatusPublic
from core.public.status import public_status

router = APIRouter(tags=["status"])


@router.get("/status", response_model=StatusPublic, dependencies=[Depends(public)])
def get_status(session: SessionDep, principal: PrincipalDep, settings: SettingsDep) -> StatusPublic:
    """Latest value per station and parameter, the 24-hour average against the Thai
    standard, and the Thai AQI band with health advice in Thai and English; each village's
    worst band. Times in UTC and, as `…_local`, in the deployment's time zone. The public
    sees public stations; signed-in callers also the private ones that are theirs."""
    return public_status(
        session,
        now=datetime.now(UTC),
        zone=settings.zone,
        scope=StationScope.for_principal(principal),
    )
