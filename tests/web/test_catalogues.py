"""The pages' catalogues: every string in the templates and code is in messages.pot, and
every one has a Thai translation that keeps its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.web.i18n import LANGUAGES, LOCALE_DIR, load_catalogues

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


def ids(catalogue: Catalog) -> set[str]:
    """Message ids; a plural message by its singular, as extraction names it."""
    return {m.id[0] if isinstance(m.id, tuple) else str(m.id) for m in catalogue if m.id}


def translated(string: str | tuple[str, ...]) -> bool:
    """Every form filled: a plural message has one string per plural form."""
    return all(string) if isinstance(string, tuple) else bool(string)


def extracted() -> set[str]:
    """What `scripts/translations` would put in messages.pot today."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }


def test_the_template_lists_every_string_of_the_pages() -> None:
    template = ids(read(LOCALE_DIR / "messages.pot"))
    current = extracted()
    assert current - template == set(), "new strings: run scripts/translations"
    assert template - current == set(), "strings no longer used: run scripts/translations"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_follows_the_template(language: str) -> None:
    template = ids(read(LOCALE_DIR / "messages.pot"))
    catalogue = read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    assert ids(catalogue) == template, "run scripts/translations"


def test_every_string_has_a_thai_translation_with_its_placeholders() -> None:
    thai = read(LOCALE_DIR / "th" / "LC_MESSAGES" / "messages.po", "th")
    untranslated = [m.id for m in thai if m.id and (not translated(m.string) or m.fuzzy)]
    assert untranslated == []
    problems = [(message.id, [str(e) for e in errors]) for message, errors in thai.check()]
    assert problems == []


def test_the_catalogues_compile_when_the_app_starts() -> None:
    catalogues = load_catalogues()
    assert catalogues["th"].gettext("Sign in") == "เข้าสู่ระบบ"
    assert catalogues["en"].gettext("Sign in") == "Sign in"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_literal_percent_sign_is_written_twice(language: str) -> None:
    """Pages %-format every message (as Jinja's newstyle gettext), so a literal % must be
    written %%: a lone one made a station page answer 500."""
    catalogue = read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    lone = []
    for message in catalogue:
        texts = [message.id] if isinstance(message.id, str) else list(message.id)
        texts += [message.string] if isinstance(message.string, str) else list(message.string)
        lone += [t for t in texts if t and re.search(r"%(?!\()", t.replace("%%", ""))]
    assert lone == []
