"""A villager complains from a phone; the backbone triages it to fixed on
/manage/complaints; the villager sees the status and the measured change through the private
link; the public map shows it anonymised, in Thai and in English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in

PHONE = "081-555-0177"
NOTE = "ฝุ่นจากรถบรรทุกหน้าบ้านลุงแดง"


def test_a_complaint_goes_from_the_villager_to_fixed_and_onto_the_public_map(page: Page) -> None:
    page.goto("/complain")
    page.get_by_text("รถบรรทุก", exact=True).click()
    page.get_by_label("หมู่บ้าน", exact=True).select_option("Na Phra Lan")
    page.get_by_label("บันทึกเพิ่มเติม (ไม่บังคับ)").fill(NOTE)
    page.get_by_label("โทรศัพท์").fill(PHONE)
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    page.get_by_role("link", name="ติดตามเรื่องร้องเรียนของฉัน").click()
    private_url = page.url
    public_id = private_url.split("/complain/")[1].split("?")[0]

    # A neighbour complaining about the same place and time is offered that incident.
    page.goto("/complain")
    expect(page.locator("#incidents")).to_be_hidden()
    page.get_by_text("ฝุ่น", exact=True).click()
    page.get_by_label("หมู่บ้าน", exact=True).select_option("Na Phra Lan")
    expect(page.locator("#incidents")).to_be_visible()
    page.locator("#incident-choices input[name=incident]").first.check()
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ขอบคุณ เราได้รับเรื่องร้องเรียนของคุณแล้ว")

    sign_in(page, "backbone")
    page.goto("/manage/complaints")
    page.get_by_label("สาเหตุ", exact=True).select_option("truck")
    page.get_by_role("button", name="แสดง").click()
    card = page.locator(f"#complaint-{public_id}")
    expect(card).to_contain_text(PHONE)
    card.get_by_label("สถานะใหม่").select_option("fixed")
    card.get_by_label("บันทึก", exact=True).fill("สั่งให้คลุมผ้าใบรถบรรทุกแล้ว")
    card.get_by_label("แสดงบันทึกนี้ต่อสาธารณะ").check()
    card.get_by_role("button", name="บันทึก").click()
    expect(page.get_by_role("status")).to_have_text("บันทึกความคืบหน้าของเรื่องร้องเรียนแล้ว")
    expect(page.locator(f"#complaint-{public_id} .status")).to_have_text("แก้ไขแล้ว")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    page.goto(private_url)
    expect(page.locator("#status")).to_have_text("แก้ไขแล้ว")
    expect(page.get_by_role("heading", name="การเปลี่ยนแปลงที่วัดได้หลังการแก้ไข")).to_be_visible()
    expect(page.locator(".updates")).to_contain_text("สั่งให้คลุมผ้าใบรถบรรทุกแล้ว")
    page.goto(private_url + "&lang=en")
    expect(page.locator("#status")).to_have_text("Fixed")
    expect(page.get_by_role("heading", name="Measured change since it was fixed")).to_be_visible()

    several = {"th": re.compile(r"ร้องเรียน [2-9]\d* เรื่อง"), "en": re.compile(r"[2-9]\d* complaints")}
    for language, status in (("th", "แก้ไขแล้ว"), ("en", "Fixed")):
        page.goto(f"/complaints-map?lang={language}")
        expect(page.locator(f"#complaint-{public_id} .status")).to_have_text(status)
        expect(page.locator(".incident-list").first).to_contain_text(several[language])
        content = page.content()
        assert PHONE not in content
        assert NOTE not in content
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
