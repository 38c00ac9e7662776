"""The station page's indicators in a browser: for each parameter and period, the numbers
shown are GET /indicators' for the same station and days (fetched through the page's own JSON
link), over a station with five weeks of history (days over the standard, days short of 18
hours, days without data) and older days only the 365-day period holds. Thai first, every
label in English after the switch; a screenshot at 390 px in Thai."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from api.web.i18n import local_day, number
from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station
from tests.web.conftest import SCREENSHOTS, Site, serve

ZONE = default_zone()
CODE = "npl-h01"
THAI = re.compile(r"[\u0e00-\u0e7f]")
LIMITS = {"pm25": Decimal("37.5"), "pm10": Decimal(120)}
"""The Thai 24-hour limits in force for the whole of the last year (PM2.5 since 2023-06-01)."""
PRECISION = {"pm25": Decimal("0.1"), "pm10": Decimal(1)}
"""The Thai AQI scale's precision each day's mean is rounded to (half-up) before comparing."""
PERIODS = {"30d": 30, "365d": 365}


@dataclass(frozen=True)
class Day:
    hours: int
    value: Decimal


def pm25_plan() -> dict[int, Day]:
    """Days before today (0 = today) → hours of data and the hourly value."""
    plan: dict[int, Day] = {}
    for back in range(1, 35):
        if back % 7 == 5:
            continue  # no data at all
        if back % 7 == 3:
            plan[back] = Day(12, Decimal("60"))  # high but short of 18 hours: not counted
        elif back in (2, 9, 16, 31):
            plan[back] = Day(24, Decimal("40.2") + back / Decimal(10))  # over 37.5
        elif back == 20:
            plan[back] = Day(20, Decimal("52.345"))  # the worst, with 20 of 24 hours
        else:
            plan[back] = Day(24, Decimal(10) + back * Decimal("0.7"))
    for back in range(100, 111):  # only in the 365 days
        plan[back] = Day(24, Decimal("20.5") if back == 105 else Decimal("45.5"))
    plan[400] = Day(24, Decimal(90))  # outside both periods
    return plan


def pm10_plan() -> dict[int, Day]:
    plan = {back: Day(24, Decimal(100) + 3 * back) for back in range(1, 11)}  # 121.. from 7
    plan[12] = Day(17, Decimal(300))  # 17 hours: not counted
    plan[200] = Day(24, Decimal("130.5"))
    return plan


PLANS = {"pm25": pm25_plan(), "pm10": pm10_plan()}


def publish(session: Session, parameter: str, day: date, hours: int, value: Decimal) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    items = [
        {"parameter": parameter, "value": float(value), "time": (midnight + timedelta(hours=h))}
        for h in range(hours)
    ]
    body = json.dumps(items, default=datetime.isoformat).encode()
    message = IncomingMessage(f"dustwatch/v1/readings/{CODE}", body, datetime.now(UTC))
    outcome = ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=ZONE)
    assert outcome.rejected == 0, outcome.rejections


def seed(session: Session, now: datetime) -> None:
    make_station(session, code=CODE, name="Ban Na Phra Lan clinic", area="Na Phra Lan")
    today = now.astimezone(ZONE).date()
    for parameter, plan in PLANS.items():
        for back, day in plan.items():
            publish(session, parameter, today - timedelta(days=back), day.hours, day.value)
        # Today so far, at most 12 hours: never a valid day, whenever the test runs.
        elapsed = now.astimezone(ZONE) - datetime.combine(today, datetime.min.time(), ZONE)
        if hours := min(12, elapsed // timedelta(hours=1)):  # none in the first hour of the day
            publish(session, parameter, today, hours, Decimal(15))


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A deployment of its own, so that the shared site's stations stay as its tests expect."""
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'dustwatch.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    with session_factory.begin() as session:
        seed(session, datetime.now(UTC))
    for address in serve(session_factory, url):
        yield Site(url=address, database_url=url)
    engine.dispose()


def planned(parameter: str, start: date, end: date, today: date) -> tuple[int, int]:
    """Exceedance days and valid days of the plan over start..end, worked out here."""
    over = valid = 0
    for back, day in PLANS[parameter].items():
        if not start <= today - timedelta(days=back) <= end or day.hours < 18:
            continue
        valid += 1
        reported = day.value.quantize(PRECISION[parameter], rounding=ROUND_HALF_UP)
        over += reported > LIMITS[parameter]
    return over, valid


def values(locator: Locator) -> list[float]:
    return [float(v) for v in locator.evaluate_all("els => els.map(e => e.value)")]


def shown_numbers(locator: Locator) -> list[str]:
    texts: list[str] = locator.evaluate_all("els => els.map(e => e.textContent.trim())")
    return texts


def test_the_station_page_indicators_equal_the_api(page: Page, history_site: Site) -> None:
    page.goto(f"{history_site.url}/stations/{CODE}/page")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    cards = page.locator("article.indicator-period")
    expect(cards).to_have_count(len(PLANS) * len(PERIODS))
    checked = 0
    for parameter in PLANS:
        for key, length in PERIODS.items():
            card = page.locator(f"#indicators-{parameter}-{key}")
            start = date.fromisoformat(card.get_attribute("data-start") or "")
            end = date.fromisoformat(card.get_attribute("data-end") or "")
            assert (end - start).days + 1 == length
            link = card.locator("a.json-link").get_attribute("href") or ""
            query = {k: v for k, [v] in parse_qs(urlsplit(link).query).items()}
            assert urlsplit(link).path == "/indicators"
            assert query == {
                "station": CODE,
                "parameter": parameter,
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            response = page.request.get(f"{history_site.url}{link}")
            assert response.ok
            api: dict[str, Any] = response.json()
            check_card(card, api)
            # The API's figures are the plan's, so neither side can be empty and still agree.
            assert (api["exceedances"]["days"], api["valid_days"]["valid_days"]) == planned(
                parameter, start, end, today=end
            )
            assert api["exceedances"]["days"] > 0
            checked += 1
    assert checked == 4
    # The 30 days are the days of the daily table above, so the two counts agree.
    summary = page.locator("#daily-pm25 .summary")
    over, valid = planned("pm25", end - timedelta(days=29), end, today=end)
    expect(summary).to_contain_text(f"{over} วัน จาก {valid} วัน")


def check_card(card: Locator, api: dict[str, Any]) -> None:
    """Every figure the card shows, against the API's answer: the machine value of each
    <data>/<time> element and the number a person reads."""
    exceedances = card.locator("tr.fig-exceedances strong data")
    assert values(exceedances) == [api["exceedances"]["days"], api["valid_days"]["valid_days"]]
    limits = card.locator("tr.fig-exceedances .limit")
    used = [(v["standard_id"], v["limit"]) for v in api["exceedances"]["by_version"]]
    assert used, "a period with valid days names the limit it used"
    assert [
        (s, float(v))
        for s, v in zip(
            limits.evaluate_all("els => els.map(e => e.dataset.standard)"),
            values(limits.locator("data")),
            strict=True,
        )
    ] == used
    expect(limits.first).to_contain_text(f"{number(used[0][1], 'th')} µg/m³")

    valid = card.locator("tr.fig-valid-days data")
    assert values(valid) == [api["valid_days"]["valid_days"], api["valid_days"]["share"]]
    assert shown_numbers(valid)[1] == number(api["valid_days"]["share"] * 100, "th")
    expect(card.locator("tr.fig-valid-days td")).to_contain_text(
        f"จาก {api['valid_days']['days_in_period']} วัน"
    )

    worst = api["worst_day"]
    assert values(card.locator("tr.fig-worst data")) == [worst["value"]]
    assert shown_numbers(card.locator("tr.fig-worst data")) == [number(worst["value"], "th")]
    day = card.locator("tr.fig-worst time")
    assert day.get_attribute("datetime") == worst["day"]
    expect(day).to_have_text(local_day(date.fromisoformat(worst["day"]), "th"))

    mean = card.locator("tr.fig-mean data")
    assert values(mean) == [api["period_mean"]["value"]]
    assert shown_numbers(mean) == [number(api["period_mean"]["value"], "th")]

    assert values(card.locator("tr.fig-completeness data")) == [api["completeness"]["share"]]
    expect(card.locator("tr.fig-completeness td")).to_contain_text(
        f"{api['completeness']['hours_with_data']} จาก {api['completeness']['hours_expected']}"
    )
    assert values(card.locator("tr.fig-left-out data")) == [api["readings_left_out"]["readings"]]

    bands = card.locator(".band-days li")
    assert bands.evaluate_all("els => els.map(e => e.dataset.color)") == [
        b["color"] for b in api["aqi_bands"]["bands"]
    ]
    assert values(bands.locator(".band-count data")) == [
        b["days"] for b in api["aqi_bands"]["bands"]
    ]
    assert shown_numbers(bands.locator(".band-name")) == [
        b["label_th"] for b in api["aqi_bands"]["bands"]
    ]


def test_every_indicator_label_follows_the_language(page: Page, history_site: Site) -> None:
    page.goto(f"{history_site.url}/stations/{CODE}/page?lang=en")
    section = page.locator("#indicators")
    english = section.inner_text()
    assert THAI.search(english) is None, "Thai left in the English indicators"
    assert "Days over the standard" in english
    page.get_by_role("link", name="ภาษาไทย").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    thai = section.inner_text()
    for token in ("PM2.5", "PM10", "µg/m³", "AQI", "JSON"):
        thai = thai.replace(token, " ")
    assert re.findall(r"[A-Za-z]{2,}", thai) == [], "English left in the Thai indicators"


def test_a_phone_shows_the_indicators_in_thai(page: Page, history_site: Site) -> None:
    """390 px wide, nothing wider than the screen; the section's screenshot is kept."""
    page.goto(f"{history_site.url}/stations/{CODE}/page")
    section = page.locator("#indicators")
    expect(section).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = section.bounding_box()
    assert box is not None
    assert box["width"] <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / "station-indicators-390-th.png"))
