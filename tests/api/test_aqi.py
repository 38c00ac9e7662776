"""The standards catalogue and the AQI calculator over HTTP: the published figures, and
hostile input refused with the one error shape, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.test_hostile_input import assert_error

OMAK_1 = [46.3, 27.4, 59.8, 129.2, 130.6, 215.4, 143.2, 93.7, 101.8, 49.3, 80.2, 123.3]


def aqi(api: Api, **params: str) -> Any:
    return api.client.get("/aqi", params=params)


# The catalogue ------------------------------------------------------------------------------


def test_every_standard_version_is_listed_with_its_source(api: Api) -> None:
    body = api.client.get("/standards").json()
    ids = {s["id"] for s in body}
    assert {"th-pm25-24h-2010", "th-pm25-24h-2023", "th-pm10-24h"} <= ids
    assert all(s["source"] and s["unit"] and s["authority"] for s in body)
    pm25 = next(s for s in body if s["id"] == "th-pm25-24h-2010")
    assert (pm25["limit"], pm25["effective_to"], pm25["series"]) == (
        50,
        "2023-05-31",
        "th-pm25-24h",
    )


@pytest.mark.parametrize(
    ("day", "limit"), [("2023-01-01", 50), ("2023-05-31", 50), ("2023-06-01", 37.5)]
)
def test_filters_keep_the_versions_in_force(api: Api, day: str, limit: float) -> None:
    body = api.client.get(
        "/standards", params={"parameter": "pm25", "jurisdiction": "th", "period": "24h", "on": day}
    ).json()
    assert [s["limit"] for s in body] == [limit]


def test_the_filters_combine(api: Api) -> None:
    body = api.client.get("/standards", params={"parameter": "pm25", "on": "2023-01-01"}).json()
    assert body
    assert all(s["parameter"] == "pm25" for s in body)
    assert {s["jurisdiction"] for s in body} >= {"th", "who"}
    assert "th-pm25-24h-2023" not in {s["id"] for s in body}


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/standards/th-pm25-24h", {"on": "2023-05-31"}, "th-pm25-24h-2010"),
        ("/standards/th-pm25-24h", {"on": "2023-06-01"}, "th-pm25-24h-2023"),
        ("/standards/th-pm25-24h", {}, "th-pm25-24h-2023"),
        ("/standards/th-pm25-24h-2010", {}, "th-pm25-24h-2010"),
        ("/standards/th-pm25-24h-2010", {"on": "2024-01-01"}, "th-pm25-24h-2023"),
    ],
)
def test_one_standard_by_series_or_id(
    api: Api, path: str, params: dict[str, str], expected: str
) -> None:
    response = api.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == expected


def test_an_unknown_standard_is_404_with_a_reason(api: Api) -> None:
    body = assert_error(api.client.get("/standards/th-pm99-24h"), 404, "not_found")
    assert "GET /standards" in body["detail"]


def test_a_standard_not_yet_in_force_is_404_with_the_day(api: Api) -> None:
    body = assert_error(
        api.client.get("/standards/th-pm25-24h", params={"on": "2001-01-01"}), 404, "not_found"
    )
    assert "2001-01-01" in body["detail"]


@pytest.mark.parametrize(
    "params",
    [{"parameter": "pm99"}, {"jurisdiction": "xx"}, {"on": "2023-02-30"}, {"on": "tomorrow"}],
)
def test_bad_filters_are_refused(api: Api, params: dict[str, str]) -> None:
    assert_error(api.client.get("/standards", params=params), 422, "validation_error")


def test_scales_list_bands_names_colours_and_rules(api: Api) -> None:
    body = api.client.get("/aqi/scales").json()
    thai = next(s for s in body if (s["id"], s["parameter"]) == ("th-pcd-2023", "pm25"))
    assert thai["reduction"] == "rounded half-up to 0.1 ug/m3"
    assert [b["label_th"] for b in thai["bands"]][-1] == "มีผลกระทบต่อสุขภาพ"
    assert [b["color_hex"] for b in thai["bands"]][2] == "#ffff00"
    assert thai["bands"][-1]["c_hi"] is None
    us = next(s for s in body if (s["id"], s["parameter"]) == ("us-epa-2024", "pm10"))
    assert (us["reduction"], us["beyond_top"]) == ("truncated to 1 ug/m3", "extrapolate")
    only = api.client.get("/aqi/scales", params={"scale": "th-pcd", "pollutant": "PM2.5"}).json()
    assert [s["id"] for s in only] == ["th-pcd-2023", "th-pcd-2018"]


# The calculator ---------------------------------------------------------------------------


def test_the_example_of_the_issue(api: Api) -> None:
    response = aqi(api, scale="th-pcd-2023", pollutant="pm25", value="41.2")
    assert response.status_code == 200, response.text
    body = response.json()
    # 37.6-75.0 -> 101-200: 99 / 37.4 * (41.2 - 37.6) + 101 = 110.53 -> 111
    assert {k: body[k] for k in ("scale", "pollutant", "unit", "concentration", "index")} == {
        "scale": "th-pcd-2023",
        "pollutant": "pm25",
        "unit": "ug/m3",
        "concentration": 41.2,
        "index": 111,
    }
    assert body["band"]["label_th"] == "เริ่มมีผลกระทบต่อสุขภาพ"
    assert body["band"]["label_en"] == "Starting to affect health"
    assert (body["band"]["color"], body["band"]["color_hex"]) == ("orange", "#ffa200")
    assert body["band"]["advice_th"]
    assert body["band"]["advice_en"]
    assert body["reduction"] == "rounded half-up to 0.1 ug/m3"
    assert body["note"] is None


@pytest.mark.parametrize(
    ("scale", "pollutant", "value", "used", "concentration", "index"),
    [
        ("th-pcd", "pm25", "15.05", "th-pcd-2023", 15.1, 26),  # a family: its newest version
        ("th-pcd-2023", "PM2.5", "15.04", "th-pcd-2023", 15.0, 25),
        ("us-epa", "pm25", "9.09", "us-epa-2024", 9.0, 50),
        ("us-epa-2024", "pm10", "154.9", "us-epa-2024", 154, 100),
        ("us-epa-2024", "pm25", "1e2", "us-epa-2024", 100.0, 182),
        ("th-pcd-2023", "o3", "70", "th-pcd-2023", 70, 100),
        ("th-pcd-2023", "co", "9.0", "th-pcd-2023", 9.0, 100),
        ("th-pcd-2023", "no2", " 170 ", "th-pcd-2023", 170, 100),
        ("th-pcd-2023", "so2", "300", "th-pcd-2023", 300, 100),
        ("th-pcd-2018", "pm25", "37.5", "th-pcd-2018", 38, 51),
    ],
)
def test_each_scale_reduces_by_its_own_rule(
    api: Api,
    scale: str,
    pollutant: str,
    value: str,
    used: str,
    concentration: float,
    index: int,
) -> None:
    body = aqi(api, scale=scale, pollutant=pollutant, value=value).json()
    assert (body["scale"], body["concentration"], body["index"]) == (used, concentration, index)


@pytest.mark.parametrize(
    ("scale", "pollutant", "value", "band"),
    [
        ("th-pcd-2023", "pm25", "75.1", "Affecting health"),
        ("th-pcd-2023", "pm10", "181", "Affecting health"),
        ("us-epa-2012", "pm25", "600", "Hazardous"),
    ],
)
def test_no_index_where_the_published_method_stops(
    api: Api, scale: str, pollutant: str, value: str, band: str
) -> None:
    body = aqi(api, scale=scale, pollutant=pollutant, value=value).json()
    assert (body["index"], body["band"]["label_en"]) == (None, band)
    assert body["note"]


def test_above_the_2024_us_table_the_index_goes_on(api: Api) -> None:
    body = aqi(api, scale="us-epa-2024", pollutant="pm25", value="400").json()
    assert (body["index"], body["band"]["color_hex"]) == (649, "#7E0023")
    assert "325.4" in body["note"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"scale": "xx-2023", "pollutant": "pm25", "value": "1"}, "unknown AQI scale"),
        ({"scale": "th-pcd-2023", "pollutant": "benzene", "value": "1"}, "unknown pollutant"),
        ({"scale": "us-epa-2024", "pollutant": "o3", "value": "1"}, "no o3 breakpoints"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "-1"}, "negative"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "NaN"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "nan"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "inf"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "Infinity"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "-inf"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "1e400"}, "plausible"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "1e99999"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "0x10"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "forty"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "4,1"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "٤١"}, "not a number"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "5001"}, "plausible"),
        ({"scale": "th-pcd-2023", "pollutant": "o3", "value": "1", "unit": "ug/m3"}, "ppb"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": ""}, "at least 1"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25", "value": "9" * 41}, "at most"),
        ({"scale": "th-pcd-2023", "pollutant": "pm25"}, "value"),
        ({"scale": "x" * 41, "pollutant": "pm25", "value": "1"}, "at most"),
    ],
)
def test_bad_input_is_a_clear_422(api: Api, params: dict[str, str], said: str) -> None:
    body = assert_error(api.client.get("/aqi", params=params), 422, "validation_error")
    assert said in body["detail"]
    assert "9" * 41 not in body["detail"]


def test_the_unit_may_be_given_as_people_write_it(api: Api) -> None:
    body = aqi(api, scale="th-pcd-2023", pollutant="pm25", value="30", unit="µg/m³").json()
    assert body["index"] == 70


@pytest.mark.parametrize("path", ["/aqi?scale=th-pcd-2023&pollutant=pm25&value=4%001"])
def test_nul_in_the_query_is_a_bad_request(api: Api, path: str) -> None:
    assert_error(api.client.get(path), 400, "bad_request")


# NowCast -----------------------------------------------------------------------------------


def nowcast(api: Api, hours: list[Any], **body: Any) -> Any:
    document = {"scale": "us-epa-2024", "pollutant": "pm25", "hours": hours} | body
    return api.client.post("/aqi/nowcast", json=document)


def test_nowcast_of_a_published_example_and_its_index(api: Api) -> None:
    """AirMonitor's NowCast vignette, Omak example 1: 54.81126 -> 54.8 ug/m3."""
    response = nowcast(api, OMAK_1)
    assert response.status_code == 200, response.text
    body = response.json()
    # 35.5-55.4 -> 101-150 (2024): 49 / 19.9 * (54.8 - 35.5) + 101 = 148.52 -> 149
    assert (body["nowcast"], body["weight"], body["hours_used"]) == (54.8, 0.5, 12)
    assert (body["index"], body["band"]["label_en"]) == (149, "Unhealthy for Sensitive Groups")
    assert body["note"] is None


def test_nowcast_pm10_truncates_to_whole_micrograms(api: Api) -> None:
    body = nowcast(api, OMAK_1, pollutant="pm10").json()
    # 0-54 -> 0-50: 50 / 54 * 54 = 50
    assert (body["nowcast"], body["index"], body["reduction"]) == (54, 50, "truncated to 1 ug/m3")


@pytest.mark.parametrize(
    "hours", [[], [12], [None, None, 12, 12], [12, None, None, 12], [None] * 12]
)
def test_insufficient_data_is_an_answer_not_an_error(api: Api, hours: list[Any]) -> None:
    response = nowcast(api, hours)
    assert response.status_code == 200
    body = response.json()
    assert (body["nowcast"], body["index"], body["band"]) == (None, None, None)
    assert body["note"].startswith("insufficient data")


def test_missing_hours_are_left_out(api: Api) -> None:
    """AirMonitor's vignette, example 3: five missing hours, 164.7973 -> 164.7."""
    hours = [149.5, 149.9, 238.6, None, None, None, None, None, 763.8, 744.6, 734.0, 711.8]
    body = nowcast(api, hours).json()
    assert (body["nowcast"], body["hours_used"]) == (164.7, 7)


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"hours": [1] * 13}, "at most 12"),
        ({"hours": [1] * 100_000}, "at most 12"),
        ({"hours": [1, -1]}, "greater than or equal to 0"),
        ({"hours": [1, "nan"]}, "finite"),
        ({"hours": [1, "inf"]}, "finite"),
        ({"hours": [1, "ten"]}, "hours.1"),
        ({"hours": [1, 1e300]}, "plausible"),
        ({"hours": "1,2,3"}, "hours"),
        ({"hours": [[1]]}, "hours.0"),
        ({"scale": "th-pcd-2023"}, "US EPA method"),
        ({"pollutant": "o3"}, "no o3 breakpoints"),
        ({"scale": "nowhere"}, "unknown AQI scale"),
    ],
)
def test_nowcast_refuses_bad_input(api: Api, document: dict[str, Any], said: str) -> None:
    body = {"scale": "us-epa-2024", "pollutant": "pm25", "hours": [10, 10]} | document
    response = api.client.post("/aqi/nowcast", json=body)
    error = assert_error(response, 422, "validation_error")
    assert said in error["detail"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_does_not_have_are_refused(api: Api, number: str) -> None:
    text = f'{{"scale": "us-epa-2024", "pollutant": "pm25", "hours": [10, {number}]}}'
    response = api.client.post(
        "/aqi/nowcast", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code in {400, 422}
    assert set(response.json()) <= {"error", "detail", "errors"}


def test_nul_in_the_nowcast_body_is_a_bad_request(api: Api) -> None:
    response = api.client.post(
        "/aqi/nowcast", json={"scale": "us-epa\u00002024", "pollutant": "pm25", "hours": [1, 1]}
    )
    assert_error(response, 400, "bad_request")


def test_a_standard_in_force_today_uses_the_local_day(api: Api) -> None:
    """No `on`: today in the deployment's zone, which is after 2023-06-01 in any zone."""
    assert datetime.now(UTC).year >= 2024
    assert api.client.get("/standards/th-pm25-24h").json()["limit"] == 37.5
