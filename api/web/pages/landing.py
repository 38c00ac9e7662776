"""The public landing page: the air now, per area and station, against the Thai standards."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.public.status import public_status

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(public)])
def landing(page: PageDep) -> HTMLResponse:
    status = public_status(page.session, now=page.now)
    return page.render("landing.html", {"status": status})
