"""An operator replies on a phone to a breach of its facility's commitment, and the public
then sees the breach with the reply beside it; before the reply the public sees nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from core.access.principal import system_principal
from core.accounts.signin import principal_for_user
from core.commitments.detection import detect_excess_events
from core.commitments.schemas import CommitmentCreate
from core.commitments.service import agree_commitment, create_commitment
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.kit.time import floor_hour
from core.models import CommitmentAveraging, CommitmentKind, Role, StakeholderGroup
from core.settings import default_zone
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.factories import make_organisation, make_station, make_user
from tests.web.conftest import Site, email, serve, sign_in

TITLE_TH = "PM10 รั้วโรงงานรายชั่วโมงไม่เกิน 120"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Factory A's agreed commitment on its public fence-line station, broken for the last
    three hours, the event detected as the scheduler's job would."""
    url = f"sqlite:///{tmp_path_factory.mktemp('commitments') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    now = datetime.now(UTC)
    with session_factory.begin() as session:
        factory = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
        operator = make_user(
            session, role=Role.OPERATOR, organisation=factory, email=email("operator_a")
        )
        fence = make_station(session, code="fa-fence", organisation_id=factory.id)
        data = CommitmentCreate(
            facility_id=factory.id,
            title_th=TITLE_TH,
            title_en="Fence-line PM10 hourly at most 120",
            kind=CommitmentKind.THRESHOLD,
            station_codes=[fence.code],
            parameter="pm10",
            averaging=CommitmentAveraging.HOURLY,
            limit_value=Decimal(120),
            effective_from=date(2026, 1, 1),
        )
        commitment = create_commitment(
            session, actor=principal_for_user(operator), data=data, now=now
        )
        agree_commitment(
            session, actor=system_principal("test"), commitment_id=commitment.id, now=now
        )
        publish_hours(session, fence.code, "pm10", 180, floor_hour(now) - timedelta(hours=3), 3)
        detect_excess_events(session, now=now, zone=default_zone())
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def test_the_operator_replies_and_the_public_sees_the_reply_beside_the_breach(
    page: Page,
) -> None:
    page.goto("/facility-commitments")
    page.get_by_role("link", name=TITLE_TH).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_TH)
    expect(page.locator("section.excess-event")).to_have_count(0)
    expect(page.get_by_text("ไม่มีการละเมิดที่เผยแพร่")).to_be_visible()
    commitment_page = page.url

    sign_in(page, "operator_a")
    page.goto(commitment_page)
    event = page.locator("section.excess-event")
    expect(event).to_contain_text("รอคำชี้แจงของผู้ประกอบการ (ยังไม่เผยแพร่)")
    expect(event).to_contain_text("เกิน 3 ชั่วโมง สูงสุด 180")
    event.get_by_label("สาเหตุ").fill("ระเบิดหินล่าช้ากว่ากำหนด")
    event.get_by_label("การแก้ไข").fill("ฉีดน้ำแนวรั้วทุกชั่วโมง")
    event.get_by_label("คำชี้แจงต่อสาธารณะ").fill("ขออภัยชาวบ้านหน้าพระลาน")
    event.get_by_role("button", name="ส่งคำชี้แจง").click()
    expect(page.locator("section.excess-event .reply-cause")).to_have_text("ระเบิดหินล่าช้ากว่ากำหนด")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    page.goto("/facility-commitments")
    expect(page.locator("section.commitment")).to_contain_text("ระเบิดหินล่าช้ากว่ากำหนด")
    page.get_by_role("link", name=TITLE_TH).click()
    event = page.locator("section.excess-event")
    expect(event).to_contain_text("คำชี้แจงของผู้ประกอบการ")
    expect(event).to_contain_text("ฉีดน้ำแนวรั้วทุกชั่วโมง")
    expect(event).to_contain_text("ขออภัยชาวบ้านหน้าพระลาน")
    expect(event.locator("form")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
