"""The public landing page: the air now in each village, on a map and in plain words, with
the last day and week as charts, against the Thai standards."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.rendering import PageDep, band_colour
from api.web.routing import PageRoute
from core.public.schemas import StatusPublic
from core.public.status import public_status
from core.standards.catalogue import aqi_scale

router = APIRouter(route_class=PageRoute, include_in_schema=False)

REFRESH_SECONDS = 60
"""How often the page's script fetches the page again and swaps in what changed."""


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(public)])
def landing(page: PageDep) -> HTMLResponse:
    status = public_status(page.session, now=page.now, zone=page.settings.zone)
    scale = aqi_scale(status.scale, "pm25") if status.scale else None
    latest = [a.last_reading_time for a in status.areas if a.last_reading_time is not None]
    return page.render(
        "landing.html",
        {
            "status": status,
            "now": page.now,
            "last_reading_time": max(latest, default=None),
            "map_stations": map_stations(status, page.language),
            "legend": scale.bands if scale else (),
            "chart_stations_of": {
                area.area: [
                    {"code": s.code, "name": s.name} for s in status.stations if s.area == area.area
                ]
                for area in status.areas
            },
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


def map_stations(status: StatusPublic, language: str) -> list[dict[str, Any]]:
    """What the map script draws: each station's position, colour and label."""
    return [
        {
            "code": s.code,
            "name": s.name,
            "area": s.area,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "colour": band_colour(s.band.color if s.band else None),
            "band": (
                (s.band.label_th if language == "th" and s.band.label_th else s.band.label_en)
                if s.band
                else None
            ),
            "aqi": s.aqi,
            "url": f"/stations/{s.code}/page",
        }
        for s in status.stations
    ]
