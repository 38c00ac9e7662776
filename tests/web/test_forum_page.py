"""The forum in the browser: the backbone records a held meeting and a decision through the
forms; the public then reads the decision, its responsible organisation and its due date on
the forum's page, in Thai and in English, on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.models import Organisation, Role, StakeholderGroup
from core.settings import default_zone
from core.targets.schemas import TargetCreate
from core.targets.service import agree_target, create_target
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('forum') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    with session_factory.begin() as session:
        backbone = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
        make_organisation(
            session,
            stakeholder_group=StakeholderGroup.OPERATOR,
            name_th="โรงโม่หินเขาแก้ว",
            name_en="Khao Kaeo quarry",
        )
        make_user(session, role=Role.BACKBONE, organisation=backbone, email=email("backbone"))
        make_agreed_target(session)
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def make_agreed_target(session: Session) -> None:
    """A target the decision can serve, agreed by the backbone, on a dusty day of last month."""
    zone, now = default_zone(), datetime.now(UTC)
    day = now.astimezone(zone).date() - timedelta(days=30)
    make_station(session, code="npl-v01", area="Na Phra Lan")
    start = datetime.combine(day, time(0), tzinfo=zone)
    publish_hours(session, "npl-v01", "pm10", 200, start.astimezone(UTC), 24)
    backbone = Principal(role=Role.BACKBONE, label="backbone")
    target = create_target(
        session,
        data=TargetCreate(
            title_th="วันฝุ่นเกินมาตรฐานลดลง",
            title_en="Fewer dusty days",
            indicator="exceedance_days",
            parameter="pm10",
            area="Na Phra Lan",
            baseline_start=day,
            baseline_end=day,
            target_value=0,
            deadline=day + timedelta(days=365),
        ),
        actor=backbone,
        now=now,
        zone=zone,
    )
    organisation = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    assert organisation is not None
    signer = Principal(role=Role.BACKBONE, organisation_id=organisation.id, label="backbone")
    agree_target(session, target_id=target.id, actor=signer, now=now, zone=zone)


def test_the_backbone_records_a_decision_the_public_reads_it(page: Page) -> None:
    sign_in(page, "backbone")
    page.goto("/manage/forum")
    meeting = page.locator("form[aria-labelledby=new-meeting]")
    meeting.get_by_label("หัวข้อภาษาไทย").fill("ประชุมเวทีร่วม ครั้งที่ 1")
    meeting.get_by_label("หัวข้อภาษาอังกฤษ").fill("Joint forum, first meeting")
    meeting.get_by_label("วันและเวลา").fill("2026-11-28T09:00")
    meeting.get_by_label("สถานที่").fill("โรงเรียนบ้านนาพระลาน")
    meeting.get_by_label("สถานะ").select_option("held")
    meeting.get_by_label("โรงโม่หินเขาแก้ว").check()
    meeting.get_by_label("วาระการประชุมภาษาไทย").fill("ฝุ่นจากถนนขนส่ง")
    meeting.get_by_label("วาระการประชุมภาษาอังกฤษ").fill("Dust from the haul road")
    meeting.get_by_role("button", name="บันทึกการประชุม").click()

    decision = page.locator("form[aria-labelledby=new-decision]")
    decision.get_by_label("มติภาษาไทย").fill("รดน้ำถนนขนส่งทุกชั่วโมง 06:00–10:00")
    decision.get_by_label("มติภาษาอังกฤษ").fill("Water the haul road every hour 06:00-10:00")
    decision.get_by_label("องค์กรผู้รับผิดชอบ").select_option(label="โรงโม่หินเขาแก้ว")
    decision.get_by_label("กำหนดส่งภายใน").fill("2026-12-15")
    decision.get_by_label("วันฝุ่นเกินมาตรฐานลดลง").check()
    decision.get_by_role("button", name="บันทึกมติ").click()
    expect(page.get_by_role("status")).to_have_text("บันทึกมติแล้ว")

    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("link", name="เวทีร่วม").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เวทีร่วม")
    shown = page.locator(".decision")
    expect(shown).to_contain_text("รดน้ำถนนขนส่งทุกชั่วโมง 06:00–10:00")
    expect(shown).to_contain_text("ผู้รับผิดชอบ: โรงโม่หินเขาแก้ว")
    expect(shown).to_contain_text("มีมติแล้ว")
    expect(shown).to_contain_text("ติดตามเป็นกิจกรรม: วางแผนแล้ว")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="ประชุมเวทีร่วม ครั้งที่ 1").click()
    expect(page.get_by_role("list").filter(has_text="ฝุ่นจากถนนขนส่ง")).to_be_visible()

    page.goto("/forum?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Joint forum")
    shown = page.locator(".decision")
    expect(shown).to_contain_text("Water the haul road every hour 06:00-10:00")
    expect(shown).to_contain_text("Responsible: Khao Kaeo quarry")
    expect(shown).to_contain_text("Due 15 Dec 2026")
    # The decision became the quarry's action towards the target, listed among its activities.
    shown.get_by_role("link", name="Tracked as an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Water the haul road every hour 06:00-10:00"
    )
    expect(page.locator("main")).to_contain_text("Khao Kaeo quarry")
