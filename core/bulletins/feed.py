"""The Atom 1.0 feed (RFC 4287) of published bulletins: an entry per bulletin and language,
or per bulletin in one language, each linking to its page and its chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from core.models import Bulletin

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TITLES = {
    "th": "ประกาศคุณภาพอากาศของหน่วยประสานงานกลาง (dustwatch)",
    "en": "Air quality bulletins of the backbone unit (dustwatch)",
}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

ET.register_namespace("", ATOM)


def page_url(base_url: str, bulletin_id: int, language: str) -> str:
    return f"{base_url}/air-bulletins/{bulletin_id}?lang={language}"


def _element(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> None:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    if text is not None:
        child.text = text


def _updated(bulletin: Bulletin) -> datetime:
    return bulletin.published_at or bulletin.drafted_at


def atom_feed(bulletins: Sequence[Bulletin], *, base_url: str, language: str | None) -> bytes:
    """`bulletins` (published ones, newest first) as an Atom document; `language` None gives
    a Thai and an English entry for each."""
    languages = [language] if language else ["th", "en"]
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: languages[0]})
    suffix = f"?lang={language}" if language else ""
    _element(feed, "id", f"{base_url}/bulletins.atom{suffix}")
    _element(feed, "title", FEED_TITLES[languages[0]])
    updated = max((_updated(b) for b in bulletins), default=EPOCH)
    _element(feed, "updated", updated.isoformat())
    _element(feed, "link", rel="self", href=f"{base_url}/bulletins.atom{suffix}")
    _element(feed, "link", rel="alternate", type="text/html", href=f"{base_url}/air-bulletins")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _element(author, "name", "dustwatch")
    for bulletin in bulletins:
        for lang in languages:
            entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {XML_LANG: lang})
            link = page_url(base_url, bulletin.id, lang)
            _element(entry, "id", link)
            _element(entry, "title", bulletin.title_th if lang == "th" else bulletin.title_en)
            _element(entry, "updated", _updated(bulletin).isoformat())
            if bulletin.published_at is not None:
                _element(entry, "published", bulletin.published_at.isoformat())
            _element(entry, "link", rel="alternate", type="text/html", href=link, hreflang=lang)
            if bulletin.chart_th is not None:
                chart = bulletin.chart_th if lang == "th" else bulletin.chart_en
                _element(
                    entry,
                    "link",
                    rel="enclosure",
                    type="image/png",
                    href=f"{base_url}/bulletins/{bulletin.id}/chart.png?lang={lang}",
                    length=str(len(chart or b"")),
                )
            _element(entry, "category", term=bulletin.kind.value)
            _element(
                entry,
                "content",
                bulletin.body_th if lang == "th" else bulletin.body_en,
                type="text",
            )
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
