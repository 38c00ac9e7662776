"""A drafted bulletin published from /manage/bulletins on a phone, then read by the public:
listed from the public page, with its chart image loaded and its Thai text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from alerts.bulletins.jobs import draft_and_render
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.models import BulletinKind, Role, StakeholderGroup
from core.settings import Settings, default_zone
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in

WEEK = (28.0, 31.5, 36.0, 44.0, 52.5, 40.0, 33.0)
"""PM2.5 daily means of the seven days before today, oldest first."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site of its own: a week of readings in the past, and the morning's drafts made as
    the job makes them, without touching the shared site's data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bulletins') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    zone = default_zone()
    today = datetime.now(zone).date()
    with session_factory.begin() as session:
        backbone = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
        make_user(session, role=Role.BACKBONE, organisation=backbone, email=email("backbone"))
        make_station(session, code="npl-v01", name="วัดหน้าพระลาน", area="Na Phra Lan")
        for days_ago, value in zip(range(7, 0, -1), WEEK, strict=True):
            start = datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=zone)
            publish_hours(session, "npl-v01", "pm25", value, start.astimezone(UTC), 24)
        draft_and_render(
            session,
            fire_time=datetime.now(UTC),
            zone=zone,
            kind=BulletinKind.DAILY,
            settings=Settings(),
        )
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def test_staff_publish_a_bulletin_and_the_public_reads_it_on_a_phone(
    page: Page,
) -> None:
    sign_in(page, "backbone")
    page.goto("/manage/bulletins")
    review = page.locator("section.bulletin-review").filter(has_text="Na Phra Lan")
    expect(review.get_by_role("heading")).to_contain_text("รายงานคุณภาพอากาศประจำวัน Na Phra Lan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    body = review.get_by_label("ข้อความ (ภาษาไทย)")
    body.fill(body.input_value() + "\nหมายเหตุ: ฝนตกช่วงบ่าย")
    review.get_by_role("button", name="บันทึกข้อความ").click()
    expect(page.get_by_role("status")).to_have_text("บันทึกข้อความแล้ว")

    review = page.locator("section.bulletin-review").filter(has_text="Na Phra Lan")
    review.get_by_role("button", name="อนุมัติ").click()
    expect(page.get_by_role("status")).to_have_text("อนุมัติประกาศแล้ว")
    review = page.locator("section.bulletin-review").filter(has_text="Na Phra Lan")
    review.get_by_role("button", name="เผยแพร่").click()
    expect(page.get_by_role("status")).to_have_text("เผยแพร่ประกาศแล้ว")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("link", name="ประกาศคุณภาพอากาศ").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ประกาศคุณภาพอากาศ")
    page.get_by_role("link", name="รายงานคุณภาพอากาศประจำวัน Na Phra Lan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Na Phra Lan")
    expect(page.locator(".bulletin-text")).to_contain_text("หมายเหตุ: ฝนตกช่วงบ่าย")
    text = page.locator(".bulletin-text")
    expect(text).to_contain_text("สถานีตรวจวัดสาธารณะ 1 สถานี")
    expect(text).to_contain_text("ค่าเฉลี่ยรายวันสูงสุด 33.0 µg/m³ ที่สถานี npl-v01")
    chart = page.get_by_role("img", name="กราฟค่าเฉลี่ยรายวันของ PM2.5")
    expect(chart).to_be_visible()
    chart.evaluate("img => img.decode()")
    assert chart.evaluate("img => img.naturalWidth") == 800
    assert chart.evaluate("img => img.getBoundingClientRect().width") <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == "/bulletins.atom?lang=th"
