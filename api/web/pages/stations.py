"""A station's page: its latest readings, the hourly means of the last day, the 24-hour
means of the last 30 days against the Thai standard, and the shared indicators of the last 30
and 365 days, for those who may see the station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.pages.quality import QUALITY_NAMES, RULE_NAMES
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.access.scope import StationScope
from core.indicators.averages import JUDGED_PARAMETERS
from core.indicators.schemas import IndicatorsPublic
from core.indicators.service import compute_indicators
from core.public.history import DAILY_DAYS, daily_series, hourly_series
from core.public.status import station_status
from core.readings.review import list_flagged
from core.stations.service import get_station

router = APIRouter(route_class=PageRoute, include_in_schema=False)

TABLE_HOURS = 24
FLAGGED_SHOWN = 50
INDICATOR_PERIODS = (("30d", DAILY_DAYS), ("365d", 365))
"""The indicators' periods: the last 30 and the last 365 local days, today included, so that
the 30 days are the days of the daily table above them."""


@dataclass(frozen=True)
class IndicatorPeriod:
    """One period's indicators, exactly as GET /indicators answers them, and that answer's URL."""

    key: str
    days: int
    indicators: IndicatorsPublic
    json_url: str


def indicator_periods(
    page: Page, *, scope: StationScope, code: str, parameter: str, today: date
) -> list[IndicatorPeriod]:
    """The same call GET /indicators makes, for each period ending today."""
    periods = []
    for key, days in INDICATOR_PERIODS:
        start = today - timedelta(days=days - 1)
        query = {"station": code, "parameter": parameter, "start": start, "end": today}
        periods.append(
            IndicatorPeriod(
                key=key,
                days=days,
                indicators=compute_indicators(
                    page.session,
                    scope=scope,
                    station_code=code,
                    parameter=parameter,
                    start=start,
                    end=today,
                    zone=page.settings.zone,
                ),
                json_url=f"/indicators?{urlencode(query)}",
            )
        )
    return periods


@router.get("/stations/{code}/page", response_class=HTMLResponse, dependencies=[Depends(public)])
def station_page(code: str, page: PageDep) -> HTMLResponse:
    """A private station that the caller may not see is a 404, as if it did not exist.
    Whoever sees the station sees its flagged readings; who reviewed them and why is for
    the backbone and admins."""
    scope = StationScope.for_principal(page.principal)
    zone = page.settings.zone
    station = get_station(page.session, code=code, scope=scope)
    status = station_status(page.session, code=code, scope=scope, now=page.now, zone=zone)
    measured = {p.parameter for p in status.parameters}
    parameters = [p for p in JUDGED_PARAMETERS if p in measured]
    hourly = {
        p: hourly_series(
            page.session,
            code=station.code,
            parameter=p,
            hours=TABLE_HOURS,
            now=page.now,
            zone=zone,
            scope=scope,
        )
        for p in parameters
    }
    today = page.now.astimezone(zone).date()
    daily = {
        p: daily_series(page.session, station=station, parameter=p, today=today, zone=zone)
        for p in parameters
    }
    indicators = {
        p: indicator_periods(page, scope=scope, code=station.code, parameter=p, today=today)
        for p in parameters
    }
    return page.render(
        "station.html",
        {
            "station": status,
            "now": page.now,
            "parameters": parameters,
            "hourly": hourly,
            "daily": daily,
            "indicators": indicators,
            "delta_hour": timedelta(hours=1),
            "flagged": list_flagged(page.session, station_code=station.code, limit=FLAGGED_SHOWN),
            "rule_names": RULE_NAMES,
            "quality_names": QUALITY_NAMES,
        },
    )
