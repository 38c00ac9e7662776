"""The HTTP API as users call it: clear 4xx errors, public versus staff views."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from core.models import Role
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.api.conftest import Api
from tests.factories import make_organisation, make_user

STATION = {
    "code": "npl-v09",
    "name": "Wat Na Phra Lan",
    "kind": "volunteer",
    "latitude": 14.68,
    "longitude": 100.87,
    "area": "Na Phra Lan",
}


@pytest.fixture
def client(api: Api) -> TestClient:
    return api.client


@pytest.fixture
def owner(api: Api) -> int:
    organisation_id = make_organisation(api.session).id
    api.session.commit()
    return organisation_id


@pytest.fixture
def staff(api: Api) -> dict[str, str]:
    """Signed in as backbone staff."""
    return api.headers(make_user(api.session, role=Role.BACKBONE))


@pytest.fixture
def station(owner: int) -> dict[str, object]:
    return STATION | {"organisation_id": owner}


def publish(client: TestClient, code: str, readings: list[dict[str, object]]) -> None:
    """Store readings the way the MQTT writer does."""
    factory = client.app.state.test_session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        ingest_messages(
            session,
            messages=[
                IncomingMessage(
                    f"dustwatch/v1/readings/{code}",
                    json.dumps(readings).encode(),
                    datetime.now(UTC),
                )
            ],
            topic_prefix="dustwatch/v1",
            zone=default_zone(),
        )


def test_staff_registers_a_station_and_the_public_lists_it(
    client: TestClient, staff: dict[str, str], station: dict[str, object]
) -> None:
    created = client.post("/stations", json=station, headers=staff)
    assert created.status_code == 201, created.text
    assert created.json()["public"] is True
    assert [s["code"] for s in client.get("/stations").json()] == ["npl-v09"]


def test_registering_a_station_needs_a_backbone_account(
    api: Api, client: TestClient, station: dict[str, object]
) -> None:
    anonymous = client.post("/stations", json=station)
    wrong = client.post("/stations", json=station, headers={"Authorization": "Bearer nope"})
    official = client.post(
        "/stations", json=station, headers=api.headers(make_user(api.session, role=Role.OFFICIAL))
    )
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert "sign in first" in anonymous.json()["detail"]
    assert wrong.status_code == 401
    assert official.status_code == 403
    assert "backbone, admin only" in official.json()["detail"]


@pytest.mark.parametrize("code", ["npl-v09", "NPL-V09", "Npl-V09"])
def test_station_codes_are_unique_regardless_of_case(
    client: TestClient, staff: dict[str, str], station: dict[str, object], code: str
) -> None:
    assert client.post("/stations", json=station, headers=staff).status_code == 201
    again = client.post("/stations", json=station | {"code": code}, headers=staff)
    assert again.status_code == 409
    assert again.json() == {"error": "conflict", "detail": f"station {code!r} already exists"}
    assert client.get(f"/stations/{code.upper()}").json()["code"] == "npl-v09"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "satellite"}, "kind"),
        ({"latitude": 123}, "latitude"),
        ({"code": "has space"}, "code"),
        ({"organisation_id": 999999}, "organisation_id"),
    ],
)
def test_invalid_station_is_refused_with_the_field_named(
    client: TestClient,
    staff: dict[str, str],
    station: dict[str, object],
    change: dict[str, object],
    field: str,
) -> None:
    response = client.post("/stations", json=station | change, headers=staff)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert field in json.dumps(response.json())


def test_factory_station_is_private_by_default(
    client: TestClient, staff: dict[str, str], station: dict[str, object]
) -> None:
    factory = station | {"code": "npl-f09", "kind": "factory"}
    assert client.post("/stations", json=factory, headers=staff).json()["public"] is False
    assert client.get("/stations").json() == []
    assert [s["code"] for s in client.get("/stations", headers=staff).json()] == ["npl-f09"]
    hidden = client.get("/stations/npl-f09/readings")
    assert hidden.status_code == 404
    assert client.get("/stations/npl-f09/readings", headers=staff).status_code == 200


def test_readings_are_served_for_a_range(
    client: TestClient, staff: dict[str, str], station: dict[str, object]
) -> None:
    client.post("/stations", json=station, headers=staff)
    now = datetime.now(UTC).replace(microsecond=0)
    publish(
        client,
        "npl-v09",
        [
            {"parameter": "pm10", "value": 88.8, "time": (now - timedelta(hours=2)).isoformat()},
            {"parameter": "pm25", "value": 33.3, "time": (now - timedelta(hours=1)).isoformat()},
        ],
    )
    everything = client.get("/stations/npl-v09/readings").json()
    assert [(r["parameter"], r["value"]) for r in everything] == [("pm10", 88.8), ("pm25", 33.3)]
    only_pm25 = client.get("/stations/npl-v09/readings", params={"parameter": "pm25"}).json()
    assert [r["value"] for r in only_pm25] == [33.3]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"parameter": "radon"}, 422, "unknown parameter 'radon'"),
        (
            {"start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
            422,
            "start must be before end",
        ),
        ({"start": "yesterday"}, 422, "start"),
    ],
)
def test_bad_reading_queries_get_a_clear_4xx(
    client: TestClient,
    staff: dict[str, str],
    station: dict[str, object],
    params: dict[str, str],
    status: int,
    message: str,
) -> None:
    client.post("/stations", json=station, headers=staff)
    response = client.get("/stations/npl-v09/readings", params=params)
    assert response.status_code == status
    assert message in json.dumps(response.json())


def test_unknown_station_is_404(client: TestClient) -> None:
    response = client.get("/stations/nowhere/readings")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "no station 'nowhere'"}


def test_status_shows_latest_values_average_band_and_advice(
    client: TestClient, staff: dict[str, str], station: dict[str, object]
) -> None:
    client.post("/stations", json=station, headers=staff)
    client.post("/stations", json=station | {"code": "npl-f09", "kind": "factory"}, headers=staff)
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    readings = [
        {"parameter": "pm10", "value": 130, "time": (hour - timedelta(hours=h)).isoformat()}
        for h in range(1, 25)
    ]
    publish(client, "npl-v09", readings)
    publish(client, "npl-f09", readings)
    status = client.get("/status").json()
    [station] = status["stations"]  # the factory station stays private
    [pm10] = station["parameters"]
    assert pm10["latest_value"] == 130.0
    assert (pm10["average_24h"], pm10["average_24h_hours"], pm10["over_standard"]) == (
        130.0,
        24,
        True,
    )
    assert (pm10["standard_id"], pm10["standard_limit"]) == ("th-pm10-24h", 120.0)
    assert pm10["aqi"] == 116  # 121-180 -> 101-200: 99/59 * (130 - 121) + 101 = 116.1
    assert pm10["band"]["color"] == "orange"
    assert pm10["band"]["label_th"] == "เริ่มมีผลกระทบต่อสุขภาพ"
    assert station["aqi"] == pm10["aqi"]


def test_health_reports_the_database(client: TestClient) -> None:
    assert client.get("/health").json()["database"] == "ok"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/stations", "/stations/{code}/readings", "/status", "/alerts"} <= set(paths)
