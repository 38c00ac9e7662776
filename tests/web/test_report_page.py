"""A volunteer reports from a phone (390 px wide): "visible dust" with a small photo, in Thai,
and sees the confirmation; a file that is not a photo is refused beside the photo field."""

from __future__ import annotations

import struct
import zlib

from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in


def tiny_png() -> bytes:
    """A real 2×2 grey PNG, made here so that the test carries no binary file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_volunteer_reports_visible_dust_with_a_photo(page: Page) -> None:
    photo = tiny_png()
    sign_in(page, "volunteer")
    page.get_by_role("link", name="แจ้งฝุ่น ควัน หรือค่าตรวจวัด").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("แจ้งสิ่งที่คุณพบเห็น")
    camera = page.get_by_label("รูปภาพ (ไม่บังคับ)")
    expect(camera).to_have_attribute("accept", "image/*")
    expect(camera).to_have_attribute("capture", "environment")
    page.get_by_text("เห็นฝุ่นฟุ้ง", exact=True).click()
    page.get_by_label("หมู่บ้าน", exact=True).select_option("Nong Pling")
    page.get_by_label("บันทึกเพิ่มเติม (ไม่บังคับ)").fill("ฝุ่นขาวลอยมาจากโรงโม่")
    camera.set_input_files({"name": "IMG_2041.png", "mimeType": "image/png", "buffer": photo})
    page.get_by_role("button", name="ส่งรายงาน").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ขอบคุณ เราได้รับรายงานของคุณแล้ว")
    facts = page.locator(".facts")
    for shown in ("เห็นฝุ่นฟุ้ง", "Nong Pling", "แนบแล้ว"):
        expect(facts).to_contain_text(shown)
    address = page.get_by_role("link", name="แนบแล้ว").get_attribute("href")
    assert address is not None
    served = page.request.get(address)
    assert served.status == 200
    assert served.headers["content-type"] == "image/png"
    assert served.body() == photo


def test_a_file_that_is_not_a_photo_is_refused_beside_the_field(page: Page) -> None:
    sign_in(page, "volunteer")
    page.goto("/report")
    page.get_by_text("รถบรรทุกไม่ปิดผ้าใบ", exact=True).click()
    page.get_by_label("หมู่บ้าน", exact=True).select_option("Khao Kaeo")
    page.get_by_label("รูปภาพ (ไม่บังคับ)").set_input_files(
        {"name": "truck.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"}
    )
    page.get_by_role("button", name="ส่งรายงาน").click()
    expect(page.locator("#photo-error")).to_have_text(
        "ไฟล์นี้ไม่ใช่รูปภาพ กรุณาส่งรูปแบบ JPEG, PNG หรือ WebP"
    )
    expect(page.get_by_label("รูปภาพ (ไม่บังคับ)")).to_have_attribute("aria-invalid", "true")
    # What was chosen is kept, so only the photo needs choosing again.
    expect(page.get_by_label("หมู่บ้าน", exact=True)).to_have_value("Khao Kaeo")
    expect(page.locator("input[value=uncovered_truck]")).to_be_checked()
