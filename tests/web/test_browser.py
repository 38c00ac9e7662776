"""What people see in a browser: Thai first, English on request, a home page per role,
private stations refused, form errors beside their field, /docs without internet, and a
page that works from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Site, email, sign_in, visit

MODERATE_ADVICE_TH = "ประชาชนทั่วไป: สามารถทำกิจกรรมกลางแจ้งได้ตามปกติ"
MODERATE_ADVICE_EN = "General public: outdoor activities as normal."


def test_the_landing_page_is_in_thai_with_the_band_and_advice(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", level=1)).to_have_text("คุณภาพอากาศหน้าพระลานตอนนี้")
    station = page.locator("article", has_text="Wat Na Phra Lan")
    expect(station.locator(".band")).to_have_text("ปานกลาง · AQI 70")
    expect(station.locator(".band")).to_have_class("band band-yellow")
    expect(station.locator(".advice")).to_contain_text(MODERATE_ADVICE_TH)
    pm25 = station.get_by_role("row", name="PM2.5")
    expect(pm25).to_contain_text("30 µg/m³")
    expect(pm25).to_contain_text("37.5 µg/m³")
    expect(pm25).to_contain_text("ไม่เกินค่ามาตรฐาน")
    expect(page.get_by_text("Mill A gate")).to_have_count(0)  # private: not on the public page


def test_english_is_one_link_away_and_stays_chosen(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Air quality in Na Phra Lan now")
    station = page.locator("article", has_text="Wat Na Phra Lan")
    expect(station.locator(".band")).to_have_text("Moderate · AQI 70")
    expect(station.locator(".advice")).to_contain_text(MODERATE_ADVICE_EN)
    page.goto("/signin")  # no ?lang= any more: the cookie remembers
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert {c["name"]: c["value"] for c in page.context.cookies()}["dustwatch_lang"] == "en"
    page.get_by_role("link", name="ภาษาไทย").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")


HOMES = {
    "volunteer": ("สถานีที่คุณดูแล", ["Wat Na Phra Lan"], ["Mill A gate", "Quarry B fence"]),
    "operator_a": ("สถานีขององค์กรคุณ", ["Mill A gate"], ["Quarry B fence", "Wat Na Phra Lan"]),
    "official": ("การแจ้งเตือนที่ยังไม่ปิดในพื้นที่ของคุณ", ["Mill A gate", "Quarry B fence"], []),
    "backbone": ("ภาพรวม", ["Mill A gate", "Quarry B fence", "Wat Na Phra Lan"], []),
    "admin": ("ภาพรวม", ["Mill A gate", "Quarry B fence", "Wat Na Phra Lan"], []),
}


@pytest.mark.parametrize("person", list(HOMES))
def test_each_role_signs_in_to_its_own_home_page(page: Page, site: Site, person: str) -> None:
    heading, shown, hidden = HOMES[person]
    sign_in(page, person)
    expect(page).to_have_url(f"{site.url}/home")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"สวัสดี {site.names[person]}")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for name in shown:
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    for name in hidden:
        expect(page.get_by_text(name)).to_have_count(0)
    if person == "official":
        alert = page.locator("table").first.get_by_role("row", name="Mill A gate")
        expect(alert).to_contain_text("200 µg/m³")
        expect(alert).to_contain_text("120 µg/m³")
    if person in {"backbone", "admin"}:
        for link in ("องค์กร", "บัญชีผู้ใช้", "บันทึกการเปลี่ยนแปลงทั้งหมด"):
            expect(page.get_by_role("link", name=link)).to_be_visible()
        page.get_by_role("link", name="บันทึกการเปลี่ยนแปลงทั้งหมด").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("บันทึกการเปลี่ยนแปลง")


def test_signing_out_ends_the_session(page: Page) -> None:
    sign_in(page, "volunteer")
    page.get_by_role("button", name="ออกจากระบบ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("คุณภาพอากาศหน้าพระลานตอนนี้")
    assert visit(page, "/home") == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("กรุณาเข้าสู่ระบบ")


def test_operator_a_is_refused_factory_b_station_page(page: Page) -> None:
    sign_in(page, "operator_a")
    assert visit(page, "/stations/f-a/page") == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mill A gate")
    assert visit(page, "/stations/f-b/page") == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("ไม่พบหน้านี้")
    expect(page.get_by_text("Quarry B fence")).to_have_count(0)


def test_a_wrong_password_says_why_and_warns_of_the_lock_out(page: Page) -> None:
    sign_in(page, "forgetful", password="not the password")
    expect(page.get_by_role("alert")).to_contain_text("อีเมลหรือรหัสผ่านไม่ถูกต้อง")
    expect(page.get_by_role("alert")).to_contain_text("บัญชีจะถูกล็อก 15 นาที")
    expect(page.get_by_label("อีเมล")).to_have_value(email("forgetful"))


def test_a_form_with_an_error_shows_the_message_next_to_the_field(page: Page) -> None:
    sign_in(page, "backbone")
    page.goto("/manage/users")
    form = page.locator("form", has=page.get_by_role("button", name="สร้างบัญชี"))
    form.get_by_label("อีเมล").fill("new.volunteer@example.org")
    form.get_by_label("ชื่อที่แสดง").fill("Khun New")
    form.get_by_label("บทบาท").select_option("volunteer")
    form.get_by_label("องค์กร").select_option(label="อาสาสมัครหน้าพระลาน")
    form.get_by_label("รหัสผ่านแรก").fill("short")
    form.get_by_role("button", name="สร้างบัญชี").click()
    password = page.get_by_label("รหัสผ่านแรก")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password-error")).to_have_text("สั้นเกินไป: ต้องมีอย่างน้อย 10 ตัวอักษร")
    expect(password).to_have_attribute("aria-describedby", "password-error")
    expect(page.get_by_label("อีเมล").last).to_have_value("new.volunteer@example.org")
    expect(page.get_by_role("cell", name="new.volunteer@example.org")).to_have_count(0)


def test_docs_work_offline_and_authorize_signs_in(page: Page) -> None:
    """Every request of /docs goes to dustwatch (the fixture refuses any other host)."""
    page.goto("/docs")
    # The first /openapi.json builds the schema of every route (about a second alone, many
    # more beside a loaded test run); Swagger UI shows its title once it has it.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("dustwatch", timeout=30_000)
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    dialog.get_by_label("username:").fill(email("official"))
    dialog.get_by_label("password:").fill("correct horse battery")
    dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    expect(dialog.get_by_role("button", name="Remove authorization")).to_be_visible()
    dialog.get_by_role("button", name="Close").first.click()
    operation = page.locator("#operations-auth-get_me_auth_me_get")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tbody .response-col_status")
    expect(live).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text(email("official"))


def test_the_keyboard_reaches_the_skip_link_and_every_field_has_a_label(page: Page) -> None:
    page.goto("/signin")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="ข้ามไปยังเนื้อหาหลัก")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # from the start of the content, the first field
    expect(page.get_by_label("อีเมล")).to_be_focused()
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(field => field.labels.length === 0).map(field => field.name)"""
    )
    assert unlabelled == []


@pytest.mark.parametrize("path", ["/?lang=en", "/?lang=th"])
def test_a_phone_never_scrolls_sideways_to_read_a_station(page: Page, path: str) -> None:
    """Wide tables scroll inside their card; the page itself stays as wide as the phone."""
    page.set_viewport_size({"width": 320, "height": 640})  # the narrowest phones in use
    page.goto(path)
    expect(page.locator("article", has_text="Wat Na Phra Lan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
