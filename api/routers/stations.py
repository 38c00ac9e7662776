"""Stations, their keepers and their readings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from core.access.scope import StationScope
from core.kit.db import RowId
from core.kit.time import TimeWithOffset
from core.models import Role
from core.public.history import MAX_HOURS, hourly_series
from core.public.schemas import HourlySeriesPublic
from core.readings.queries import list_readings
from core.readings.schemas import ReadingPublic
from core.stations.schemas import (
    KeeperAdd,
    KeeperPublic,
    StationCreate,
    StationPublic,
    StationUpdate,
)
from core.stations.service import (
    add_keeper,
    create_station,
    get_station,
    list_keepers,
    list_stations,
    remove_keeper,
    update_station,
)

router = APIRouter(prefix="/stations", tags=["stations"])

managers = require_roles(Role.BACKBONE, Role.ADMIN)
maintainers = require_roles(Role.VOLUNTEER, Role.OPERATOR, Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[StationPublic], dependencies=[Depends(public)])
def get_stations(session: SessionDep, principal: PrincipalDep) -> list[StationPublic]:
    """Public stations, plus the private ones the caller may see (its own organisation's;
    all of them for officials, backbone staff and admins)."""
    stations = list_stations(session, scope=StationScope.for_principal(principal))
    return [StationPublic.model_validate(s) for s in stations]


@router.post(
    "",
    response_model=StationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(managers)],
)
def post_station(
    data: StationCreate, session: SessionDep, principal: PrincipalDep
) -> StationPublic:
    """Register a station (backbone staff, admins). 409 when the code is taken in any case."""
    return StationPublic.model_validate(create_station(session, actor=principal, data=data))


@router.get("/{code}", response_model=StationPublic, dependencies=[Depends(public)])
def get_one_station(code: str, session: SessionDep, principal: PrincipalDep) -> StationPublic:
    """One station, by its code in any case; 404 for a private one the caller may not see."""
    station = get_station(session, code=code, scope=StationScope.for_principal(principal))
    return StationPublic.model_validate(station)


@router.patch("/{code}", response_model=StationPublic, dependencies=[Depends(maintainers)])
def patch_station(
    code: str, data: StationUpdate, session: SessionDep, principal: PrincipalDep
) -> StationPublic:
    """Change a station: its keepers and its organisation's operators may change the
    description; kind, owner and visibility are for backbone staff and admins."""
    return StationPublic.model_validate(
        update_station(session, actor=principal, code=code, data=data)
    )


@router.get("/{code}/keepers", response_model=list[KeeperPublic], dependencies=[Depends(managers)])
def get_keepers(code: str, session: SessionDep, principal: PrincipalDep) -> list[KeeperPublic]:
    """The volunteers who keep this station."""
    return list_keepers(session, actor=principal, code=code)


@router.post("/{code}/keepers", response_model=list[KeeperPublic], dependencies=[Depends(managers)])
def post_keeper(
    code: str, data: KeeperAdd, session: SessionDep, principal: PrincipalDep
) -> list[KeeperPublic]:
    """Make a volunteer a keeper of this station; returns the keepers."""
    return add_keeper(session, actor=principal, code=code, user_id=data.user_id)


@router.delete(
    "/{code}/keepers/{user_id}",
    response_model=list[KeeperPublic],
    dependencies=[Depends(managers)],
)
def delete_keeper(
    code: str, user_id: RowId, session: SessionDep, principal: PrincipalDep
) -> list[KeeperPublic]:
    """This volunteer no longer keeps this station; returns the keepers."""
    return remove_keeper(session, actor=principal, code=code, user_id=user_id)


@router.get("/{code}/readings", response_model=list[ReadingPublic], dependencies=[Depends(public)])
def get_readings(
    code: str,
    session: SessionDep,
    principal: PrincipalDep,
    parameter: Annotated[str | None, Query(description="e.g. pm10, pm25")] = None,
    start: Annotated[
        TimeWithOffset | None, Query(description="inclusive, with offset; default end - 24 h")
    ] = None,
    end: Annotated[
        TimeWithOffset | None, Query(description="exclusive, with offset; default now")
    ] = None,
) -> list[ReadingPublic]:
    """Readings in [start, end), oldest first, at most 31 days per request; 404 for a
    private station the caller may not see."""
    return list_readings(
        session,
        station_code=code,
        parameter=parameter,
        start=start,
        end=end,
        now=datetime.now(UTC),
        scope=StationScope.for_principal(principal),
    )


@router.get("/{code}/hourly", response_model=HourlySeriesPublic, dependencies=[Depends(public)])
def get_hourly_means(
    code: str,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    parameter: Annotated[str, Query(description="e.g. pm25, pm10")] = "pm25",
    hours: Annotated[
        int, Query(ge=1, le=MAX_HOURS, description="full clock hours before the current one")
    ] = 24,
    end: Annotated[
        TimeWithOffset | None,
        Query(
            description="with offset: the series ends at the start of the hour containing it "
            "(a past window, e.g. around an alert); default and at most now"
        ),
    ] = None,
) -> HourlySeriesPublic:
    """Hourly means of one parameter over the `hours` full hours before `end` (default now),
    every hour listed (`mean` null when it has no reading), with local times and the Thai
    24-hour standard in force on the last day; 404 for a private station the caller may not
    see."""
    return hourly_series(
        session,
        code=code,
        parameter=parameter,
        hours=hours,
        now=datetime.now(UTC),
        zone=settings.zone,
        scope=StationScope.for_principal(principal),
        until=end,
    )
