"""The official's inbox on a phone: an open alert with its chart, acknowledged with a note
in one tap, a response added, and the history showing both."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in


def test_an_official_acknowledges_and_answers_an_alert_from_a_phone(page: Page) -> None:
    sign_in(page, "official")
    page.goto("/home")
    page.get_by_role("link", name="กล่องการแจ้งเตือน: รับทราบ ดำเนินการ ปิด").click()
    expect(page.get_by_role("heading", name="กล่องการแจ้งเตือน", exact=True)).to_be_visible()

    alert = page.get_by_role("article").filter(has_text="Mill A gate")
    expect(alert).to_contain_text("สูง: 1.5 เท่าของค่ามาตรฐาน")  # 200 over a limit of 120
    page.wait_for_function("() => window.dustwatch !== undefined")
    page.evaluate("() => window.dustwatch.ready")
    expect(alert.get_by_role("figure")).to_contain_text("PM10 (ฝุ่นละออง) ค่าเฉลี่ยรายชั่วโมง")

    alert.get_by_label("บันทึกเพิ่มเติม (ไม่บังคับ)").fill("กำลังไปตรวจที่ประตูโรงงาน")
    alert.get_by_role("button", name="รับทราบ").click()
    alert = page.get_by_role("article").filter(has_text="Mill A gate")
    expect(alert).to_contain_text("รับทราบโดย official@example.org")
    expect(alert.get_by_role("button", name="รับทราบ")).to_have_count(0)

    alert.get_by_label("สิ่งที่ได้ดำเนินการ").fill("ส่งรถน้ำไปถนนสาย 3")
    alert.get_by_role("button", name="บันทึกการดำเนินการ").click()

    history = page.get_by_role("article").filter(has_text="Mill A gate").get_by_role("list")
    expect(history.get_by_role("listitem")).to_have_count(3)
    expect(history.get_by_role("listitem").nth(0)).to_contain_text("เปิดการแจ้งเตือน")
    expect(history.get_by_role("listitem").nth(1)).to_contain_text("กำลังไปตรวจที่ประตูโรงงาน")
    expect(history.get_by_role("listitem").nth(2)).to_contain_text("ส่งรถน้ำไปถนนสาย 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_closing_needs_a_reason(page: Page) -> None:
    sign_in(page, "backbone")
    page.goto("/inbox")
    alert = page.get_by_role("article").filter(has_text="Mill A gate")
    alert.get_by_text("ปิดการแจ้งเตือนนี้").click()
    alert.get_by_role("button", name="ปิดการแจ้งเตือน", exact=True).click()
    # the browser keeps the empty form: the reason is required, nothing is closed
    expect(page).to_have_url(page.url)
    assert alert.get_by_label("เหตุผลในการปิด").evaluate("e => e.validity.valueMissing")
