"""The FastAPI application, built from settings and a session factory."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from api.routers import alerts, api_keys, audit, auth, health, organisations, stations, users
from api.routers import status as status_router
from api.web import add_web
from core.kit.errors import (
    Conflict,
    DustwatchError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from core.kit.health import HealthRegistry
from core.settings import Settings

ERROR_STATUS: dict[type[DustwatchError], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Conflict: status.HTTP_409_CONFLICT,
    Forbidden: status.HTTP_403_FORBIDDEN,
    InvalidInput: status.HTTP_422_UNPROCESSABLE_CONTENT,
    Unauthenticated: status.HTTP_401_UNAUTHORIZED,
}


def create_app(
    *, settings: Settings, session_factory: sessionmaker[Session], health_registry: HealthRegistry
) -> FastAPI:
    app = FastAPI(
        title="dustwatch",
        summary="Shared air-quality measurement for Na Phra Lan, against Thai standards.",
        version="0.1.0",
        # Swagger UI is served from dustwatch's own files (api/web); the defaults use a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.health = health_registry
    app.add_exception_handler(DustwatchError, _domain_error)
    for module in (
        health,
        status_router,
        stations,
        alerts,
        auth,
        organisations,
        users,
        api_keys,
        audit,
    ):
        app.include_router(module.router)
    add_web(app)
    return app


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    """The one place domain errors become HTTP statuses."""
    code = next(
        (c for kind, c in ERROR_STATUS.items() if isinstance(error, kind)),
        status.HTTP_400_BAD_REQUEST,
    )
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return JSONResponse(status_code=code, content={"detail": str(error)}, headers=headers)
