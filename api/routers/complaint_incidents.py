"""Incidents: complaints about the same event, anonymised. A reporter's form asks for the
open ones near a place and time, to add to one instead of starting anew."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from api.auth import public
from api.deps import SessionDep
from core.complaints.incidents import list_incidents, nearby_incidents
from core.complaints.schemas import IncidentPublic
from core.kit.errors import InvalidInput

router = APIRouter(prefix="/complaint-incidents", tags=["complaints"])


@router.get("", response_model=list[IncidentPublic], dependencies=[Depends(public)])
def get_incidents(
    session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[IncidentPublic]:
    """Incidents, newest first: kinds and count of their complaints, span, village, status
    and a centre rounded to about 110 m."""
    return list_incidents(session, limit=limit)


@router.get("/nearby", response_model=list[IncidentPublic], dependencies=[Depends(public)])
def get_nearby(
    session: SessionDep,
    time: Annotated[AwareDatetime | None, Query(description="default: now")] = None,
    latitude: Annotated[float | None, Query(ge=-90, le=90, allow_inf_nan=False)] = None,
    longitude: Annotated[float | None, Query(ge=-180, le=180, allow_inf_nan=False)] = None,
    village: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> list[IncidentPublic]:
    """Open incidents within 3 hours and 2 km of the point (or in the village), nearest
    first: a reporter may add to one of these."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput("give both latitude and longitude, or neither")
    if latitude is None and village is None:
        raise InvalidInput("say where: latitude and longitude, or a village")
    try:
        at = time if time is not None else datetime.now(UTC)
        at.astimezone(UTC)
    except OverflowError:
        raise InvalidInput("time out of range") from None
    return nearby_incidents(session, at=at, latitude=latitude, longitude=longitude, village=village)
