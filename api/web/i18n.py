"""Languages of the web pages: gettext catalogues through Babel, Thai first, English on request.

The catalogues are the `.po` files under `locale/`, compiled in memory when the app starts, so
no binary `.mo` file is kept in the repository. `README.md` ("Pages") says how to extract and
update them.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from starlette.requests import Request

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
LANGUAGE_COOKIE = "dustwatch_lang"
LANGUAGE_QUERY = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


def _po_file(directory: Path, language: str) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogues(directory: Path = LOCALE_DIR) -> dict[str, Translations]:
    """Each language's catalogue, compiled from its `.po`; fuzzy entries are left out.
    Compiled once per process and version of the files: every app built in the same process
    (the tests build hundreds) shares them, and an edited `.po` is compiled again."""
    versions = tuple(_po_file(directory, language).stat().st_mtime_ns for language in LANGUAGES)
    return _compiled(directory, versions)


@functools.cache
def _compiled(directory: Path, versions: tuple[int, ...]) -> dict[str, Translations]:
    catalogues: dict[str, Translations] = {}
    for language in LANGUAGES:
        with _po_file(directory, language).open("rb") as po:
            catalogue = read_po(po, locale=language, domain=DOMAIN)
        compiled = BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        catalogues[language] = Translations(fp=compiled, domain=DOMAIN)
    return catalogues


def choose_language(request: Request) -> str:
    """`?lang=` when given, else the `dustwatch_lang` cookie, else Thai."""
    for asked in (request.query_params.get(LANGUAGE_QUERY), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return DEFAULT_LANGUAGE


def asked_language(request: Request) -> str | None:
    """The language chosen by `?lang=` on this request, to keep in the cookie."""
    asked = request.query_params.get(LANGUAGE_QUERY)
    return asked if asked in LANGUAGES else None


def local_time(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """A moment as people in Na Phra Lan read it: the deployment's local time
    (`Settings.zone`), in Thai with the Buddhist era year (2569 for 2026) that Thai readers
    expect."""
    local = moment.astimezone(zone)
    if language == "th":
        day_month = format_datetime(local, "d MMM", tzinfo=zone, locale="th")
        return f"{day_month} {local.year + 543} {local:%H:%M} น."
    return format_datetime(local, "d MMM y, HH:mm", tzinfo=zone, locale="en")


def local_day(day: date, language: str) -> str:
    """A local calendar day, short: `22 พ.ย. 2569` in Thai, `22 Nov 2026` in English."""
    if language == "th":
        return f"{format_date(day, 'd MMM', locale='th')} {day.year + 543}"
    return format_date(day, "d MMM y", locale="en")


def local_hour(moment: datetime, zone: ZoneInfo) -> str:
    """The local clock hour a moment starts, `14:00`, the same in both languages."""
    return f"{moment.astimezone(zone):%H:%M}"


def age_minutes(moment: datetime, now: datetime) -> int:
    """Whole minutes from `moment` to `now`; a clock a little ahead counts as no time."""
    return max(0, int((now - moment).total_seconds() // 60))


def number(value: float | None, language: str, *, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(round(value, digits), format=f"#,##0.{'#' * digits}", locale=language)


def switch_url(request: Request, language: str) -> str:
    """This page in another language: the same path and query, with `lang` replaced."""
    url = request.url.include_query_params(**{LANGUAGE_QUERY: language})
    return f"{url.path}?{url.query}"
