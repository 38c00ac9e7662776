"""The official's inbox on a phone: an open alert with its chart, acknowledged with a note
in one tap, a response added, and the history showing both; filtered by status and
severity, a resolved alert shown with its whole history and the readings around its time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from api.web.i18n import local_time
from core.access.principal import Principal
from core.alerts.lifecycle import acknowledge, add_response, resolve_by_hand
from core.kit.db import make_engine, make_session_factory
from core.kit.time import floor_hour
from core.models import Alert, AlertKind, Role, Station, UserAccount
from core.settings import default_zone
from core.standards.parameters import BY_CODE
from tests.web.conftest import Site, email, sign_in


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


@pytest.fixture(scope="module")
def resolved_alert(site: Site) -> datetime:
    """A breach at Quarry B's fence three days ago, acknowledged, answered and closed by the
    official a day later; returns when it opened."""
    opened = floor_hour(datetime.now(UTC)) - timedelta(days=3)
    engine = make_engine(site.database_url)
    with make_session_factory(engine).begin() as session:
        official = session.scalars(
            select(UserAccount).where(UserAccount.email == email("official"))
        ).one()
        station = session.scalars(select(Station).where(Station.code == "f-b")).one()
        alert = Alert(
            station_id=station.id,
            parameter_id=BY_CODE["pm10"].id,
            kind=AlertKind.EXCEEDANCE_24H,
            standard_id="th-pm10-24h",
            limit_milli=120_000,
            opened_at=opened,
            opening_average_milli=150_000,
            peak_average_milli=160_000,
            latest_average_milli=150_000,
            updated_at=opened,
        )
        session.add(alert)
        session.flush()
        person = Principal(
            user_id=official.id,
            organisation_id=official.organisation_id,
            role=Role.OFFICIAL,
            label=official.email,
        )
        steps = {"public_id": alert.public_id, "principal": person}
        acknowledge(session, **steps, note="โทรหาโรงงาน ข แล้ว", now=opened + timedelta(hours=1))
        add_response(session, **steps, action="โรงงานหยุดเครื่องโม่", now=opened + timedelta(hours=3))
        resolve_by_hand(
            session,
            **steps,
            reason="ฝนตก ฝุ่นลดลง",
            now=opened + timedelta(hours=24),
            zone=default_zone(),
            require_response=False,
        )
    engine.dispose()
    return opened


def test_filters_and_a_resolved_alert_with_its_history_and_chart(
    page: Page, resolved_alert: datetime
) -> None:
    sign_in(page, "official")
    page.goto("/inbox")
    expect(page.get_by_role("article").filter(has_text="Quarry B fence")).to_have_count(0)

    filters = page.get_by_role("form", name="กรองการแจ้งเตือน")
    filters.get_by_label("การแจ้งเตือน", exact=True).select_option(label="ทั้งที่เปิดอยู่และปิดแล้ว")
    filters.get_by_role("button", name="แสดง").click()
    expect(page).to_have_url(re.compile(r"/inbox\?status=all"))
    articles = page.get_by_role("article")
    expect(articles).to_have_count(2)  # the official's area: Na Phra Lan
    expect(articles.first).to_contain_text("Mill A gate")  # open ones first
    expect(articles.last).to_contain_text("Quarry B fence")

    resolved = articles.filter(has_text="Quarry B fence")
    expect(resolved).to_contain_text("ปิดแล้วเมื่อ")
    expect(resolved.get_by_role("button")).to_have_count(0)  # nothing left to do on it
    history = resolved.get_by_role("list").get_by_role("listitem")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("เปิดการแจ้งเตือน")
    expect(history.nth(1)).to_contain_text("โทรหาโรงงาน ข แล้ว")
    expect(history.nth(1)).to_contain_text("official@example.org")
    expect(history.nth(2)).to_contain_text("โรงงานหยุดเครื่องโม่")
    expect(history.nth(3)).to_contain_text("ฝนตก ฝุ่นลดลง")

    # The chart runs from a day before it opened to six hours after it closed: 54 hours.
    page.wait_for_function("() => window.dustwatch !== undefined")
    page.evaluate("() => window.dustwatch.ready")
    canvas = resolved.locator("canvas")
    expect(canvas).to_have_attribute("data-hours", "54")
    end = resolved_alert + timedelta(hours=30)
    expect(canvas).to_have_attribute("data-end", end.isoformat())
    labels = canvas.evaluate("c => Chart.getChart(c) ? Chart.getChart(c).data.labels.length : 0")
    assert labels == 54
    expect(resolved.get_by_role("figure")).to_contain_text(
        local_time(resolved_alert - timedelta(hours=24), "th", default_zone())
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    filters = page.get_by_role("form", name="กรองการแจ้งเตือน")
    filters.get_by_label("การแจ้งเตือน", exact=True).select_option(label="ยังเปิดอยู่")
    filters.get_by_label("ระดับความรุนแรง").select_option(label="สูง: 1.5 เท่าของค่ามาตรฐาน")
    filters.get_by_role("button", name="แสดง").click()
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("article")).to_contain_text("Mill A gate")


def test_filters_not_understood_are_said_so(page: Page) -> None:
    sign_in(page, "official")
    response = page.goto("/inbox?status=closed&area=Atlantis")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("ไม่เข้าใจตัวกรองนี้")
    expect(page.get_by_text("เลือกการแจ้งเตือนที่เปิดอยู่ ปิดแล้ว หรือทั้งหมด")).to_be_visible()
    expect(page.get_by_text("เลือกพื้นที่จากรายการ")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
