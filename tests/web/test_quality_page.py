"""The backbone's quality-control page in a browser: suspect readings and a conflicting
re-send listed in Thai, a one-click review with a reason, and the flag on the station page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from core.kit.db import make_engine, make_session_factory
from core.quality.correction import epa_corrected_milli
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from core.standards.parameters import from_milli
from tests.web.conftest import Site, sign_in, visit


def resend_with_another_value(site: Site, code: str, time: datetime, value: float) -> None:
    engine = make_engine(site.database_url)
    reading = {"parameter": "pm10", "value": value, "time": time.isoformat()}
    with make_session_factory(engine).begin() as session:
        ingest_messages(
            session,
            messages=[
                IncomingMessage(
                    f"dustwatch/v1/readings/{code}", json.dumps(reading).encode(), datetime.now(UTC)
                )
            ],
            topic_prefix="dustwatch/v1",
            zone=default_zone(),
        )
    engine.dispose()


def test_the_backbone_reviews_a_suspect_reading_in_one_click(page: Page, site: Site) -> None:
    # The seeded factory fence line sent 50 ug/m3 every hour for a day: from the tenth
    # identical value on, quality control finds it stuck.
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    resend_with_another_value(site, "f-b", hour - timedelta(hours=2), 57.5)
    sign_in(page, "backbone")

    assert visit(page, "/manage/quality") == 200
    expect(page.get_by_role("heading", name="การตรวจสอบคุณภาพข้อมูล", level=1)).to_be_visible()
    conflict = page.locator("#conflicts-table tbody tr[data-station='f-b']")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("57.5")
    suspect = page.locator("#suspect-table tbody tr[data-station='f-b']").first
    expect(suspect).to_contain_text("ค่าเดิมซ้ำกันหลายครั้งติดต่อกัน")
    reviewed_time = suspect.get_attribute("data-time")

    suspect.get_by_label("เหตุผล").fill("the logger is steady at 50, checked on site")
    suspect.get_by_role("button", name="ใช้ได้", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("บันทึกผลการตรวจสอบแล้ว")
    expect(
        page.locator(f"#suspect-table tr[data-time='{reviewed_time}'][data-station='f-b']")
    ).to_have_count(0)
    done = page.locator(f"#reviewed-table tr[data-time='{reviewed_time}'][data-station='f-b']")
    expect(done.locator("td.quality")).to_have_text("ใช้ได้")
    expect(done).to_contain_text("the logger is steady at 50, checked on site")

    assert visit(page, "/stations/f-b/page") == 200
    flagged = page.locator(f".flagged-table tr[data-time='{reviewed_time}']")
    expect(flagged.locator("td.quality")).to_have_text("ใช้ได้")
    expect(flagged).to_contain_text("the logger is steady at 50, checked on site")


def test_a_reason_is_required_before_a_review(page: Page) -> None:
    sign_in(page, "admin")
    visit(page, "/manage/quality")
    row = page.locator("#suspect-table tbody tr").first
    row.get_by_role("button", name="ใช้ไม่ได้", exact=True).click()
    # The browser keeps the form until a reason is given: nothing was reviewed.
    expect(page).to_have_url(f"{page.url.split('/manage')[0]}/manage/quality")
    assert row.get_by_label("เหตุผล").evaluate("field => field.validity.valueMissing") is True
    expect(page.get_by_role("status")).to_have_count(0)


def test_a_low_cost_sensor_in_fog_shows_its_flag_and_the_epa_correction_beside_the_raw_value(
    page: Page, site: Site
) -> None:
    """Anyone who may see the village station sees why its PM2.5 is suspect and the US EPA
    corrected value next to what the sensor sent."""
    at = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=3)
    engine = make_engine(site.database_url)
    body = [
        {"parameter": "humidity", "value": 97, "time": at.isoformat()},
        {"parameter": "pm25", "value": 48.4, "time": at.isoformat()},
    ]
    with make_session_factory(engine).begin() as session:
        ingest_messages(
            session,
            messages=[
                IncomingMessage(
                    "dustwatch/v1/readings/npl-v01", json.dumps(body).encode(), datetime.now(UTC)
                )
            ],
            topic_prefix="dustwatch/v1",
            zone=default_zone(),
        )
    engine.dispose()
    corrected = from_milli(epa_corrected_milli(48_400, 97_000))

    assert visit(page, "/stations/npl-v01/page") == 200
    row = page.locator(f".flagged-table tr[data-parameter='pm25'][data-time='{at.isoformat()}']")
    expect(row.locator("td.quality")).to_have_text("น่าสงสัย")
    expect(row).to_contain_text("48.4")
    expect(row.locator(".corrected")).to_contain_text(f"{corrected:.1f}")
    expect(row.locator(".corrected")).to_contain_text("US EPA")
