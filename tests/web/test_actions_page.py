"""Actions in the browser on a phone: an operator registers the factory's road watering from
the target's page, then anyone reads its before/after change in Thai and in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.models import Role, StakeholderGroup
from core.settings import default_zone
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.core.actions.test_actions import make_target
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in

TARGET = "ฝุ่น PM10 ริมถนนขนส่งลดลง"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """PM10 100 on the five days before the start (five days ago), 60 since; one target."""
    url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    zone = default_zone()
    today = datetime.now(zone).date()
    with session_factory.begin() as session:
        factory = make_organisation(
            session, stakeholder_group=StakeholderGroup.OPERATOR, name_th="โรงโม่ทดสอบ"
        )
        make_user(session, role=Role.OPERATOR, organisation=factory, email=email("operator"))
        make_station(session, code="npl-v01", area="Na Phra Lan")
        for days_ago in range(1, 11):
            start = datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=zone)
            value = 60 if days_ago <= 5 else 100
            publish_hours(session, "npl-v01", "pm10", value, start.astimezone(UTC), 24)
        make_target(session, title_th=TARGET, title_en="Less PM10 by the haul road")
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def test_an_operator_registers_an_action_and_everyone_sees_its_change(page: Page) -> None:
    sign_in(page, "operator")
    page.goto("/agenda")
    page.get_by_role("link", name=TARGET).click()
    page.get_by_role("link", name="ลงทะเบียนการดำเนินการเพื่อเป้าหมายนี้").click()
    page.get_by_label("หัวข้อภาษาไทย").fill("รดน้ำถนนขนส่งทุกชั่วโมง")
    page.get_by_label("หัวข้อภาษาอังกฤษ").fill("Hourly haul road watering")
    page.get_by_label("ผู้รับผิดชอบ").fill("ผู้จัดการโรงโม่")
    start = datetime.now(default_zone()).date() - timedelta(days=5)
    page.get_by_label("วันเริ่ม").fill(start.isoformat())
    page.get_by_label("สถานี (รหัส คั่นด้วยจุลภาค)").fill("npl-v01")
    page.get_by_role("button", name="ลงทะเบียนการดำเนินการ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("รดน้ำถนนขนส่งทุกชั่วโมง")
    headline = page.locator(".change-headline")
    expect(headline).to_contain_text("ค่าเฉลี่ย 100 → 60")
    expect(headline).to_contain_text("(-40 %)")
    expect(page.locator(".statement")).to_contain_text("ไม่ใช่หลักฐาน")
    expect(page.locator("canvas[data-action-chart]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name=TARGET).click()
    summary = page.locator(".action-summary")
    expect(summary).to_contain_text("โรงโม่ทดสอบ")
    expect(summary).to_contain_text("การเปลี่ยนแปลงที่วัดได้: PM10 100 → 60")

    page.get_by_role("link", name="รดน้ำถนนขนส่งทุกชั่วโมง").click()
    page.goto(page.url + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hourly haul road watering")
    expect(page.locator(".change-headline")).to_contain_text("mean 100 → 60")
    expect(page.locator(".statement")).to_contain_text("not proof")
