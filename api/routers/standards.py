"""The standards catalogue, the AQI scales and the AQI / NowCast calculator: public, and
computed from the data file alone (no database)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.auth import public
from api.deps import SettingsDep
from core.standards import service
from core.standards.schemas import (
    MAX_NAME,
    AqiPublic,
    AqiScalePublic,
    NowCastPublic,
    NowCastRequest,
    StandardPublic,
)

router = APIRouter(tags=["standards and AQI"])

Name = Annotated[str | None, Query(min_length=1, max_length=MAX_NAME)]


@router.get("/standards", response_model=list[StandardPublic], dependencies=[Depends(public)])
def list_standards(
    parameter: Name = None,
    jurisdiction: Name = None,
    period: Name = None,
    on: Annotated[date | None, Query(description="Only the versions in force that day.")] = None,
) -> list[StandardPublic]:
    """Every version of every standard (Thai, WHO, US) with its effective dates and source;
    filter by `parameter` (pm25, pm10, …), `jurisdiction` (th, us, who), `period` (24h, 1y,
    …) and `on` (a date: only the versions in force that day)."""
    return service.list_standards(
        parameter=parameter, jurisdiction=jurisdiction, period=period, on=on
    )


@router.get(
    "/standards/{series_or_id}", response_model=StandardPublic, dependencies=[Depends(public)]
)
def get_standard(
    settings: SettingsDep,
    series_or_id: Annotated[str, Path(max_length=MAX_NAME)],
    on: Annotated[date | None, Query(description="The day; today (local) by default.")] = None,
) -> StandardPublic:
    """The version of a series (`th-pm25-24h`) in force on `on`, today by default. A version
    id (`th-pm25-24h-2010`) is that version, or with `on` its series' version that day.
    404 when nothing is known by that name, or nothing of it was in force that day."""
    today = datetime.now(settings.zone).date()
    return service.find_standard(series_or_id, on=on, today=today)


@router.get("/aqi/scales", response_model=list[AqiScalePublic], dependencies=[Depends(public)])
def list_aqi_scales(scale: Name = None, pollutant: Name = None) -> list[AqiScalePublic]:
    """Every AQI scale version and pollutant: breakpoints, Thai and English band names,
    colours, advice, the reduction rule (US truncates; Thai rounds half-up) and the source.
    `scale` takes a version id (`th-pcd-2023`) or a family (`th-pcd`: all its versions)."""
    return service.list_scales(scale=scale, pollutant=pollutant)


@router.get("/aqi", response_model=AqiPublic, dependencies=[Depends(public)])
def calculate_aqi(
    scale: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_NAME,
            description="Version id (`th-pcd-2023`) or family (`th-pcd`: its newest version).",
        ),
    ],
    pollutant: Annotated[
        str,
        Query(min_length=1, max_length=MAX_NAME, description="pm25, pm10, o3, co, no2, so2."),
    ],
    value: Annotated[
        str,
        Query(
            min_length=1,
            max_length=service.MAX_NUMBER_TEXT,
            description="The concentration in the scale's unit (ug/m3 for PM, ppb for O3, "
            "NO2 and SO2, ppm for CO), e.g. 41.2.",
        ),
    ],
    unit: Annotated[
        str | None,
        Query(max_length=MAX_NAME, description="Optional: refused unless it is the scale's."),
    ] = None,
) -> AqiPublic:
    """The index of one concentration, as Air4Thai's and AirNow's calculators give it.

    The concentration is first reduced by the scale's rule (`reduction`): US EPA truncates
    (PM2.5 to 0.1, PM10 to 1 ug/m3); the Thai PCD scale rounds half-up to its precision
    (0.1 ug/m3 for PM2.5: 15.04 -> 15.0, 15.05 -> 15.1). The index is then interpolated in
    its band and rounded half-up. `index` is null, with a `note`, where the published method
    stops: the open-ended Thai top band (above 75.0 ug/m3 PM2.5, 180 PM10), or above the top
    of a US scale that has no published extension (us-epa-2024 continues its top band's
    equation above 325.4 ug/m3, as AirNow does)."""
    return service.calculate_aqi(scale, pollutant, service.parse_concentration(value), unit=unit)


@router.post("/aqi/nowcast", response_model=NowCastPublic, dependencies=[Depends(public)])
def calculate_nowcast(body: NowCastRequest) -> NowCastPublic:
    """The US EPA NowCast of up to 12 hourly means (newest first, null for a missing hour)
    and its AQI: w = max(c_min / c_max, 0.5); NowCast = sum(w^i c_i) / sum(w^i) over the
    hours with data; truncated to 0.1 ug/m3 (PM2.5) or 1 ug/m3 (PM10), then the AQI.

    When fewer than 2 of the 3 newest hours have data the answer is still 200, with
    `nowcast`, `index` and `band` null and a `note` saying "insufficient data": the request
    was fine, the monitor has gaps. More than 12 hours, negative or non-finite values: 422."""
    return service.calculate_nowcast(body.scale, body.pollutant, body.hours)
