"""Stations and their readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import SessionDep, StaffDep, ViewerDep
from core.readings import ReadingOut, list_readings
from core.stations import StationCreate, StationOut, create_station, list_stations

router = APIRouter(prefix="/stations", tags=["stations"])


@router.get("", response_model=list[StationOut])
def get_stations(session: SessionDep, viewer: ViewerDep) -> list[StationOut]:
    """Public stations; backbone staff also see private (factory) ones."""
    return [
        StationOut.model_validate(s) for s in list_stations(session, include_private=viewer.staff)
    ]


@router.post("", response_model=StationOut, status_code=status.HTTP_201_CREATED)
def post_station(data: StationCreate, session: SessionDep, _staff: StaffDep) -> StationOut:
    """Register a station (backbone staff). 409 when the code is taken."""
    return StationOut.model_validate(create_station(session, data=data))


@router.get("/{code}/readings", response_model=list[ReadingOut])
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
) -> list[ReadingOut]:
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
