"""The backbone's target forms on a phone: from the agenda to the manage area, propose a
target whose baseline comes from the data, revise it with a reason, certify the area's days,
and find it on the agenda with its new value."""

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
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Two dusty days a month ago at Na Phra Lan, and a backbone account."""
    url = f"sqlite:///{tmp_path_factory.mktemp('target-forms') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    zone = default_zone()
    today = datetime.now(zone).date()
    with session_factory.begin() as session:
        backbone = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
        make_user(session, role=Role.BACKBONE, organisation=backbone, email=email("backbone"))
        make_station(session, code="npl-v01", area="Na Phra Lan")
        for days_ago in (31, 30):
            start = datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=zone)
            publish_hours(session, "npl-v01", "pm10", 200, start.astimezone(UTC), 24)
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def test_the_backbone_proposes_revises_and_certifies_from_the_agenda(page: Page) -> None:
    today = datetime.now(default_zone()).date()
    sign_in(page, "backbone")
    page.goto("/agenda")
    page.get_by_role("link", name="เสนอเป้าหมายหรือรับรองข้อมูล").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เป้าหมายและข้อมูลที่รับรองแล้ว")

    form = page.locator("form[action='/manage/targets']")
    form.locator("#title_th").fill("วันฝุ่น PM10 เกินมาตรฐานเหลือศูนย์")
    form.locator("#title_en").fill("No day over the PM10 standard")
    form.locator("#indicator").select_option("exceedance_days")
    form.locator("#parameter").select_option("pm10")
    form.locator("#area").select_option("Na Phra Lan")
    form.locator("#baseline_start").fill((today - timedelta(days=31)).isoformat())
    form.locator("#baseline_end").fill((today - timedelta(days=30)).isoformat())
    form.locator("#target_value").fill("1")
    form.locator("#deadline").fill((today + timedelta(days=365)).isoformat())
    form.locator("#milestone_due_0").fill((today + timedelta(days=90)).isoformat())
    form.locator("#milestone_value_0").fill("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form.get_by_role("button", name="เสนอ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("วันฝุ่น PM10 เกินมาตรฐานเหลือศูนย์")
    progress = page.locator(".target-progress")
    expect(progress).to_contain_text("2")  # the baseline: both dusty days, from the data
    page.get_by_role("link", name="แก้ไขเป้าหมายนี้").click()
    page.locator("#reason").fill("Forum of 1 December: zero was out of reach")
    page.locator("#target_value").fill("0.5")
    page.get_by_role("button", name="บันทึกการแก้ไข").click()
    expect(page.locator("main")).to_contain_text("Forum of 1 December: zero was out of reach")
    expect(page.locator(".target-progress")).to_contain_text("0.5")

    page.goto("/manage/targets")
    certify = page.locator("form[action='/manage/certifications']")
    certify.locator("#certify_area").select_option("Na Phra Lan")
    certify.locator("#period_start").fill((today - timedelta(days=31)).isoformat())
    certify.locator("#period_end").fill((today - timedelta(days=1)).isoformat())
    certify.get_by_role("button", name="รับรอง").click()
    expect(page.get_by_role("status")).to_have_text("รับรองช่วงเวลานี้แล้ว")
    expect(page.locator("main")).to_contain_text("Na Phra Lan:")

    page.goto("/agenda?lang=en")
    summary = page.locator(".target-summary")
    expect(summary).to_contain_text("No day over the PM10 standard")
    expect(summary).to_contain_text("target 0.5")
