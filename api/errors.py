"""The one error shape of the API and its place in the OpenAPI document.

Every 4xx answer is `{"error": <machine code>, "detail": <message>}`; a 422 adds `errors`,
one `{field, message}` per problem. Input is never echoed back: it may be large, or not
even encodable as JSON (NaN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}
MAX_MESSAGE_CHARS = 300
MAX_FIELD_ERRORS = 50


class FieldError(BaseModel):
    field: str = Field(description="Where: `body.latitude`, `query.end`, `path.code`, …")
    message: str
    row: int | None = Field(
        default=None,
        description="A refused file's row (factory reports): a CSV's line as a spreadsheet "
        "numbers it (header 1), a JSON report's measurement from 1; absent for the whole file",
    )
    column: str | None = Field(
        default=None, description="A refused file's column (factory reports), when one is at fault"
    )


class ErrorBody(BaseModel):
    """What every 4xx answer carries."""

    error: str = Field(
        description="Machine-readable: " + ", ".join(sorted(set(ERROR_CODES.values()))) + ".",
        examples=["not_found"],
    )
    detail: str = Field(description="For people: what went wrong and, when it helps, what to do.")
    errors: list[FieldError] | None = Field(
        default=None, description="validation_error only: each field that was refused."
    )


def error_code(status_code: int) -> str:
    return ERROR_CODES.get(status_code) or HTTPStatus(status_code).phrase.lower().replace(" ", "_")


def error_response(
    status_code: int,
    detail: str,
    *,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=error_code(status_code),
        detail=_short(detail),
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status_code, headers=headers
    )


def field_errors(problems: Iterable[dict[str, Any]]) -> list[FieldError]:
    """Pydantic's error list without the input it was given."""
    found = []
    for problem in problems:
        field = ".".join(str(part) for part in problem.get("loc", ())) or "request"
        message = str(problem.get("msg", "not valid"))
        reason = (problem.get("ctx") or {}).get("error")
        if problem.get("type") == "json_invalid" and reason:
            field, message = "body", f"{message}: {reason}"
        found.append(FieldError(field=_short(field), message=_short(message)))
        if len(found) == MAX_FIELD_ERRORS:
            break
    return found


def validation_detail(errors: Sequence[FieldError]) -> str:
    if not errors:
        return "the request is not valid"
    first = f"{errors[0].field}: {errors[0].message}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"the request is not valid: {first}{more}"


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def document_errors(app: FastAPI, *, is_public: Callable[[Any], bool]) -> None:
    """Make `app.openapi()` describe the error answers of every operation with ErrorBody.

    Applied when the document is built, so routers included later are covered too. Which
    statuses an operation lists: 400 and 401 always (a NUL in the address; a bad token),
    403 unless it is public, 404 with a path parameter or a body, 409 for changes, 413 with a
    body, 422 with any parameter or body (replacing FastAPI's own validation schema).
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        _add_error_responses(app, schema, is_public)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_error_responses(
    app: FastAPI, schema: dict[str, Any], is_public: Callable[[Any], bool]
) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body_schema.pop("$defs", {}))
    components["ErrorBody"] = body_schema
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    public_operations = {
        (context.path_format, method.lower())
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and any(is_public(d.dependency) for d in context.dependencies)
        for method in context.methods or ()
    }
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            has_body = "requestBody" in operation
            has_path_parameter = any(p.get("in") == "path" for p in operation.get("parameters", []))
            statuses = {400, 401}
            if (path, method) not in public_operations:
                statuses.add(403)
            if has_path_parameter or has_body:
                statuses.add(404)
            if method.upper() in UNSAFE_METHODS:
                statuses.add(409)
            if has_body:
                statuses.add(413)
            if has_body or operation.get("parameters"):
                statuses.add(422)
            responses = operation.setdefault("responses", {})
            for status_code in sorted(statuses):
                responses[str(status_code)] = {
                    "description": f"{HTTPStatus(status_code).phrase} "
                    f"(`{error_code(status_code)}`)",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                    },
                }
