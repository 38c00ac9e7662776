"""`/complaints-map`: the public's map and list of complaints and incidents, anonymised
(cause, status, time, village and a rounded place: never a note or a contact)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.pages.complain import KIND_NAMES, STATUS_NAMES
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.complaints.public_map import public_map

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/complaints-map", response_class=HTMLResponse, dependencies=[Depends(public)])
def complaints_map(page: PageDep) -> HTMLResponse:
    shown = public_map(page.session, now=page.now)
    kind_names = {kind.value: page.gettext(name) for kind, name in KIND_NAMES.items()}
    status_names = {s.value: page.gettext(name) for s, name in STATUS_NAMES.items()}
    markers = [
        {
            "kind": "complaint",
            "label": f"{kind_names[c.kind.value]} · {status_names[c.status.value]}",
            "closed": c.closed,
            "latitude": c.latitude,
            "longitude": c.longitude,
        }
        for c in shown.complaints
        if c.latitude is not None and c.longitude is not None
    ] + [
        {
            "kind": "incident",
            "label": page.gettext(
                "Incident: %(count)s complaints · %(status)s",
                count=i.complaint_count,
                status=status_names[i.status.value],
            ),
            "closed": i.closed,
            "latitude": i.latitude,
            "longitude": i.longitude,
        }
        for i in shown.incidents
        if i.latitude is not None and i.longitude is not None
    ]
    return page.render(
        "complaints_map.html",
        {
            "complaints": shown.complaints,
            "incidents": shown.incidents,
            "kind_names_": kind_names,
            "status_names_": status_names,
            "markers": markers,
        },
    )
