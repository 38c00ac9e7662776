"""Who is asking, declared on every route.

Each route lists exactly one of `public`, `signed_in` or `require_roles(...)` in its
`dependencies=[...]` (a test walks `app.routes` to make sure), and takes `PrincipalDep` when
it needs to know who the caller is. The caller is found from `Authorization: Bearer <token>`
(an access token from `/auth/token`, or an API key `dw_…`), else from the browser session
cookie `dustwatch_session`; without either it is the anonymous public.

A cookie is sent by the browser on its own, so a request that changes something with it
must also carry the session's CSRF token: the `X-CSRF-Token` header or a `csrf_token` form
field. Without it the cookie is ignored: public routes serve the caller as anonymous, the
others answer 403. Bearer tokens are not sent on their own and need none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordBearer

from api.deps import SessionDep
from core.access.principal import ANONYMOUS, Principal
from core.accounts.signin import BrowserSession, check_csrf, principal_for_token
from core.devices.ingest import DeviceCredentials, credentials_from_headers
from core.kit.errors import Forbidden, Unauthenticated
from core.models import Role
from core.settings import AuthSettings

SESSION_COOKIE = "dustwatch_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/auth/token",
    auto_error=False,
    description="Sign in with e-mail (as username) and password; API keys (dw_…) are sent "
    "as bearer tokens too.",
)


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def submitted_csrf_token(request: Request) -> str | None:
    """The CSRF token sent with a request: header first, else a form field."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None or request.method in SAFE_METHODS:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


def get_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    csrf_token: Annotated[str | None, Depends(submitted_csrf_token)],
) -> Principal:
    now = datetime.now(UTC)
    if bearer:
        try:
            return principal_for_token(session, token=bearer, now=now)
        except Unauthenticated as error:
            raise _unauthorised(str(error)) from None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return ANONYMOUS
    try:
        principal = principal_for_token(session, token=cookie, now=now, source="cookie")
    except Unauthenticated:
        return ANONYMOUS  # an ended session in an old cookie: just the public
    if request.method not in SAFE_METHODS:
        try:
            check_csrf(session, token=cookie, csrf_token=csrf_token, now=now)
        except Forbidden as error:
            request.state.csrf_refusal = str(error)
            return ANONYMOUS
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def public(principal: PrincipalDep) -> Principal:
    """Anyone, signed in or not; what they see may still depend on who they are."""
    return principal


def _refuse_anonymous(request: Request, message: str) -> HTTPException:
    refusal = getattr(request.state, "csrf_refusal", None)
    if refusal is not None:
        return HTTPException(status.HTTP_403_FORBIDDEN, refusal)
    return _unauthorised(message)


def signed_in(request: Request, principal: PrincipalDep) -> Principal:
    """Any signed-in person or API key."""
    if principal.is_anonymous:
        raise _refuse_anonymous(request, "sign in first: POST /auth/token, or send an API key")
    return principal


def require_roles(*roles: Role) -> Callable[..., Principal]:
    """People with one of these roles; API keys have no role and are refused."""
    names = ", ".join(r.value for r in roles)

    def dependency(request: Request, principal: PrincipalDep) -> Principal:
        if principal.is_anonymous:
            raise _refuse_anonymous(request, f"sign in first ({names} only)")
        if not principal.has_role(*roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{names} only")
        return principal

    dependency.__name__ = f"require_roles_{'_'.join(r.value for r in roles)}"
    dependency.access_roles = roles  # type: ignore[attr-defined]
    return dependency


def device(request: Request) -> DeviceCredentials:
    """A device sending readings with its API key (`Authorization: Bearer dw_…`,
    `X-API-Key: dw_…`, or HTTP Basic with the key as password). Only read here: the route
    checks the key itself (core/devices/ingest.py) so that every refusal, a wrong key
    included, is recorded with what was sent. People's sign-ins are refused there (403)."""
    return credentials_from_headers(
        request.headers.get("authorization"), request.headers.get("x-api-key")
    )


DeviceDep = Annotated[DeviceCredentials, Depends(device)]


ACCESS_DECLARATIONS: tuple[Any, ...] = (public, signed_in, device)
"""With the functions `require_roles` makes (marked by `access_roles`): what a route must
declare."""


def declares_access(dependency: Callable[..., Any] | None) -> bool:
    return dependency in ACCESS_DECLARATIONS or hasattr(dependency, "access_roles")


def set_session_cookie(
    response: Response, *, browser_session: BrowserSession, policy: AuthSettings
) -> None:
    """The session cookie as browsers should keep it: not readable by scripts, not sent by
    other sites' forms (SameSite=Lax), HTTPS only unless configured otherwise."""
    response.set_cookie(
        SESSION_COOKIE,
        browser_session.token,
        max_age=policy.browser_session_hours * 3600,
        path="/",
        httponly=True,
        secure=policy.secure_cookies,
        samesite="lax",
    )


def clear_session_cookie(response: Response, *, policy: AuthSettings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=policy.secure_cookies, samesite="lax"
    )
