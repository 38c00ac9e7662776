"""The water case (`dustwatch demo --case water`) built in-process on a SQLite file: its
stations, readings, agreed targets with progress on certified days, the mill's commitment and
the villagers' complaints; and the same pages as the dust case, in Thai and in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.demo.agenda import ensure_agenda
from cli.demo.history import store_history
from cli.demo.people import ensure_demo
from cli.demo.water import WATER
from core.access.principal import Principal
from core.commitments.detection import detect_excess_events
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.kit.time import floor_hour
from core.models import Commitment, Complaint, ExcessEvent, Reading, Station, Target
from core.settings import default_zone
from core.targets.service import target_detail
from tests.web.conftest import SCREENSHOTS, Site, serve

HISTORY_DAYS = 30
"""Enough for the fortnight baseline four weeks ago and the counted fortnight before today."""
DO_TARGET = "Days below DO 4 mg/L at Ban Nong Bua bridge: at most 1 a fortnight"


@pytest.fixture(scope="module")
def water_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('water') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    now = datetime.now(UTC)
    with session_factory.begin() as session:
        ensure_demo(session, WATER)
        store_history(
            session,
            WATER,
            start=floor_hour(now - timedelta(days=HISTORY_DAYS)),
            end=floor_hour(now),
            step=timedelta(hours=1),
            zone=default_zone(),
        )
        ensure_agenda(session, WATER, now=now, zone=default_zone())
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def test_the_water_case_has_stations_readings_targets_a_commitment_and_complaints(
    water_site: Site,
) -> None:
    engine = make_engine(water_site.database_url)
    with Session(engine) as session:
        codes = set(session.scalars(select(Station.code)))
        assert codes == {"ltk-v01", "ltk-v02", "ltk-r01", "mun-r01", "ltk-f01"}
        assert session.scalar(select(func.count()).select_from(Reading)) > 10_000
        target = session.scalars(select(Target).where(Target.title_en == DO_TARGET)).one()
        detail = target_detail(
            session,
            target_id=target.id,
            viewer=Principal(),
            now=datetime.now(UTC),
            zone=default_zone(),
        )
        assert detail.status == "agreed"
        assert len(detail.signatories) == 2
        assert detail.progress.counted is not None  # every day of it certified
        assert detail.progress.counted.value is not None
        assert detail.progress.on_track is not None
        assert session.scalar(select(Commitment.parameter)) == "bod"
        complaints = session.scalars(select(Complaint)).all()
        assert len(complaints) == 3
        # Each carries the river's readings near it as evidence, dissolved oxygen included.
        assert all(
            any(e["station"] == "ltk-v01" and e["parameter"] == "do" for e in c.evidence)
            for c in complaints
        )
        # The scheduler's job opens the mill's breaches of BOD 20 mg/L from the outfall's data.
        scan = detect_excess_events(session, now=datetime.now(UTC), zone=default_zone())
        assert scan.opened >= 1
        assert session.scalars(select(ExcessEvent.peak_value)).first() is not None
    engine.dispose()


@pytest.fixture
def water_page(browser: Browser, water_site: Site) -> Iterator[Page]:
    context = browser.new_context(
        base_url=water_site.url, viewport={"width": 390, "height": 844}, locale="th-TH"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "water-demo.png"), full_page=True)
    context.close()


def test_the_water_case_runs_through_the_same_pages_in_thai_and_english(
    water_page: Page,
) -> None:
    page = water_page
    page.goto("/")
    main = page.locator("main")
    expect(main).to_contain_text("Lam Takhong")
    expect(main).to_contain_text("ไม่มี AQI สำหรับตัวชี้วัดเหล่านี้")
    expect(main).to_contain_text("ออกซิเจนละลายน้ำ (DO)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto("/agenda")
    expect(page.locator(".target-summary")).to_have_count(3)
    page.get_by_role("link", name="วันที่ออกซิเจนละลายน้ำต่ำกว่า 4 มก./ล.", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ออกซิเจนละลายน้ำต่ำกว่า 4")
    expect(page.locator(".target-progress")).not_to_contain_text("ยังไม่มีช่วงข้อมูลที่รับรองแล้ว")
    page.goto(page.url + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(DO_TARGET)

    page.screenshot(path=str(SCREENSHOTS / "water-demo-target.png"), full_page=True)
    page.goto("/stations/ltk-v01/page?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ban Nong Bua bridge")
    table = page.locator("main table").first
    expect(table).to_contain_text("Dissolved oxygen (DO)")
    expect(table).to_contain_text("at least 4 mg/L")
    expect(table).to_contain_text("5–9")
    expect(page.locator("main")).to_contain_text("No AQI for these measures")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto("/agenda?lang=en")
    expect(page.locator("main")).to_contain_text("BOD mean of the Lam Takhong at most 2 mg/L")
