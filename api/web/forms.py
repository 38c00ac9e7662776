"""Forms: the sign-in form's CSRF token, and errors shown next to the field they concern."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from fastapi import Request, Response
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from api.web.i18n import N_
from api.web.rendering import Page
from core.kit.errors import DustwatchError
from core.settings import AuthSettings

FORM_COOKIE = "dustwatch_form"
"""The sign-in form's CSRF token, before any session exists (double-submit cookie)."""

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def form_token(request: Request) -> str:
    """The token already in this browser's cookie, or a new one."""
    current = request.cookies.get(FORM_COOKIE)
    return current if current and len(current) >= 32 else secrets.token_urlsafe(32)


def keep_form_token(response: Response, token: str, *, policy: AuthSettings) -> None:
    """SameSite=Strict: another site's form never carries it, which, with the copy in the
    form, stops a forged sign-in (signing a victim into the attacker's account)."""
    response.set_cookie(
        FORM_COOKIE,
        token,
        path="/signin",
        httponly=True,
        secure=policy.secure_cookies,
        samesite="strict",
    )


def form_token_valid(request: Request, submitted: str | None) -> bool:
    """The form's copy matches the cookie, and a browser-sent Origin is this site.

    Not signed with a server key: before sign-in there is nothing of the victim to bind it
    to, so a key would add a secret to configure and nothing an attacker could not get by
    loading the form himself.
    """
    cookie = request.cookies.get(FORM_COOKIE)
    if not cookie or not submitted or not secrets.compare_digest(cookie, submitted):
        return False
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


MESSAGES = {
    "missing": N_("Required."),
    "string_too_short": N_("Too short: at least %(min_length)s characters."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("Not valid here."),
    "enum": N_("Choose one of the options."),
    "int_parsing": N_("Choose one of the options."),
    "int_type": N_("Choose one of the options."),
}
PATTERN_MESSAGES = {"email": N_("Enter an e-mail address such as name@example.org.")}
REQUIRED = N_("Required.")
NOT_VALID = N_("This value is not valid.")


def field_errors(error: ValidationError, page: Page) -> dict[str, str]:
    """The first problem of each field, in the page's language."""
    errors: dict[str, str] = {}
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else ""
        errors.setdefault(name, _message(detail, name, page))
    return errors


def _message(detail: ErrorDetails, name: str, page: Page) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return page.gettext(REQUIRED)
    if kind == "string_pattern_mismatch" and name in PATTERN_MESSAGES:
        return page.gettext(PATTERN_MESSAGES[name])
    if kind in MESSAGES:
        return page.gettext(MESSAGES[kind], **{k: str(v) for k, v in context.items()})
    return page.gettext(NOT_VALID)


@dataclass
class Outcome(Generic[T]):
    """What a submitted form gave: a result, or errors by field name."""

    result: T | None = None
    errors: dict[str, str] = field(default_factory=dict)


def submit(
    page: Page,
    model: type[M],
    values: Mapping[str, Any],
    action: Callable[[M], T],
    *,
    refusals: Mapping[type[DustwatchError], tuple[str, str]],
) -> Outcome[T]:
    """Validate `values` as `model`, then run `action` in a savepoint.

    `refusals` turns a domain error into a message next to a field (field name, message to
    translate); the savepoint undoes whatever the action did before it was refused. Other
    domain errors go on to the page's error handling.
    """
    try:
        data = model.model_validate(dict(values))
    except ValidationError as error:
        return Outcome(errors=field_errors(error, page))
    try:
        with page.session.begin_nested():
            return Outcome(result=action(data))
    except DustwatchError as error:
        for kind, (name, message) in refusals.items():
            if isinstance(error, kind):
                return Outcome(errors={name: page.gettext(message)})
        raise
