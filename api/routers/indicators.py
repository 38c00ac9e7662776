"""Shared indicators against standards, for a station, an area or the whole deployment."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, public
from api.deps import SessionDep, SettingsDep
from core.access.scope import StationScope
from core.indicators.schemas import IndicatorsPublic
from core.indicators.service import compute_indicators

router = APIRouter(tags=["indicators"])

Text = Annotated[str | None, Query(max_length=200)]


@router.get("/indicators", response_model=IndicatorsPublic, dependencies=[Depends(public)])
def get_indicators(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    parameter: Annotated[str, Query(max_length=32, description="pm25, pm10, o3, …")],
    start: Annotated[date, Query(description="First local day of the period.")],
    end: Annotated[date, Query(description="Last local day of the period (included).")],
    station: Annotated[str | None, Query(max_length=64, description="A station code.")] = None,
    area: Text = None,
    standard: Annotated[
        str | None,
        Query(
            max_length=100,
            description="A standard series (th-pm25-24h) or version id; by default the Thai "
            "24-hour series of the parameter.",
        ),
    ] = None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
) -> IndicatorsPublic:
    """Exceedance days per standard version in force each day, valid days, worst daily mean,
    period mean, completeness, days per Thai AQI band, annual means and the change against a
    baseline, each with the rule it used; over the local days start..end. Without station or
    area, over every station the caller may see; the public sees public stations."""
    return compute_indicators(
        session,
        scope=StationScope.for_principal(principal),
        station_code=station,
        area=area,
        parameter=parameter,
        start=start,
        end=end,
        standard=standard,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        zone=settings.zone,
    )
