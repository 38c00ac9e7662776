"""Request dependencies: the transaction boundary and who is asking."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session

from core.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on any error."""
    with request.app.state.session_factory.begin() as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class Viewer:
    staff: bool


def get_viewer(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> Viewer:
    """The public unless a valid backbone-staff bearer token is presented."""
    if authorization is None:
        return Viewer(staff=False)
    scheme, _, token = authorization.partition(" ")
    expected = settings.api.admin_token
    if (
        scheme.lower() != "bearer"
        or expected is None
        or not secrets.compare_digest(token.encode(), expected.get_secret_value().encode())
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid credentials: send Authorization: Bearer <backbone staff token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Viewer(staff=True)


def require_staff(
    viewer: Annotated[Viewer, Depends(get_viewer)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Viewer:
    if settings.api.admin_token is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "changes are disabled: no DUSTWATCH_API__ADMIN_TOKEN is configured",
        )
    if not viewer.staff:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "backbone staff only: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return viewer


SessionDep = Annotated[Session, Depends(get_session)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
StaffDep = Annotated[Viewer, Depends(require_staff)]
