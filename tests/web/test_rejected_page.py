"""Backbone staff find, from their home page, what devices sent that was refused and why,
filter it by station and reason, and read hostile payloads as plain text; an operator sees
its own station's refusals only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from core.kit.db import make_engine, make_session_factory
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.web.conftest import Site, sign_in, visit

SCRIPT = "<script>document.title='owned'</script>"


@pytest.fixture(scope="module")
def refused(site: Site) -> None:
    engine = make_engine(site.database_url)
    with make_session_factory(engine).begin() as session:
        ingest_messages(
            session,
            messages=[
                IncomingMessage(f"dustwatch/v1/{topic}", payload, datetime.now(UTC))
                for topic, payload in [
                    ("readings/f-a", SCRIPT.encode()),
                    ("reading/npl-v02", b"typo-in-the-topic"),
                    ("readings/npl-v02", b"\x00\xff" + b"x" * 5000),
                ]
            ],
            topic_prefix="dustwatch/v1",
            zone=default_zone(),
        )
    engine.dispose()


def test_backbone_staff_filter_refusals_and_read_payloads_as_text(
    page: Page, site: Site, refused: None
) -> None:
    sign_in(page, "backbone")
    page.get_by_role("link", name="ข้อความที่ถูกปฏิเสธ: สิ่งที่อุปกรณ์ส่งมาแต่ไม่ได้บันทึก และเหตุผล").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ข้อความที่ถูกปฏิเสธ")
    table = page.locator("table.rejected")
    expect(table).to_contain_text(SCRIPT)  # shown as text, never run
    expect(table).to_contain_text("typo-in-the-topic")
    expect(table).to_contain_text("(แสดง 300 ตัวอักษรแรกจาก 5002)")
    assert page.title() != "owned"

    page.get_by_label("สถานี").fill("f-a")
    page.get_by_role("button", name="กรอง").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(SCRIPT)

    page.get_by_label("สถานี").fill("")
    page.get_by_label("เหตุผลมีคำว่า").fill("topic must be")
    page.get_by_role("button", name="กรอง").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("dustwatch/v1/reading/npl-v02")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refused messages")
    expect(page.get_by_label("Reason contains")).to_have_value("topic must be")


def test_an_operator_sees_its_own_stations_refusals_only(
    page: Page, site: Site, refused: None
) -> None:
    sign_in(page, "operator_a")
    page.get_by_role("link", name="ข้อความที่ถูกปฏิเสธของสถานีของคุณ และเหตุผล").click()
    expect(page.locator("p.meta").first).to_contain_text("คุณเห็นเฉพาะการปฏิเสธของสถานีของคุณเอง")
    table = page.locator("table.rejected")
    expect(table).to_contain_text(SCRIPT)
    expect(table).not_to_contain_text("typo-in-the-topic")
    expect(table).not_to_contain_text("npl-v02")


def test_officials_and_the_public_are_refused(page: Page, site: Site) -> None:
    assert visit(page, "/rejected") == 401
    expect(page.get_by_role("heading", name="ข้อความที่ถูกปฏิเสธ")).to_have_count(0)
    sign_in(page, "official")
    assert visit(page, "/rejected") == 403
