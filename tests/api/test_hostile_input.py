"""Requests as an attacker or a careless client sends them: never a 500, always the one
error shape, never a large echo. Both backends (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from core.models import Alert, AlertKind, Role
from core.settings import ApiSettings, Settings
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_station, make_user

PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{16}$")


@pytest.fixture
def admin(api: Api) -> dict[str, str]:
    return api.headers(make_user(api.session, role=Role.ADMIN))


@pytest.fixture
def station_code(api: Api) -> str:
    code = make_station(api.session).code
    api.session.commit()
    return code


@pytest.fixture
def new_station(api: Api) -> dict[str, Any]:
    organisation_id = make_organisation(api.session).id
    api.session.commit()
    return {
        "code": "npl-v77",
        "name": "Wat Na Phra Lan",
        "kind": "volunteer",
        "organisation_id": organisation_id,
        "latitude": 14.68,
        "longitude": 100.87,
        "area": "Na Phra Lan",
    }


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["error"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert set(body) <= {"error", "detail", "errors"}
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/stations/a%00b",
        "/stations/a%00b/readings",
        "/stations/a%00b/keepers",
        "/stations/npl-v01/readings?parameter=pm%0010",
        "/audit?entity=st%00ation",
        "/organisations?x=%00",
    ],
)
def test_nul_in_the_address_is_a_bad_request(api: Api, admin: dict[str, str], path: str) -> None:
    assert_error(api.client.get(path), 400, "bad_request")
    assert_error(api.client.get(path, headers=admin), 400, "bad_request")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/stations", {"name": "Wat\u0000"}),
        ("POST", "/stations", {"\u0000": 1}),
        ("PATCH", "/stations/{code}", {"name": "Wat\u0000"}),
        (
            "POST",
            "/organisations",
            {"name_th": "ก\u0000", "name_en": "x", "stakeholder_group": "other"},
        ),
        ("POST", "/users", {"email": "a\u0000@example.org"}),
        ("POST", "/api-keys", {"name": "k", "station_code": "a\u0000"}),
        ("POST", "/auth/refresh", {"refresh_token": "\u0000"}),
    ],
)
def test_nul_in_a_json_string_is_a_bad_request(
    api: Api,
    admin: dict[str, str],
    new_station: dict[str, Any],
    station_code: str,
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    document = (new_station | body) if path == "/stations" else body
    response = api.client.request(
        method, path.format(code=station_code), json=document, headers=admin
    )
    body_out = assert_error(response, 400, "bad_request")
    assert "NUL" in body_out["detail"]


def test_nul_in_a_sign_in_form_is_a_bad_request(api: Api) -> None:
    for data in ({"username": "a\u0000@example.org", "password": "x"}, {"username\u0000": "a"}):
        assert_error(api.client.post("/auth/token", data=data), 400, "bad_request")
    multipart = api.client.post(
        "/auth/token", files={"username": (None, "a\u0000b"), "password": (None, "secret")}
    )
    assert_error(multipart, 400, "bad_request")


def test_a_lone_surrogate_in_a_json_string_is_a_bad_request(
    api: Api, admin: dict[str, str]
) -> None:
    response = api.client.post(
        "/organisations",
        content=b'{"name_th": "\\ud800", "name_en": "x", "stakeholder_group": "other"}',
        headers=admin | {"content-type": "application/json"},
    )
    assert "surrogate" in assert_error(response, 400, "bad_request")["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/organisations/2147483648", None),
        ("PATCH", "/users/99999999999", {"display_name": "x"}),
        ("DELETE", "/api-keys/-1", None),
        ("GET", "/users?organisation_id=99999999999", None),
        ("POST", "/stations/{code}/keepers", {"user_id": 2**40}),
    ],
)
def test_ids_beyond_what_is_stored_are_invalid(
    api: Api,
    admin: dict[str, str],
    station_code: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    response = api.client.request(method, path.format(code=station_code), json=body, headers=admin)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_numbers_json_does_not_have_are_a_bad_request(
    api: Api, admin: dict[str, str], new_station: dict[str, Any], number: str
) -> None:
    text = f'{{"latitude": {number}, "code": "npl-v77"}}'
    for headers in ({}, admin):
        response = api.client.post(
            "/stations", content=text, headers=headers | {"content-type": "application/json"}
        )
        assert_error(response, 400, "bad_request")


def test_a_body_over_the_limit_is_refused_unread(api: Api, admin: dict[str, str]) -> None:
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = api.client.post(
        "/stations", content=big, headers=admin | {"content-type": "application/json"}
    )
    body = assert_error(response, 413, "payload_too_large")
    assert "1048576 bytes" in body["detail"]


def test_a_chunked_body_over_the_limit_is_refused(api: Api, admin: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 64 * 1024
        yield b'"}'

    response = api.client.post(
        "/stations", content=chunks(), headers=admin | {"content-type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_error(response, 413, "payload_too_large")


def test_the_body_limit_is_configurable(engine: Engine) -> None:
    settings = Settings(api=ApiSettings(max_body_bytes=2048))
    for api in make_api(engine, settings):
        response = api.client.post("/auth/refresh", json={"refresh_token": "x" * 3000})
        assert_error(response, 413, "payload_too_large")
        small = api.client.post("/auth/refresh", json={"refresh_token": "x" * 100})
        assert_error(small, 401, "unauthorized")


def test_a_validation_error_does_not_echo_large_input(
    api: Api, admin: dict[str, str], new_station: dict[str, Any]
) -> None:
    response = api.client.post(
        "/stations", json=new_station | {"name": "x" * 500_000}, headers=admin
    )
    body = assert_error(response, 422, "validation_error")
    assert len(response.content) < 2000
    assert body["errors"] == [
        {"field": "body.name", "message": "String should have at most 200 characters"}
    ]
    assert "xxxxxxxxxx" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"end": "0001-01-01T00:00:00Z"},
        {"end": "0001-01-01T00:00:00+14:00"},
        {"start": "9999-12-31T23:59:59-14:00"},
        {"start": "0001-01-01T00:00:00+14:00", "end": "0001-01-01T12:00:00+14:00"},
    ],
)
def test_times_that_overflow_are_refused(
    api: Api, station_code: str, query: dict[str, str]
) -> None:
    response = api.client.get(f"/stations/{station_code}/readings", params=query)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("value", ["1700000000", "1700000000.5", "0", "-1", "1e9"])
def test_numbers_are_not_times(api: Api, station_code: str, value: str) -> None:
    response = api.client.get(f"/stations/{station_code}/readings", params={"end": value})
    body = assert_error(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "query.end"
    assert "not a number" in body["errors"][0]["message"]


def test_every_4xx_has_the_one_error_shape(
    api: Api, admin: dict[str, str], new_station: dict[str, Any]
) -> None:
    volunteer = api.headers(make_user(api.session, role=Role.VOLUNTEER))
    assert_error(api.client.get("/no-such-page"), 404, "not_found")
    assert_error(api.client.delete("/status"), 405, "method_not_allowed")
    assert_error(api.client.get("/stations/npl-none"), 404, "not_found")
    unauthorised = api.client.get("/users")
    assert_error(unauthorised, 401, "unauthorized")
    assert unauthorised.headers["www-authenticate"] == "Bearer"
    bad_token = api.client.get("/status", headers={"Authorization": "Bearer nonsense"})
    assert_error(bad_token, 401, "unauthorized")
    assert bad_token.headers["www-authenticate"] == "Bearer"
    assert_error(api.client.get("/users", headers=volunteer), 403, "forbidden")
    assert api.client.post("/stations", json=new_station, headers=admin).status_code == 201
    assert_error(api.client.post("/stations", json=new_station, headers=admin), 409, "conflict")
    not_json = api.client.post(
        "/stations", content=b"{nope", headers=admin | {"content-type": "application/json"}
    )
    assert assert_error(not_json, 422, "validation_error")["errors"][0]["field"] == "body"
    missing = assert_error(
        api.client.post("/stations", json={}, headers=admin), 422, "validation_error"
    )
    assert {"body.code", "body.name"} <= {e["field"] for e in missing["errors"]}
    assert "body.code" in missing["detail"]
    backwards = api.client.get(
        "/stations/npl-v77/readings",
        params={"start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
    )
    assert assert_error(backwards, 422, "validation_error")["errors"] == []


def test_the_openapi_document_describes_every_error(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "ErrorBody" in schemas
    assert "HTTPValidationError" not in schemas
    reference = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code for code in responses if code.startswith("4")}
            assert {"400", "401"} <= errors, (method, path)
            for code in errors:
                assert responses[code]["content"]["application/json"]["schema"] == reference
            if "{" in path:
                assert "404" in errors, (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= errors, (method, path)
    assert "403" not in document["paths"]["/status"]["get"]["responses"]
    assert "403" in document["paths"]["/users"]["get"]["responses"]
    assert "409" in document["paths"]["/stations"]["post"]["responses"]


def test_alert_ids_reveal_no_private_alert(api: Api) -> None:
    now = datetime.now(UTC)
    stations = [make_station(api.session, public=index % 2 == 0) for index in range(6)]
    for station in stations:
        api.session.add(
            Alert(
                station_id=station.id,
                parameter_id=2,
                kind=AlertKind.EXCEEDANCE_24H,
                standard_id="th-pm10-24h",
                limit_milli=120_000,
                opened_at=now,
                opening_average_milli=130_000,
                peak_average_milli=130_000,
                latest_average_milli=130_000,
                updated_at=now,
            )
        )
    api.session.commit()
    internal = {str(a.id) for a in api.session.query(Alert)}
    seen = {a["id"] for a in api.client.get("/alerts").json()}
    mine = {a["station_code"] for a in api.client.get("/alerts").json()}
    assert mine == {s.code for s in stations if s.public}
    assert all(PUBLIC_ID.match(i) for i in seen), seen
    assert not seen & internal
    assert len(seen) == 3
