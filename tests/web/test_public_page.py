"""The public status page in a browser: the map colours each public station by its Thai AQI
band (and still shows them offline), every label follows the language, the station page
says what the API says, and a new deployment without readings says so plainly."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PUBLIC_STATIONS, SCREENSHOTS, Site

PCD_COLOURS = {
    "blue": "#3bccff",
    "green": "#92d050",
    "yellow": "#ffff00",
    "orange": "#ffa200",
    "red": "#f04646",
}
"""The Thai AQI colours as the Pollution Control Department paints them."""
NO_BAND = "#9aa3ab"
THAI = re.compile(r"[\u0e00-\u0e7f]")
PUBLIC_CODES = {"npl-v01"} | {code for code, *_ in PUBLIC_STATIONS}
PRIVATE_CODES = {"f-a", "f-b"}
TILES = "https://tile.openstreetmap.org/**"


@pytest.fixture
def errors(page: Page) -> list[str]:
    """Uncaught script errors of the page; each test that loads the page expects none."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def status(page: Page) -> dict[str, Any]:
    response = page.request.get("/status")
    assert response.ok
    body: dict[str, Any] = response.json()
    return body


def markers(page: Page) -> dict[str, str]:
    """Each station marker on the map: code → the fill colour the browser paints."""
    expect(page.locator("path.station-marker")).to_have_count(len(PUBLIC_CODES))
    painted: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('path.station-marker')]
                 .map(p => [p.dataset.station, p.getAttribute('fill')]))"""
    )
    return painted


def wait_for_charts(page: Page) -> None:
    page.wait_for_function("() => window.dustwatch !== undefined")
    page.evaluate("() => window.dustwatch.ready")


def test_the_map_shows_every_public_station_in_its_band_colour(
    page: Page, errors: list[str]
) -> None:
    page.goto("/")
    painted = markers(page)
    expected = {
        s["code"]: PCD_COLOURS[s["band"]["color"]] if s["band"] else NO_BAND
        for s in status(page)["stations"]
    }
    assert set(expected) == PUBLIC_CODES
    assert painted == expected
    # One station per band of the seed, and one that has not reported: all colours differ.
    assert set(painted.values()) == {*PCD_COLOURS.values(), NO_BAND} - {"#3bccff"}
    for code in PRIVATE_CODES:
        expect(page.locator(f'[data-station="{code}"]')).to_have_count(0)
    expect(page.get_by_text("Mill A gate")).to_have_count(0)
    assert errors == []


def test_each_village_shows_its_worst_station_in_plain_words(page: Page) -> None:
    page.goto("/")
    villages = {a["area"]: a for a in status(page)["areas"]}
    assert villages["Khao Kaeo"]["worst_station"] == "npl-v05"  # orange beats green
    for index, name in enumerate(sorted(villages), start=1):
        area = villages[name]
        now = page.locator(f"#area-{index}-now")
        expect(page.locator(f"#area-{index}")).to_have_text(name)
        expect(now.locator(".verdict")).to_have_class(f"verdict band-{area['band']['color']}")
        expect(now.locator(".verdict-label")).to_have_text(area["band"]["label_th"])
        aqi = now.locator(".verdict-aqi")
        if area["aqi"] is None:  # above the top band's documented index (PM2.5 over 75)
            expect(aqi).to_have_count(0)
        else:
            expect(aqi).to_have_text(f"AQI {area['aqi']}")
        expect(now.locator(".advice")).to_contain_text(area["band"]["advice_th"])
    nong_pling = page.locator("#area-3-now")
    expect(nong_pling.locator(".plain-words")).to_contain_text("80 µg/m³")
    expect(nong_pling.locator(".plain-words .over")).to_contain_text("เกินค่ามาตรฐานของประเทศไทย")
    expect(page.locator("#freshness")).to_contain_text("อ่านค่าล่าสุดเมื่อ")
    expect(page.locator("#freshness")).to_contain_text("ชั่วโมงที่แล้ว")  # the seed's last hour


def test_the_offline_map_still_shows_every_station(page: Page, errors: list[str]) -> None:
    blocked: list[str] = []
    page.route(TILES, lambda route: (blocked.append(route.request.url), route.abort())[1])
    page.goto("/")
    painted = markers(page)
    assert set(painted) == PUBLIC_CODES
    box = page.locator("#map").bounding_box()
    assert box is not None
    for code in painted:
        marker = page.locator(f'[data-station="{code}"]').bounding_box()
        assert marker is not None, f"{code} has no marker on screen"
        assert box["x"] <= marker["x"]
        assert marker["x"] + marker["width"] <= box["x"] + box["width"]
        assert box["y"] <= marker["y"]
        assert marker["y"] + marker["height"] <= box["y"] + box["height"]
    assert blocked, "the map asks for OpenStreetMap tiles when it can"
    expect(page.locator(".map-offline-note")).to_be_visible()
    background = page.locator("#map").evaluate("map => getComputedStyle(map).backgroundColor")
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}
    assert errors == []


def png(width: int = 256, height: int = 256) -> bytes:
    """A plain grey PNG, standing in for an OpenStreetMap tile."""
    rows = b"".join(b"\x00" + b"\xcc\xcc\xcc" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_online_the_map_draws_openstreetmap_tiles_under_the_stations(page: Page) -> None:
    tile = png()
    page.route(TILES, lambda route: route.fulfill(body=tile, content_type="image/png"))
    page.goto("/")
    markers(page)
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator(".map-offline-note")).to_be_hidden()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")


def label_texts(page: Page) -> list[str]:
    """What the page says in words: the main text, accessible names and chart labels."""
    texts: list[str] = page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const named = [...main.querySelectorAll('[aria-label]')]
                .map(e => e.getAttribute('aria-label'));
            const charts = [...main.querySelectorAll('canvas[data-chart]')].flatMap(canvas => {
                const chart = Chart.getChart(canvas);
                return chart ? [chart.options.scales.y.title.text,
                                ...chart.data.datasets.map(d => d.label)] : [];
            });
            return [main.innerText, ...named, ...charts,
                    document.title, document.querySelector('footer').innerText];
        }"""
    )
    return texts


def test_switching_language_changes_every_label(page: Page, errors: list[str]) -> None:
    page.goto("/?lang=en")
    wait_for_charts(page)
    english = label_texts(page)
    leftovers = [t for t in english if THAI.search(t)]
    assert leftovers == [], "Thai left on the English page"
    expect(page.locator("#freshness")).to_contain_text("Last reading")

    page.get_by_role("link", name="ภาษาไทย").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    wait_for_charts(page)
    thai = label_texts(page)
    names = [name for _code, name, *_ in PUBLIC_STATIONS] + ["Wat Na Phra Lan"]
    data = [
        *sorted(names, key=len, reverse=True),
        *sorted(PUBLIC_CODES),
        "Nong Pling",
        "Khao Kaeo",
        "Na Phra Lan",
        "Asia/Bangkok",
        "dustwatch",
        "OpenStreetMap",
        "Leaflet",
        "PM2.5",
        "PM10",
        "AQI",
        "API",
        "µg/m³",
    ]

    def words(text: str) -> list[str]:
        for token in data:
            text = text.replace(token, " ")
        return re.findall(r"[A-Za-z]{2,}", text)

    leftovers = [w for t in thai for w in words(t)]
    assert leftovers == [], "English left on the Thai page"
    assert errors == []


def test_the_station_page_numbers_match_the_api(page: Page, errors: list[str]) -> None:
    page.goto("/stations/npl-v02/page")
    station = next(s for s in status(page)["stations"] if s["code"] == "npl-v02")
    [pm25] = station["parameters"]
    row = page.locator("table").first.get_by_role("row", name=re.compile("PM2.5"))
    expect(row).to_contain_text(f"{pm25['average_24h']:g} µg/m³")
    expect(row).to_contain_text(f"{pm25['standard_limit']:g} µg/m³")
    expect(row).to_contain_text(f"{pm25['average_24h_hours']} จาก 24 ชั่วโมง")
    expect(row).to_contain_text("เกินค่ามาตรฐาน")

    hourly = page.request.get("/stations/npl-v02/hourly?parameter=pm25&hours=24").json()
    assert hourly["time_zone"] == "Asia/Bangkok"
    assert hourly["end_local"].endswith("+07:00")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('table.hourly-table tr[data-hour]')]
                 .map(r => [r.dataset.hour, r.querySelector('.mean').dataset.value])"""
    )
    api = [(h["hour"], h["mean"]) for h in reversed(hourly["hours"])]
    assert [(datetime.fromisoformat(h), float(v) if v else None) for h, v in shown] == [
        (datetime.fromisoformat(h), m) for h, m in api
    ]
    # The site was filled once, when the run began; a long run that crosses an hour has one
    # hour fewer in the window, the same in both answers.
    assert sum(m is not None for _h, m in api) == pm25["average_24h_hours"] >= 18

    chart = page.locator("canvas[data-chart][data-hours='24']")
    wait_for_charts(page)
    plotted = chart.evaluate("canvas => Chart.getChart(canvas).data.datasets[0].data")
    assert plotted == [h["mean"] for h in hourly["hours"]]

    daily = page.locator("table.daily-table tbody tr")
    expect(daily).to_have_count(30)
    today = status(page)["generated_at_local"][:10]
    expect(daily.first).to_have_attribute("data-day", today)
    assert errors == []


def test_a_new_deployment_says_there_are_no_readings_yet(
    page: Page, empty_site: Site, errors: list[str]
) -> None:
    page.goto(f"{empty_site.url}/")
    expect(page.locator("#no-readings")).to_contain_text("ยังไม่มีค่าที่อ่านได้")
    expect(page.locator("#freshness")).to_contain_text("ยังไม่มีค่าที่อ่านได้")
    expect(page.locator(".verdict-label")).to_have_text("ยังไม่มีค่าที่อ่านได้")
    expect(page.locator("path.station-marker")).to_have_count(1)
    expect(page.locator('[data-station="new-v01"]')).to_have_attribute("fill", NO_BAND)
    expect(page.locator('[data-station="new-f01"]')).to_have_count(0)
    page.goto(f"{empty_site.url}/?lang=en")
    expect(page.locator("#no-readings")).to_contain_text("No readings yet")
    expect(page.locator("#freshness")).to_contain_text("No readings yet")
    page.goto(f"{empty_site.url}/stations/new-v01/page")
    expect(page.get_by_text("No readings yet.")).to_be_visible()
    assert errors == []


def test_the_page_refreshes_itself_and_keeps_the_map_where_it_was(
    page: Page, errors: list[str]
) -> None:
    page.goto("/")
    markers(page)
    page.evaluate(
        """() => { window.notReloaded = true;
                   window.dustwatch.map().setView([14.7, 100.9], 15, { animate: false }); }"""
    )
    before = page.evaluate("() => window.dustwatch.map().getZoom()")
    page.locator("#freshness").evaluate("element => { element.textContent = 'stale'; }")
    page.evaluate("() => window.dustwatch.refresh()")
    expect(page.locator("#freshness")).to_contain_text("อ่านค่าล่าสุดเมื่อ")
    assert page.evaluate("() => window.notReloaded") is True
    assert page.evaluate("() => window.dustwatch.map().getZoom()") == before
    markers(page)
    assert errors == []


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_villagers_phone_shows_the_page_at_a_glance(page: Page, language: str) -> None:
    """390 px wide: the first screen holds the title, the freshness and the map; the
    screenshots (first screen and whole page) are kept in test-artifacts/screenshots/."""
    page.goto(f"/?lang={language}")
    markers(page)
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    verdict = page.locator("#area-1-now .verdict")
    colour = verdict.evaluate("v => getComputedStyle(v).color")
    assert colour == "rgb(17, 17, 17)", "near-black text on every band colour"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    glance = Path(SCREENSHOTS / f"public-page-390-{language}.png")
    page.screenshot(path=str(glance))
    page.screenshot(path=str(SCREENSHOTS / f"public-page-390-{language}-full.png"), full_page=True)
    page.goto(f"/stations/npl-v02/page?lang={language}")
    wait_for_charts(page)
    page.screenshot(path=str(SCREENSHOTS / f"station-page-390-{language}-full.png"), full_page=True)
