"""Every page backbone staff use fits a phone's width in Thai and in English: nothing makes
the page scroll sideways (a wide table scrolls inside its own box)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.conftest import Site, sign_in

STAFF_PAGES = (
    "/home",
    "/inbox",
    "/manage/quality",
    "/manage/subscriptions",
    "/manage/bulletins",
    "/manage/targets",
    "/manage/complaints",
    "/complaints-map",
    "/air-bulletins",
    "/rejected",
    "/factory-reports",
    "/stations/npl-v01/page",
)


@pytest.mark.parametrize("language", ["th", "en"])
def test_no_staff_page_scrolls_sideways_on_a_phone(page: Page, site: Site, language: str) -> None:
    sign_in(page, "backbone")
    page.context.add_cookies([{"name": "dustwatch_lang", "value": language, "url": site.url}])
    paths = [*STAFF_PAGES]
    page.goto("/factory-reports")
    facility = page.locator("#report-overview a").first.get_attribute("href")
    assert facility is not None
    paths.append(facility)
    too_wide = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    assert too_wide == {}
