"""Browser tests: the real app under uvicorn on a free loopback port, over a migrated SQLite
file with one account per role and a day of readings, driven by Debian's Chromium through
Playwright. Each test gets a fresh browser context whose requests may go to 127.0.0.1 only
(the map's OpenStreetMap tiles are refused as if offline, unless a test serves them), and
leaves a screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from core.alerts.service import evaluate_24h_exceedances
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.kit.schema import upgrade_to_head
from core.models import Role, StakeholderGroup, StationKind
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import DatabaseSettings, Settings, StorageSettings, default_zone
from tests.factories import DEFAULT_PASSWORD, keep, make_organisation, make_station, make_user
from tests.support import free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PEOPLE = ("volunteer", "operator_a", "operator_b", "official", "backbone", "admin", "forgetful")
PASSWORD = DEFAULT_PASSWORD
TILE_HOSTS = frozenset({"tile.openstreetmap.org"})
"""Where the public map's background comes from when online; never reached in tests."""


def email(person: str) -> str:
    return f"{person.replace('_', '-')}@example.org"


PUBLIC_STATIONS = (
    ("npl-v02", "Nong Pling school", "Nong Pling", 14.700, 100.890),
    ("npl-v03", "Khao Kaeo temple", "Khao Kaeo", 14.660, 100.850),
    ("npl-v04", "Nong Pling health post", "Nong Pling", 14.705, 100.895),
    ("npl-v05", "Khao Kaeo market", "Khao Kaeo", 14.665, 100.860),
)
"""Public stations beside Wat Na Phra Lan (npl-v01): code, name, village, position."""


@dataclass
class Site:
    url: str
    names: dict[str, str] = field(default_factory=dict)
    """Display names of the people, by key."""
    database_url: str = ""
    """The site's SQLite file, for tests that add data of their own."""


def serve(session_factory: sessionmaker[Session], url: str) -> Iterator[str]:
    """dustwatch under uvicorn on a free loopback port, for as long as the caller needs."""
    # Photos sent with reports go beside the site's database file, not into the checkout.
    files = Path(url.removeprefix("sqlite:///")).parent / "files"
    settings = Settings(db=DatabaseSettings(url=url), storage=StorageSettings(dir=files))
    app = create_app(
        settings=settings, session_factory=session_factory, health_registry=HealthRegistry()
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout=30, what="uvicorn to start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def publish(session: Session, code: str, parameter: str, value: float, now: datetime) -> None:
    """A reading every hour of the last 24 full hours, through the one ingest pipeline."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    readings = [
        {"parameter": parameter, "value": value, "time": (hour - timedelta(hours=h)).isoformat()}
        for h in range(1, 25)
    ]
    message = IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(readings).encode(), now)
    ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone())


def seed(session: Session) -> dict[str, str]:
    community = make_organisation(
        session, name_en="Na Phra Lan volunteers", name_th="อาสาสมัครหน้าพระลาน"
    )
    factory_a = make_organisation(
        session,
        name_en="Factory A",
        name_th="โรงงาน ก",
        stakeholder_group=StakeholderGroup.OPERATOR,
    )
    factory_b = make_organisation(
        session,
        name_en="Factory B",
        name_th="โรงงาน ข",
        stakeholder_group=StakeholderGroup.OPERATOR,
    )
    district = make_organisation(
        session,
        name_en="District office",
        name_th="ที่ว่าการอำเภอ",
        stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT,
    )
    backbone = make_organisation(
        session,
        name_en="Backbone unit",
        name_th="หน่วยประสานงานกลาง",
        stakeholder_group=StakeholderGroup.BACKBONE,
    )
    organisation_of = {
        "volunteer": (Role.VOLUNTEER, community),
        "operator_a": (Role.OPERATOR, factory_a),
        "operator_b": (Role.OPERATOR, factory_b),
        "official": (Role.OFFICIAL, district),
        "backbone": (Role.BACKBONE, backbone),
        "admin": (Role.ADMIN, backbone),
        "forgetful": (Role.VOLUNTEER, community),
    }
    names = {}
    users = {}
    for person, (role, organisation) in organisation_of.items():
        names[person] = f"Khun {person.replace('_', ' ').title()}"
        users[person] = make_user(
            session,
            role=role,
            organisation=organisation,
            email=email(person),
            display_name=names[person],
        )
    village = make_station(
        session, code="npl-v01", name="Wat Na Phra Lan", organisation_id=community.id
    )
    private = {"kind": StationKind.FACTORY, "public": False}
    make_station(session, code="f-a", name="Mill A gate", organisation_id=factory_a.id, **private)
    make_station(
        session, code="f-b", name="Quarry B fence", organisation_id=factory_b.id, **private
    )
    keep(session, users["volunteer"], village)
    # More villages for the public map, one station per Thai AQI band and one silent.
    for code, name, area, latitude, longitude in PUBLIC_STATIONS:
        make_station(
            session,
            code=code,
            name=name,
            area=area,
            latitude=latitude,
            longitude=longitude,
            organisation_id=community.id,
        )
    now = datetime.now(UTC)
    publish(session, "npl-v01", "pm25", 30.0, now)  # Thai AQI 70: moderate (yellow)
    publish(session, "npl-v02", "pm25", 80.0, now)  # over 75: red
    publish(session, "npl-v03", "pm25", 10.0, now)  # very good (blue) ...
    publish(session, "npl-v03", "pm10", 60.0, now)  # ... but PM10 makes it good (green)
    publish(session, "npl-v05", "pm25", 50.0, now)  # starting to affect health (orange)
    publish(session, "f-a", "pm10", 200.0, now)  # over the PM10 standard of 120: an alert
    publish(session, "f-b", "pm10", 50.0, now)
    evaluate_24h_exceedances(session, now=now, zone=default_zone())
    return names


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    with session_factory.begin() as session:
        names = seed(session)
    for address in serve(session_factory, url):
        yield Site(url=address, names=names, database_url=url)
    engine.dispose()


@pytest.fixture(scope="session")
def empty_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A new deployment: one public station that has not reported yet, one private."""
    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    with session_factory.begin() as session:
        make_station(session, code="new-v01", name="First sensor", area="Na Phra Lan")
        make_station(session, code="new-f01", name="Fence line", public=False)
    for address in serve(session_factory, url):
        yield Site(url=address)
    engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        raise pytest.UsageError(
            "the browser tests need Debian's chromium at /usr/bin/chromium "
            "(apt-get install chromium; scripts/test does it when run as root)"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser (no cookies) on a phone-sized screen, that may reach 127.0.0.1 only."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": 390, "height": 844}, locale="th-TH"
    )
    elsewhere: list[str] = []

    def only_loopback(route: Route) -> None:
        address = urlsplit(route.request.url)
        if address.scheme in {"data", "blob"} or address.hostname == "127.0.0.1":
            route.continue_()
        elif address.hostname in TILE_HOSTS:
            route.abort("internetdisconnected")
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
    assert elsewhere == [], "the page asked for something outside dustwatch"


def sign_in(page: Page, person: str, password: str = PASSWORD) -> None:
    """Through the Thai sign-in form, as a person would."""
    page.goto("/signin")
    page.get_by_label("อีเมล").fill(email(person))
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def visit(page: Page, path: str) -> int:
    """Go to `path`; the HTTP status of the page."""
    response = page.goto(path)
    assert response is not None
    return response.status
