"""The FastAPI application, built from settings and a session factory."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from api.auth import public
from api.errors import (
    FieldError,
    document_errors,
    error_response,
    field_errors,
    validation_detail,
)
from api.limits import RequestLimits, SubmissionRate
from api.routers import (
    actions,
    alert_rules,
    alerts,
    api_keys,
    audit,
    auth,
    bulletins,
    cap,
    commitments,
    complaint_incidents,
    complaints,
    compliance,
    factory_reports,
    forum,
    health,
    indicators,
    ingest,
    mqtt_credentials,
    open311,
    organisations,
    quality,
    reports,
    standards,
    stations,
    subscriptions,
    targets,
    users,
)
from api.routers import status as status_router
from api.routers.factory_reports import FACTORY_REPORT_PATHS
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
    app.state.submission_rate = SubmissionRate(settings.api.anonymous_submissions_per_hour)
    app.add_exception_handler(DustwatchError, _error)
    app.add_exception_handler(HTTPException, _error)
    app.add_exception_handler(RequestValidationError, _error)
    # Reports carry a photo: their paths take the photo limit plus room for the fields.
    upload_limit = max(settings.api.max_body_bytes, settings.storage.max_photo_bytes + 64 * 1024)
    # Factory reports are files too, with their own limit.
    report_limit = max(settings.api.max_body_bytes, settings.storage.max_report_bytes + 64 * 1024)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.api.max_body_bytes,
        routes_judge_content=("/ingest/",),
        upload_paths={
            "/reports": upload_limit,
            "/report": upload_limit,
            "/complaints": upload_limit,
            "/complain": upload_limit,
            FACTORY_REPORT_PATHS: report_limit,
        },
    )
    document_errors(app, is_public=lambda dependency: dependency is public)
    for module in (
        health,
        status_router,
        indicators,
        stations,
        alerts,
        cap,
        auth,
        organisations,
        users,
        api_keys,
        audit,
        mqtt_credentials,
        compliance,
        factory_reports,
        standards,
        ingest,
        reports,
        quality,
        subscriptions,
        bulletins,
        alert_rules,
        complaints,
        complaint_incidents,
        open311,
        targets,
        commitments,
        actions,
        forum,
    ):
        app.include_router(module.router)
    app.include_router(bulletins.feed_router)
    app.include_router(targets.certifications_router)
    add_web(app)
    return app


async def _error(_request: Request, error: Exception) -> JSONResponse:
    """The one place errors become HTTP answers, all in the shape of api.errors.ErrorBody:
    domain errors, FastAPI's own (404, 405, the 401 and 403 of api.auth) and invalid input."""
    if isinstance(error, RequestValidationError):
        errors = field_errors(error.errors())
        return error_response(
            status.HTTP_422_UNPROCESSABLE_CONTENT, validation_detail(errors), errors=errors
        )
    if isinstance(error, HTTPException):
        return error_response(error.status_code, str(error.detail), headers=error.headers)
    code = next(
        (c for kind, c in ERROR_STATUS.items() if isinstance(error, kind)),
        status.HTTP_400_BAD_REQUEST,
    )
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    no_fields: list[FieldError] | None = None
    if code == status.HTTP_422_UNPROCESSABLE_CONTENT:
        no_fields = []
    return error_response(code, str(error), errors=no_fields, headers=headers)
