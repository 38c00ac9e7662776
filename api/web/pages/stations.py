"""A station's page: its latest readings, for those who may see the station."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.access.scope import StationScope
from core.public.status import station_status

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/stations/{code}/page", response_class=HTMLResponse, dependencies=[Depends(public)])
def station_page(code: str, page: PageDep) -> HTMLResponse:
    """A private station that the caller may not see is a 404, as if it did not exist."""
    scope = StationScope.for_principal(page.principal)
    station = station_status(page.session, code=code, scope=scope, now=page.now)
    return page.render("station.html", {"station": station})
