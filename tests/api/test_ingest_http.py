"""POST /ingest/readings: native JSON over HTTP with a device's API key, through the same
pipeline as MQTT; every refusal answered with a reason and recorded, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.access.principal import system_principal
from core.accounts.api_keys import create_api_key
from core.accounts.schemas import ApiKeyCreate
from core.models import (
    HourlyAggregate,
    LatestReading,
    Reading,
    ReadingSource,
    RejectedMessage,
    Role,
    Station,
)
from tests.api.conftest import Api
from tests.factories import make_organisation, make_station, make_user

PATH = "/ingest/readings"


def device_key(api: Api, station: Station) -> str:
    created = create_api_key(
        api.session,
        actor=system_principal("test"),
        data=ApiKeyCreate(name="sensor", station_code=station.code),
        now=datetime.now(UTC),
    )
    api.session.commit()
    return created.key


def organisation_key(api: Api, organisation_id: int) -> str:
    created = create_api_key(
        api.session,
        actor=system_principal("test"),
        data=ApiKeyCreate(name="logger", organisation_id=organisation_id),
        now=datetime.now(UTC),
    )
    api.session.commit()
    return created.key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def a_reading(value: Any = 87.5, *, minutes_ago: int = 10, parameter: str = "pm10") -> dict:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return {"parameter": parameter, "value": value, "time": moment.isoformat()}


def rejections(api: Api) -> list[tuple[str, str | None, str]]:
    api.session.expire_all()
    rows = api.session.execute(
        select(
            RejectedMessage.source, RejectedMessage.station_code, RejectedMessage.reason
        ).order_by(RejectedMessage.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.fixture
def station(api: Api) -> Station:
    found = make_station(api.session)
    api.session.commit()
    return found


def test_a_device_key_stores_a_batch_and_a_resend_is_reported_as_duplicates(
    api: Api, station: Station
) -> None:
    key = device_key(api, station)
    batch = [a_reading(10.5, minutes_ago=20), a_reading(20.5, minutes_ago=10)]

    first = api.client.post(PATH, json=batch, headers=bearer(key))
    again = api.client.post(PATH, json=batch, headers={"X-API-Key": key})

    assert first.status_code == 200, first.text
    assert [r["value"] for r in first.json()["accepted"]] == [10.5, 20.5]
    assert first.json()["station"] == station.code
    assert again.status_code == 200
    assert (len(again.json()["accepted"]), len(again.json()["duplicates"])) == (0, 2)
    api.session.expire_all()
    sources = api.session.scalars(select(Reading.source).where(Reading.station_id == station.id))
    assert list(sources) == [ReadingSource.HTTP, ReadingSource.HTTP]
    counted = api.session.scalars(
        select(HourlyAggregate.reading_count).where(HourlyAggregate.station_id == station.id)
    )
    assert sum(counted) == 2
    latest = api.session.scalars(
        select(LatestReading.value_milli).where(LatestReading.station_id == station.id)
    ).one()
    assert latest == 20_500
    assert rejections(api) == []


def test_good_and_bad_readings_answer_200_with_the_reasons_and_record_the_bad(
    api: Api, station: Station
) -> None:
    key = device_key(api, station)
    response = api.client.post(
        PATH, json=[a_reading(5), a_reading(-3, minutes_ago=5)], headers=bearer(key)
    )

    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 1
    [refused] = response.json()["rejected"]
    assert refused["reason"].startswith("reading 1: value -3")
    assert rejections(api) == [("http", station.code, refused["reason"])]


def test_everything_refused_is_422_with_the_reasons(api: Api, station: Station) -> None:
    key = device_key(api, station)
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    body = [
        {"parameter": "pm10", "value": 1, "time": future},
        {"parameter": "radon", "value": 1, "time": a_reading()["time"]},
    ]
    response = api.client.post(PATH, json=body, headers=bearer(key))

    assert response.status_code == 422
    reasons = [r["reason"] for r in response.json()["rejected"]]
    assert "in the future" in reasons[0]
    assert reasons[1] == "reading 1: unknown parameter 'radon'"
    assert response.json()["error"] == "validation_error"
    assert [r[2] for r in rejections(api)] == reasons


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({}, 401, "send the device's API key"),
        ({"Authorization": "Bearer dw_abcd_wrong"}, 401, "invalid or revoked API key"),
        ({"X-API-Key": "dw_nothing"}, 401, "invalid or revoked API key"),
        ({"Authorization": "Digest x"}, 401, "is not understood"),
        ({"Authorization": "Basic !!!"}, 401, "not base64"),
    ],
)
def test_without_a_good_key_401_and_a_record(
    api: Api, station: Station, headers: dict[str, str], status: int, reason: str
) -> None:
    response = api.client.post(PATH, json=a_reading(), headers=headers)

    assert response.status_code == status
    assert reason in response.json()["detail"]
    [(source, _, recorded)] = rejections(api)
    assert (source, reason in recorded) == ("http", True)


def test_a_persons_sign_in_is_refused_with_403_and_recorded(api: Api) -> None:
    headers = api.headers(make_user(api.session, role=Role.ADMIN))
    response = api.client.post(PATH, json=a_reading(), headers=headers)

    assert response.status_code == 403
    assert "API key" in response.json()["detail"]
    assert len(rejections(api)) == 1


def test_a_device_key_publishes_only_as_its_station(api: Api, station: Station) -> None:
    other = make_station(api.session)
    key = device_key(api, station)

    response = api.client.post(
        PATH, params={"station": other.code}, json=a_reading(), headers=bearer(key)
    )
    own = api.client.post(
        PATH, params={"station": station.code}, json=a_reading(), headers=bearer(key)
    )

    assert response.status_code == 403
    assert f"only as station {station.code}" in response.json()["detail"]
    assert own.status_code == 200
    assert rejections(api)[0][:2] == ("http", other.code)


def test_an_organisation_key_names_one_of_its_own_stations(api: Api) -> None:
    organisation = make_organisation(api.session)
    own = make_station(api.session, organisation_id=organisation.id)
    foreign = make_station(api.session)
    key = organisation_key(api, organisation.id)

    stored = api.client.post(
        PATH, params={"station": own.code}, json=a_reading(), headers=bearer(key)
    )
    elsewhere = api.client.post(
        PATH, params={"station": foreign.code}, json=a_reading(), headers=bearer(key)
    )
    unnamed = api.client.post(PATH, json=a_reading(), headers=bearer(key))

    assert stored.status_code == 200
    assert stored.json()["station"] == own.code
    assert elsewhere.status_code == 403
    assert unnamed.status_code == 422
    assert "must name the station" in unnamed.json()["detail"]
    assert len(rejections(api)) == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"parameter": "pm10", "value": NaN, "time": "2026-01-01T00:00:00Z"}', "value"),
        (b'{"parameter": "pm10", "value": "nan", "time": "2026-01-01T00:00:00Z"}', "value"),
        (b'{"parameter": "pm\\u0000", "value": 1, "time": "2026-01-01T00:00:00Z"}', "unknown"),
        (b"\x00\x00not json", "not JSON"),
        (b"[]", "empty list"),
        (b"[" + b"1," * 1200 + b"1]", "more than 1000 readings"),
        (b'{"a": "' + b"x" * (300 * 1024) + b'"}', "larger than 262144 bytes"),
    ],
    ids=["NaN", "nan-string", "NUL", "binary", "empty", "too-many", "large"],
)
def test_hostile_bodies_are_refused_and_recorded_never_a_500(
    api: Api, station: Station, body: bytes, reason: str
) -> None:
    key = device_key(api, station)
    response = api.client.post(
        PATH, content=body, headers=bearer(key) | {"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert reason in response.json()["rejected"][0]["reason"]
    assert len(rejections(api)) >= 1


def test_a_body_over_the_api_limit_is_413_unread(api: Api, station: Station) -> None:
    key = device_key(api, station)
    body = json.dumps([a_reading()] * 20_000).encode()
    assert len(body) > 1024 * 1024

    response = api.client.post(PATH, content=body, headers=bearer(key))

    assert response.status_code == 413
