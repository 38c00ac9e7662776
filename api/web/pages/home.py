"""Each person's home page, by role."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import require_roles
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.models import Role
from core.workspace.home import home_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)

people = require_roles(*Role)


@router.get("/home", response_class=HTMLResponse, dependencies=[Depends(people)])
def home(page: PageDep) -> HTMLResponse:
    return page.render(
        "home.html",
        {
            "home": home_for(
                page.session, principal=page.principal, now=page.now, zone=page.settings.zone
            )
        },
    )
