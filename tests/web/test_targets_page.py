"""The common agenda on a phone: the public finds the agreed target from the menu, reads its
progress computed from the readings, in Thai and in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, Principal, system_principal
from core.commitments.detection import detect_excess_events
from core.commitments.schemas import CommitmentCreate, ReplyIn
from core.commitments.service import agree_commitment, create_commitment, reply_to_event
from core.complaints.schemas import ComplaintCreate
from core.complaints.service import submit_complaint
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.models import ExcessEvent, Role, StakeholderGroup, StationKind
from core.settings import StorageSettings, default_zone
from core.targets.schemas import TargetCreate
from core.targets.service import agree_target, create_target
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Two dusty baseline days a month ago and one dusty day yesterday; one agreed target;
    a factory in the same area whose commitment was breached yesterday and which replied;
    a villager's complaint there."""
    url = f"sqlite:///{tmp_path_factory.mktemp('targets') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    zone = default_zone()
    today = datetime.now(zone).date()
    with session_factory.begin() as session:
        district = make_organisation(
            session, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT, name_th="อำเภอทดสอบ"
        )
        make_station(session, code="npl-v01", area="Na Phra Lan")
        province = make_organisation(session, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
        make_user(session, role=Role.OFFICIAL, organisation=province, email=email("official"))
        for days_ago in (31, 30, 1):
            start = datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=zone)
            publish_hours(session, "npl-v01", "pm10", 200, start.astimezone(UTC), 24)
        now = datetime.now(UTC)
        target = create_target(
            session,
            data=TargetCreate(
                title_th="วันฝุ่น PM10 เกินมาตรฐานลดลง",
                title_en="Fewer days over the PM10 standard",
                indicator="exceedance_days",
                parameter="pm10",
                area="Na Phra Lan",
                baseline_start=today - timedelta(days=31),
                baseline_end=today - timedelta(days=30),
                target_value=0,
                deadline=today + timedelta(days=365),
            ),
            actor=Principal(role=Role.BACKBONE, label="backbone"),
            now=now,
            zone=zone,
        )
        official = Principal(role=Role.OFFICIAL, organisation_id=district.id, label="officer")
        agree_target(session, target_id=target.id, actor=official, now=now, zone=zone)
        quarry_in_the_area(session, now=now)
        submit_complaint(
            session,
            actor=ANONYMOUS,
            data=ComplaintCreate(kind="truck", village="Na Phra Lan", note="Trucks all night"),
            photo=None,
            storage=StorageSettings(dir=tmp_path_factory.mktemp("files")),
            now=now,
            zone=zone,
        )
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def quarry_in_the_area(session: Session, *, now: datetime) -> None:
    """A quarry's fence-line station in Na Phra Lan, public as its commitment is, over its
    agreed hourly limit for the 24 hours of yesterday, and the quarry's reply to the breach."""
    quarry = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
    make_station(
        session,
        code="npl-f01",
        area="Na Phra Lan",
        organisation_id=quarry.id,
        kind=StationKind.FACTORY,
        public=True,
    )
    zone = default_zone()
    yesterday = datetime.combine(now.astimezone(zone).date() - timedelta(days=1), time(0), zone)
    publish_hours(session, "npl-f01", "pm10", 300, yesterday.astimezone(UTC), 24)
    operator = Principal(role=Role.OPERATOR, organisation_id=quarry.id, label="quarry operator")
    commitment = create_commitment(
        session,
        actor=operator,
        data=CommitmentCreate(
            facility_id=quarry.id,
            title_th="PM10 รั้วเหมืองรายชั่วโมงไม่เกิน 120",
            title_en="Quarry fence-line PM10 hourly at most 120",
            kind="threshold",
            station_codes=["npl-f01"],
            parameter="pm10",
            averaging="hourly",
            limit_value=120,
            effective_from=yesterday.date() - timedelta(days=30),
        ),
        now=now,
    )
    agree_commitment(session, actor=system_principal("test"), commitment_id=commitment.id, now=now)
    detect_excess_events(session, now=now, zone=zone)
    event = session.scalars(select(ExcessEvent)).one()
    reply_to_event(
        session,
        actor=operator,
        event_id=event.id,
        reply=ReplyIn(cause="Blasting ran late", corrective_action="Water cannon at the fence"),
        now=now,
        reply_days=7,
    )


def test_the_public_reads_a_target_and_its_progress_on_a_phone(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="เป้าหมายร่วม").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เป้าหมายร่วม")
    summary = page.locator(".target-summary")
    expect(summary).to_contain_text("ตกลงร่วมกันแล้ว")
    expect(summary).to_contain_text("ขณะนี้ 1 เป้าหมาย 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="วันฝุ่น PM10 เกินมาตรฐานลดลง").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("วันฝุ่น PM10 เกินมาตรฐานลดลง")
    progress = page.locator(".target-progress")
    expect(progress).to_contain_text("ค่าฐาน")
    expect(progress).to_contain_text("ยังไม่มีช่วงข้อมูลที่รับรองแล้ว")
    expect(page.locator("main")).to_contain_text("อำเภอทดสอบ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(page.url + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fewer days over the PM10 standard")
    expect(page.locator(".target-progress")).to_contain_text("No certified period yet")
    # The indicator over time: the baseline's 2 days over, then yesterday's window with 1.
    rows = page.locator("table.series tbody tr")
    expect(rows.first).to_contain_text("2")
    expect(rows.last.locator("td").nth(1)).to_have_text("1")
    expect(page.locator("canvas[data-series]")).to_be_visible()
    # What happens in the area: the quarry's breach beside its reply, and the complaint.
    breach = page.locator(".commitment-in-area")
    expect(breach).to_contain_text("Quarry fence-line PM10 hourly at most 120")
    expect(breach).to_contain_text("24 hours over")
    expect(breach).to_contain_text("Blasting ran late")
    main = page.locator("main")
    expect(main).to_contain_text("1 open, 0 closed")
    expect(main).to_contain_text("Trucks")
    expect(main).not_to_contain_text("Trucks all night")  # the note is the reporter's
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_official_signs_up_for_their_agency(page: Page) -> None:
    sign_in(page, "official")
    page.goto("/agenda")
    page.get_by_role("link", name="วันฝุ่น PM10 เกินมาตรฐานลดลง").click()
    page.get_by_role("button", name="ร่วมลงนามในนามหน่วยงานของฉัน").click()
    expect(page.get_by_role("status")).to_have_text("หน่วยงานของคุณร่วมลงนามเป้าหมายนี้แล้ว")
    expect(page.get_by_role("button", name="ร่วมลงนามในนามหน่วยงานของฉัน")).to_have_count(0)
    expect(page.locator("main ul.signatories li")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
