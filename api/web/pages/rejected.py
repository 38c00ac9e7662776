"""Refused messages, for the backbone (all of them) and a station's own people (theirs):
the same filters as `GET /ingest/rejected`, page by page, payloads cut and escaped."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import require_roles
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.kit.errors import InvalidInput
from core.readings.rejected import SOURCES, VIEWERS, RejectedFilter, list_rejections

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PER_PAGE = 50
PAYLOAD_SHOWN_CHARS = 300
FILTERS = ("station", "reason", "source", "since", "until")


def _moment(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not a date and time: {text[:40]!r}") from None


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < len(text) < 7 else 1


@router.get(
    "/rejected", response_class=HTMLResponse, dependencies=[Depends(require_roles(*VIEWERS))]
)
def rejected(page: PageDep) -> HTMLResponse:
    query = page.request.query_params
    values = {name: query.get(name, "")[:200] for name in FILTERS}
    number = _page_number(query.get("page", "1"))
    result = list_rejections(
        page.session,
        viewer=page.principal,
        filters=RejectedFilter(
            station=values["station"] or None,
            reason=values["reason"] or None,
            source=values["source"] or None,
            since=_moment(values["since"]),
            until=_moment(values["until"]),
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
        ),
        zone=page.settings.zone,
        payload_chars=PAYLOAD_SHOWN_CHARS,
    )
    kept = {k: v for k, v in values.items() if v}

    def link(to: int) -> str:
        return "/rejected?" + urlencode(kept | {"page": to})

    last = max((result.total + PER_PAGE - 1) // PER_PAGE, 1)
    return page.render(
        "rejected.html",
        {
            "result": result,
            "values": values,
            "sources": SOURCES,
            "page_number": number,
            "last_page": last,
            "previous_url": link(number - 1) if number > 1 else None,
            "next_url": link(number + 1) if number < last else None,
            "shown_chars": PAYLOAD_SHOWN_CHARS,
        },
    )
