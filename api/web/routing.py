"""Pages answer in HTML even when they refuse: a sign-in prompt, a 403 or a 404 page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response, status
from fastapi.routing import APIRoute

from api.web.i18n import N_
from api.web.rendering import render
from core.kit.errors import Forbidden, NotFound, Unauthenticated

REFUSALS = {
    status.HTTP_401_UNAUTHORIZED: (N_("Please sign in"), N_("Sign in to see this page.")),
    status.HTTP_403_FORBIDDEN: (
        N_("Not allowed"),
        N_("Your account may not see or do this. Ask the backbone unit if you need it."),
    ),
    status.HTTP_404_NOT_FOUND: (
        N_("Not found"),
        N_("There is no such page, or it is not public."),
    ),
}


def refusal_page(request: Request, status_code: int) -> Response:
    title, message = REFUSALS[status_code]
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "refused.html",
        {
            "title": title,
            "message": message,
            "status_code": status_code,
            "signin_url": f"/signin?next={quote(target, safe='')}",
        },
        status_code=status_code,
    )


class PageRoute(APIRoute):
    """An APIRoute whose refusals (from the access declaration or the domain) are pages.

    The transaction has already been closed by the session dependency when the error gets
    here: this only chooses how the refusal looks.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as error:
                if error.status_code not in REFUSALS:
                    raise
                return refusal_page(request, error.status_code)
            except Unauthenticated:
                return refusal_page(request, status.HTTP_401_UNAUTHORIZED)
            except Forbidden:
                return refusal_page(request, status.HTTP_403_FORBIDDEN)
            except NotFound:
                return refusal_page(request, status.HTTP_404_NOT_FOUND)

        return page_handler
