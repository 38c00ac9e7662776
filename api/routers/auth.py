"""Signing in and out with the OAuth2 password flow (the /docs "Authorize" button uses it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import SESSION_COOKIE, PrincipalDep, oauth2_scheme, public, signed_in
from api.deps import SessionDep, SettingsDep
from core.accounts.schemas import MePublic, RefreshRequest, TokenPair
from core.accounts.signin import describe, refresh_tokens, sign_in, sign_out

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenPair, dependencies=[Depends(public)])
def post_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    """Sign in: `username` is the e-mail. Returns an access token (default 1 hour) and a
    refresh token (default 30 days) for `/auth/refresh`. Repeated failures lock the account
    for a while."""
    return sign_in(
        session,
        email=form.username,
        password=form.password,
        now=datetime.now(UTC),
        policy=settings.auth,
    )


@router.post("/refresh", response_model=TokenPair, dependencies=[Depends(public)])
def post_refresh(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Stay signed in: a refresh token gives a new pair once; using it again signs out."""
    return refresh_tokens(
        session, refresh_token=data.refresh_token, now=datetime.now(UTC), policy=settings.auth
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(signed_in)])
def post_logout(
    request: Request,
    session: SessionDep,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
) -> Response:
    """Sign out: the access token and its refresh token (or the browser session) stop
    working at once."""
    if bearer:
        sign_out(session, token=bearer, now=datetime.now(UTC))
    else:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        sign_out(session, token=cookie, now=datetime.now(UTC), source="cookie")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=MePublic, dependencies=[Depends(signed_in)])
def get_me(session: SessionDep, principal: PrincipalDep) -> MePublic:
    """Who the credentials stand for."""
    return describe(session, principal=principal)
