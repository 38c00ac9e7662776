"""Operator A signs in and sees, at a glance on a phone, whether its facility complies
today and over the last 30 days, and the day its fence-line monitor went over the PM10
standard; the English switch changes the answer's words; operator B is refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from api.web.i18n import local_day
from core.kit.db import make_engine, make_session_factory
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.web.conftest import SCREENSHOTS, Site, sign_in, visit

ZONE = ZoneInfo("Asia/Bangkok")


@pytest.fixture(scope="module")
def exceedance_day(site: Site) -> date:
    """A full local day of PM10 at 150 ug/m3 at factory A's gate, three days ago."""
    day = datetime.now(ZONE).date() - timedelta(days=3)
    start = datetime.combine(day, time(0), tzinfo=ZONE)
    readings = [
        {"parameter": "pm10", "value": 150.0, "time": (start + timedelta(hours=h)).isoformat()}
        for h in range(24)
    ]
    engine = make_engine(site.database_url)
    with make_session_factory(engine).begin() as session:
        message = IncomingMessage(
            "dustwatch/v1/readings/f-a", json.dumps(readings).encode(), datetime.now(UTC)
        )
        ingest_messages(
            session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone()
        )
    engine.dispose()
    return day


def test_operator_a_sees_its_exceedance_day_and_the_answer(
    page: Page, site: Site, exceedance_day: date
) -> None:
    sign_in(page, "operator_a")
    page.get_by_role("link", name="การปฏิบัติตามมาตรฐานของสถานประกอบการของคุณ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("การปฏิบัติตามมาตรฐานของประเทศไทย")
    # The seeded last 24 hours are 200 ug/m3 of PM10 at the gate: over 120.
    expect(page.locator("#answer-today")).to_contain_text("ไม่เป็นไปตามมาตรฐานวันนี้")
    expect(page.locator("#answer-30-days")).to_contain_text("ไม่เป็นไปตามมาตรฐานในช่วง 30 วันที่ผ่านมา")
    row = page.locator("tr.exceeded", has_text=local_day(exceedance_day, "th"))
    expect(row).to_contain_text("150 µg/m³")
    expect(row).to_contain_text("120 µg/m³")
    expect(row).to_contain_text("เกินค่ามาตรฐาน")
    expect(page.get_by_role("heading", name="Mill A gate")).to_be_visible()
    expect(page.get_by_text("Quarry B fence")).to_have_count(0)
    csv_link = page.get_by_role("link", name="ดาวน์โหลดข้อมูลรายวันนี้เป็น CSV (เปิดด้วย Excel ได้)")
    today = datetime.now(ZONE).date()
    period = f"start={today - timedelta(days=30)}&end={today - timedelta(days=1)}"
    expect(csv_link).to_have_attribute(
        "href", re.compile(rf"^/facilities/\d+/compliance\.csv\?{period}$")
    )
    # the page fits a phone: nothing wider than the 390-pixel screen but the scrolling tables
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compliance-operator-a-th.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page.locator("#answer-today")).to_contain_text("Not in compliance today")
    expect(page.locator("tr.exceeded", has_text=local_day(exceedance_day, "en"))).to_contain_text(
        "Over the standard"
    )


def test_operator_b_is_refused_factory_a_compliance(
    page: Page, site: Site, exceedance_day: date
) -> None:
    sign_in(page, "operator_a")
    page.goto("/compliance")  # an operator goes straight to its own facility
    own = page.url[len(site.url) :]
    assert re.fullmatch(r"/facilities/\d+/compliance/page", own)
    page.get_by_role("button", name="ออกจากระบบ").click()
    sign_in(page, "operator_b")
    assert visit(page, own) == 404
    expect(page.get_by_text("Mill A gate")).to_have_count(0)


def test_an_official_chooses_a_facility(page: Page, exceedance_day: date) -> None:
    sign_in(page, "official")
    page.get_by_role("link", name="การปฏิบัติตามมาตรฐานของสถานประกอบการทั้งหมด").click()
    page.get_by_role("link", name="โรงงาน ก").click()
    # (yesterday may be over too: the seeded last 24 hours are mostly yesterday after midnight)
    day = local_day(exceedance_day, "th")
    expect(page.locator("tr.exceeded", has_text=day)).to_have_count(1)
    expect(page.get_by_role("link", name="สถานประกอบการอื่น")).to_be_visible()
