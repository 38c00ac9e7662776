"""A villager complains from a phone (390 px wide, Thai) without signing in, keeps the
private link, the backbone triages the complaint, and the villager sees the update."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, email


def test_a_villager_complains_and_sees_the_backbone_s_update(page: Page) -> None:
    page.goto("/complain")
    expect(page.get_by_role("heading", level=1)).to_have_text("แจ้งเรื่องที่คุณประสบ")
    page.get_by_text("ฝุ่น", exact=True).click()
    page.get_by_label("หมู่บ้าน", exact=True).select_option("Na Phra Lan")
    page.get_by_label("บันทึกเพิ่มเติม (ไม่บังคับ)").fill("ฝุ่นขาวเต็มบ้านตั้งแต่เช้า")
    page.get_by_label("โทรศัพท์").fill("081-555-0199")
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ขอบคุณ เราได้รับเรื่องร้องเรียนของคุณแล้ว")
    page.get_by_role("link", name="ติดตามเรื่องร้องเรียนของฉัน").click()
    expect(page.locator("#status")).to_have_text("ได้รับเรื่องแล้ว รอการคัดกรอง")
    private_url = page.url
    public_id = private_url.split("/complain/")[1].split("?")[0]

    signed = page.request.post(
        "/auth/token", form={"username": email("backbone"), "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    triaged = page.request.post(
        f"/complaints/{public_id}/updates",
        data={"status": "investigating", "note": "เจ้าหน้าที่จะไปตรวจพรุ่งนี้", "public": True},
        headers=bearer,
    )
    assert triaged.status == 201, triaged.text()

    page.goto(private_url)
    expect(page.locator("#status")).to_have_text("กำลังตรวจสอบ")
    expect(page.locator(".updates")).to_contain_text("เจ้าหน้าที่จะไปตรวจพรุ่งนี้")
    expect(page.get_by_text("f-a pm10")).to_have_count(0)
    public = page.request.get(f"/complaints/{public_id}").text()
    assert "081-555-0199" not in public
    assert "ฝุ่นขาวเต็มบ้านตั้งแต่เช้า" not in public
