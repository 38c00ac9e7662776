"""Stations and their readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import SessionDep, StaffDep, ViewerDep
from core.readings.queries import list_readings
from core.readings.schemas import ReadingPublic
from core.stations.schemas import StationCreate, StationPublic
from core.stations.service import create_station, list_stations

router = APIRouter(prefix="/stations", tags=["stations"])


@router.get("", response_model=list[StationPublic])
def get_stations(session: SessionDep, viewer: ViewerDep) -> list[StationPublic]:
    """Public stations; backbone staff also see private (factory) ones."""
    return [
        StationPublic.model_validate(s)
        for s in list_stations(session, include_private=viewer.staff)
    ]


@router.post("", response_model=StationPublic, status_code=status.HTTP_201_CREATED)
def post_station(data: StationCreate, session: SessionDep, _staff: StaffDep) -> StationPublic:
    """Register a station (backbone staff). 409 when the code is taken."""
    return StationPublic.model_validate(create_station(session, data=data))


@router.get("/{code}/readings", response_model=list[ReadingPublic])
def get_readings(
    code: str,
    session: SessionDep,
    viewer: ViewerDep,
    parameter: Annotated[str | None, Query(description="e.g. pm10, pm25")] = None,
    start: Annotated[
        datetime | None, Query(description="inclusive, with offset; default end - 24 h")
    ] = None,
    end: Annotated[
        datetime | None, Query(description="exclusive, with offset; default now")
    ] = None,
) -> list[ReadingPublic]:
    """Readings in [start, end), oldest first, at most 31 days per request."""
    until = end or datetime.now(UTC)
    since = start or until - timedelta(hours=24)
    return list_readings(
        session,
        station_code=code,
        parameter=parameter,
        start=since,
        end=until,
        include_private=viewer.staff,
    )
