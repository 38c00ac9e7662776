"""The backbone's page of alert rules: Thai first, refusals explained next to the form, on
a phone as on a desk; and a rule written there is the one the engine runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from core.access.principal import system_principal
from core.alerts.conditions import Condition
from core.alerts.engine import evaluate_rules
from core.alerts.rule_schemas import AlertRuleIn
from core.alerts.rules import create_rule
from core.models import AlertKind, AlertRule, Role, Severity
from core.settings import default_zone
from tests.api.conftest import Api
from tests.factories import make_organisation
from tests.web.conftest import sign_in as sign_in_browser
from tests.web.test_pages import sign_in, web  # noqa: F401 (the fixture)

FORM = {
    "name": "ฝุ่น PM10 รายชั่วโมง ถนนขนส่ง",
    "kind": "value_over",
    "enabled": "on",
    "areas": "Na Phra Lan, Tan Diao",
    "station_kind": "",
    "parameter": "pm10",
    "threshold": "180",
    "averaging": "hourly",
    "severity": "critical",
    "title_th": "{parameter} สูงที่ {station}",
    "title_en": "{parameter} high at {station}",
    "message_th": "{parameter} ที่ {station} {value} {unit} เกิน {threshold}",
    "message_en": "{parameter} at {station} {value} {unit} over {threshold}",
}


def test_the_backbone_adds_changes_and_disables_a_rule(web: Api) -> None:  # noqa: F811
    csrf = sign_in(web, Role.BACKBONE)
    page = web.client.get("/manage/alert-rules")
    assert page.status_code == 200
    assert "ค่าเฉลี่ย 24 ชั่วโมงเกินมาตรฐาน" in page.text  # the seeded default rule

    unknown = web.client.post(
        "/manage/alert-rules", data=FORM | {"message_en": "at {hour}", "csrf_token": csrf}
    )
    assert unknown.status_code == 422
    assert "กฎนี้ใช้งานไม่ได้" in unknown.text  # this rule cannot work
    assert "unknown placeholder {hour}" in unknown.text
    assert 'value="ฝุ่น PM10 รายชั่วโมง ถนนขนส่ง"' in unknown.text  # what was typed stays

    not_a_number = web.client.post(
        "/manage/alert-rules", data=FORM | {"threshold": "lots", "csrf_token": csrf}
    )
    assert not_a_number.status_code == 422
    assert "กรอกตัวเลข" in not_a_number.text

    added = web.client.post("/manage/alert-rules", data=FORM | {"csrf_token": csrf})
    assert added.status_code == 200, added.text
    assert "เพิ่มกฎแล้ว" in added.text
    assert "Na Phra Lan, Tan Diao" in added.text
    match = re.search(r'href="/manage/alert-rules/(\d+)">ฝุ่น PM10', added.text)
    assert match is not None
    rule_id = match.group(1)

    edit = web.client.get(f"/manage/alert-rules/{rule_id}")
    assert 'value="180"' in edit.text
    changed = web.client.post(
        f"/manage/alert-rules/{rule_id}", data=FORM | {"threshold": "150", "csrf_token": csrf}
    )
    assert "แก้ไขกฎแล้ว" in changed.text
    rule = web.client.get(f"/alert-rules/{rule_id}").json()
    assert (rule["threshold"], rule["severity"], rule["areas"]) == (
        150,
        "critical",
        ["Na Phra Lan", "Tan Diao"],
    )

    other_kind = web.client.post(
        f"/manage/alert-rules/{rule_id}",
        data=FORM | {"kind": "station_silent", "minutes": "60", "csrf_token": csrf},
    )
    assert other_kind.status_code == 422
    assert "keeps its kind" in other_kind.text

    disabled = web.client.post(f"/manage/alert-rules/{rule_id}/disable", data={"csrf_token": csrf})
    assert "ปิดใช้งานกฎแล้ว" in disabled.text
    assert web.client.get(f"/alert-rules/{rule_id}").json()["enabled"] is False


def test_a_rule_is_written_on_a_phone(page: Page) -> None:
    sign_in_browser(page, "backbone")
    page.goto("/manage/alert-rules")
    expect(page.get_by_role("heading", name="กฎการแจ้งเตือน", exact=True)).to_be_visible()
    form = page.get_by_role("form", name="เพิ่มกฎ")
    form.get_by_label("ชื่อ", exact=True).fill("สถานีอาสาสมัครเงียบ 2 ชั่วโมง")
    form.get_by_label("ประเภท").select_option("station_silent")
    form.get_by_label("สถานี", exact=True).select_option("volunteer")
    form.get_by_label("นาที", exact=True).fill("120")
    form.get_by_label("ความรุนแรง").select_option("info")
    form.get_by_label("หัวข้อภาษาไทย").fill("สถานี {station} ไม่ส่งข้อมูล")
    form.get_by_label("หัวข้อภาษาอังกฤษ").fill("{station} is silent")
    form.get_by_label("ข้อความภาษาไทย").fill("ไม่มีค่าตรวจวัดมา {minutes} นาที")
    form.get_by_label("ข้อความภาษาอังกฤษ").fill("No reading for {minutes} minutes")
    form.get_by_role("button", name="เพิ่ม", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("เพิ่มกฎแล้ว")
    row = page.get_by_role("row").filter(has_text="สถานีอาสาสมัครเงียบ 2 ชั่วโมง")
    expect(row).to_contain_text("สถานีเงียบ (ไม่มีค่าตรวจวัด)")
    expect(row).to_contain_text("ข้อมูล")  # severity: information
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    row.get_by_role("button", name="ระงับ").click()
    expect(page.get_by_role("status")).to_contain_text("ปิดใช้งานกฎแล้ว")


def test_the_inbox_shows_an_alert_without_a_station_by_its_rules_words(
    web: Api,  # noqa: F811
) -> None:
    facility = make_organisation(web.session)
    create_rule(
        web.session,
        AlertRuleIn(
            name="รายงานล่าช้า",
            kind=AlertKind.REPORT_LATE,
            severity=Severity.CRITICAL,
            title_th="รายงานของ {facility} ล่าช้า",
            title_en="{facility}'s report is late",
            message_th="ล่าช้ามาแล้ว {minutes} นาที",
            message_en="{minutes} minutes late",
        ),
        actor=system_principal("test"),
        now=datetime.now(UTC),
    )

    def report_late(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return [
            Condition(
                subject=f"facility:{facility.id}:report:2026-10-01",
                area="Na Phra Lan",
                value=90.0,
                threshold=0.0,
                unit="min",
                facility_id=facility.id,
                details={"minutes": 90},
            )
        ]

    evaluate_rules(
        web.session,
        now=datetime.now(UTC),
        zone=default_zone(),
        detectors={AlertKind.REPORT_LATE.value: report_late},
    )
    web.session.commit()
    sign_in(web, Role.BACKBONE)
    inbox = web.client.get("/inbox")
    assert inbox.status_code == 200, inbox.text
    assert f"รายงานของ {facility.name_th} ล่าช้า" in inbox.text
    assert "ล่าช้ามาแล้ว 90 นาที" in inbox.text
    assert "วิกฤต" in inbox.text  # the rule's severity: critical
