"""Templates, and what every page is rendered with: language, caller, CSRF token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from babel.support import Translations
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy.orm import Session

from api.auth import SESSION_COOKIE, PrincipalDep
from api.deps import SessionDep, SettingsDep
from api.web import i18n
from api.web.labels import (
    GROUP_NAMES,
    KIND_NAMES,
    PARAMETER_NAMES,
    ROLE_NAMES,
    SECTOR_NAMES,
    UNIT_DIGITS,
    UNITS,
)
from core.access.principal import Principal
from core.accounts.signin import csrf_token_for
from core.accounts.users import get_user
from core.kit.errors import Unauthenticated
from core.settings import Settings

TEMPLATES_DIR = Path(__file__).parent / "templates"

BAND_COLOURS = {
    "blue": "#3bccff",
    "green": "#92d050",
    "yellow": "#ffff00",
    "orange": "#ffa200",
    "red": "#f04646",
    "purple": "#8f3f97",
    "maroon": "#7e0023",
}
"""The PCD's Thai AQI colours, and the US EPA's two above red; dustwatch.css's `.band-*`
classes use the same."""
BAND_CLASSES = frozenset(BAND_COLOURS)
NO_BAND_COLOUR = "#9aa3ab"


@dataclass(frozen=True)
class WebUi:
    """Built once per app: the template environment and the compiled catalogues."""

    templates: Jinja2Templates
    catalogues: dict[str, Translations]


def make_web_ui() -> WebUi:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    # {% trans %} calls gettext(message, **values) and leaves escaping and % to it.
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    environment.globals.update(
        gettext=_gettext, _=_gettext, ngettext=_ngettext, sector_names=SECTOR_NAMES
    )
    environment.filters.update(
        local_time=_local_time,
        local_day=_local_day,
        local_hour=_local_hour,
        number=_number,
        unit=lambda u: UNITS.get(u, u),
        digits=lambda u: UNIT_DIGITS.get(u, 1),
        band=_band,
        band_colour=band_colour,
    )
    return WebUi(templates=Jinja2Templates(env=environment), catalogues=i18n.load_catalogues())


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str, **values: Any) -> str:
    # As Jinja's own newstyle gettext: always %-formatted, so a literal % is written %%.
    translated = context["translations"].gettext(message)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % values  # type: ignore[no-any-return]


@jinja2.pass_context
def _ngettext(
    context: jinja2.runtime.Context, singular: str, plural: str, count: int, **values: Any
) -> str:
    translated = context["translations"].ngettext(singular, plural, count)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % ({"num": count} | values)  # type: ignore[no-any-return]


@jinja2.pass_context
def _local_time(context: jinja2.runtime.Context, moment: datetime | None) -> str:
    return "–" if moment is None else i18n.local_time(moment, context["lang"], context["zone"])


@jinja2.pass_context
def _local_day(context: jinja2.runtime.Context, day: date) -> str:
    return i18n.local_day(day, context["lang"])


@jinja2.pass_context
def _local_hour(context: jinja2.runtime.Context, moment: datetime) -> str:
    return i18n.local_hour(moment, context["zone"])


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: float | None, digits: int = 1) -> str:
    return i18n.number(value, context["lang"], digits=digits)


def _band(color: str) -> str:
    """The CSS class of a Thai AQI band colour (unknown colours get a neutral one)."""
    return f"band-{color}" if color in BAND_CLASSES else "band-none"


def band_colour(color: str | None) -> str:
    """The band's colour as the map paints it, the same as the `.band-*` classes."""
    return BAND_COLOURS.get(color or "", NO_BAND_COLOUR)


def web_ui(request: Request) -> WebUi:
    ui: WebUi = request.app.state.web_ui
    return ui


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render with the request's language; a `?lang=` choice is kept in a cookie."""
    ui = web_ui(request)
    language = i18n.choose_language(request)
    other = "en" if language == "th" else "th"
    response = ui.templates.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "other_lang": other,
            "switch_url": i18n.switch_url(request, other),
            "translations": ui.catalogues[language],
            "zone": request.app.state.settings.zone,
            "role_names": ROLE_NAMES,
            "group_names": GROUP_NAMES,
            "kind_names": KIND_NAMES,
            "parameter_names": PARAMETER_NAMES,
            "principal": None,
            "user_name": None,
            "csrf_token": None,
        }
        | context,
        status_code=status_code,
    )
    asked = i18n.asked_language(request)
    if asked is not None:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE, asked, max_age=365 * 24 * 3600, path="/", samesite="lax"
        )
    return response


@dataclass
class Page:
    """A page request: who asks, in which language, and the token its forms carry."""

    request: Request
    session: Session
    principal: Principal
    settings: Settings
    csrf_token: str | None = None
    user_name: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def language(self) -> str:
        return i18n.choose_language(self.request)

    def gettext(self, message: str, **values: Any) -> str:
        translated: str = web_ui(self.request).catalogues[self.language].gettext(message)
        return translated % values if values else translated

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
    ) -> HTMLResponse:
        return render(
            self.request,
            template,
            {
                "principal": self.principal,
                "user_name": self.user_name,
                "csrf_token": self.csrf_token,
            }
            | (context or {}),
            status_code=status_code,
        )


def page(
    request: Request, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Page:
    current = Page(request=request, session=session, principal=principal, settings=settings)
    if principal.user_id is not None:
        current.user_name = get_user(session, user_id=principal.user_id).display_name
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and principal.user_id is not None:
        try:
            current.csrf_token = csrf_token_for(session, token=cookie, now=current.now)
        except Unauthenticated:
            current.csrf_token = None  # signed in by a bearer token; an old cookie beside it
    return current


PageDep = Annotated[Page, Depends(page)]
