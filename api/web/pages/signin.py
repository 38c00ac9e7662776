"""Signing in and out in the browser, with the accounts and sessions of core.accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (
    CSRF_FORM_FIELD,
    SESSION_COOKIE,
    clear_session_cookie,
    public,
    set_session_cookie,
    signed_in,
)
from api.web.forms import form_token, form_token_valid, keep_form_token
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.accounts.signin import (
    SignInRefused,
    authenticate,
    end_browser_session,
    start_browser_session,
)
from core.kit.errors import Unauthenticated

router = APIRouter(route_class=PageRoute, include_in_schema=False)

REFUSED = N_(
    "Wrong e-mail or password. After %(failures)s failures in a row the account is locked "
    "for %(minutes)s minutes; if it is locked, wait and try again."
)
DISABLED = N_("This account is disabled. Ask the backbone unit.")
EXPIRED = N_("The form had expired. Please try again.")
HOME = "/home"


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another site an attacker put in the link."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return HOME


def _form(
    page: Page, *, email: str = "", next_url: str = HOME, error: str | None = None, code: int = 200
) -> HTMLResponse:
    token = form_token(page.request)
    response = page.render(
        "signin.html",
        {"email": email, "next_url": next_url, "error": error, "form_token": token},
        status_code=code,
    )
    keep_form_token(response, token, policy=page.settings.auth)
    return response


@router.get("/signin", response_class=HTMLResponse, dependencies=[Depends(public)])
def signin_form(page: PageDep, next: str | None = None) -> HTMLResponse:
    return _form(page, next_url=safe_next(next))


@router.post("/signin", response_class=HTMLResponse, dependencies=[Depends(public)])
def signin(
    page: PageDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form(alias="next")] = HOME,
    csrf_token: Annotated[str | None, Form(alias=CSRF_FORM_FIELD)] = None,
) -> Response:
    """On success a session cookie and a redirect (303) to `next`; else the form again with
    the reason."""
    target = safe_next(next_url)
    if not form_token_valid(page.request, csrf_token):
        error = page.gettext(EXPIRED)
        return _form(page, email=email, next_url=target, error=error, code=403)
    policy = page.settings.auth
    try:
        user = authenticate(
            page.session, email=email, password=password, now=page.now, policy=policy
        )
    except SignInRefused:
        error = page.gettext(
            REFUSED, failures=policy.max_failed_sign_ins, minutes=policy.lockout_minutes
        )
        return _form(page, email=email, next_url=target, error=error, code=401)
    except Unauthenticated:
        return _form(page, email=email, next_url=target, error=page.gettext(DISABLED), code=401)
    browser_session = start_browser_session(page.session, user=user, now=page.now, policy=policy)
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, browser_session=browser_session, policy=policy)
    return response


@router.post("/signout", dependencies=[Depends(signed_in)])
def signout(request: Request, page: PageDep) -> Response:
    """Ends the browser session (the CSRF token was checked by `signed_in`)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_browser_session(page.session, token=cookie, now=page.now)
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    clear_session_cookie(response, policy=page.settings.auth)
    return response
