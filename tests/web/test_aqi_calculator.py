"""The AQI calculator page: a plain GET form that works without JavaScript, in Thai first,
with the same figures as the API; and in a phone-sized browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from tests.api.conftest import Api, make_api


@pytest.fixture
def web(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine)


def test_without_javascript_the_answer_is_in_the_page(web: Api) -> None:
    response = web.client.get(
        "/aqi/calculator", params={"scale": "th-pcd-2023", "pollutant": "pm25", "value": "41.2"}
    )
    assert response.status_code == 200
    text = response.text
    assert '<html lang="th">' in text
    assert "AQI 111" in text
    assert "เริ่มมีผลกระทบต่อสุขภาพ · Starting to affect health" in text
    assert "background: #ffa200" in text
    assert "ควรเฝ้าระวังสุขภาพ" in text  # the Thai advice on the Thai page


def test_the_english_page_gives_english_advice(web: Api) -> None:
    response = web.client.get(
        "/aqi/calculator",
        params={"scale": "th-pcd-2023", "pollutant": "pm25", "value": "41.2", "lang": "en"},
    )
    assert '<html lang="en">' in response.text
    assert "General public: monitor your health" in response.text


@pytest.mark.parametrize("value", ["NaN", "inf", "1e400", "-3", "forty", "4\x001", "9" * 50])
def test_a_bad_value_is_shown_beside_the_field(web: Api, value: str) -> None:
    response = web.client.get(
        "/aqi/calculator", params={"scale": "th-pcd-2023", "pollutant": "pm25", "value": value}
    )
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert 'id="value-error"' in response.text
        assert "aqi-result" not in response.text


def test_a_pollutant_the_scale_lacks_is_said(web: Api) -> None:
    response = web.client.get(
        "/aqi/calculator", params={"scale": "us-epa-2024", "pollutant": "o3", "value": "30"}
    )
    assert 'id="pollutant-error"' in response.text


def test_nowcast_section(web: Api) -> None:
    hours = [46.3, 27.4, 59.8, 129.2, 130.6, 215.4, 143.2, 93.7, 101.8, 49.3, 80.2, 123.3]
    params = {"nc_scale": "us-epa-2024", "nc_pollutant": "pm25"} | {
        f"h{i}": str(v) for i, v in enumerate(hours)
    }
    text = web.client.get("/aqi/calculator", params=params | {"lang": "en"}).text
    assert "NowCast 54.8" in text
    assert "AQI 149" in text
    assert "Unhealthy for Sensitive Groups" in text
    sparse = web.client.get(
        "/aqi/calculator",
        params={"nc_scale": "us-epa-2024", "nc_pollutant": "pm25", "h2": "5", "lang": "th"},
    ).text
    assert "ข้อมูลไม่พอ" in sparse
    thai_scale = web.client.get(
        "/aqi/calculator", params={"nc_scale": "th-pcd-2023", "nc_pollutant": "pm25", "h0": "5"}
    ).text
    assert 'id="nc_pollutant-error"' in thai_scale


def test_in_a_phone_browser_a_typed_value_shows_its_band(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="เครื่องคำนวณ AQI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เครื่องคำนวณ AQI")
    form = page.locator("form", has=page.get_by_role("button", name="คำนวณ", exact=True))
    form.get_by_label("ดัชนี").select_option("th-pcd-2023")
    form.get_by_label("สารมลพิษ").select_option("pm25")
    form.get_by_label("ความเข้มข้น").fill("30")
    form.get_by_role("button", name="คำนวณ", exact=True).click()
    result = page.locator("#aqi-result").locator("xpath=..")
    band = result.locator(".band")
    expect(band).to_contain_text("AQI 70")
    expect(band).to_contain_text("ปานกลาง · Moderate")
    expect(band).to_have_css("background-color", "rgb(255, 255, 0)")
    expect(result.locator(".advice")).to_contain_text("ประชาชนทั่วไป")
    expect(page.get_by_role("textbox", name="ความเข้มข้น", exact=True)).to_have_value("30")
    assert "value=30" in page.url
    page.get_by_role("link", name="English").click()
    expect(page.locator("#aqi-result").locator("xpath=..").locator(".band")).to_contain_text(
        "Moderate"
    )
