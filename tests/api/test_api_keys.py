"""API keys as an operator issues one for a data logger, and as the logger then uses it."""

from __future__ import annotations

import re

from core.models import Role, StationKind
from tests.api.conftest import Api
from tests.factories import make_organisation, make_station, make_user


def test_a_device_key_is_shown_once_works_for_its_station_and_stops_when_revoked(
    api: Api,
) -> None:
    factory = make_organisation(api.session)
    operator = make_user(api.session, role=Role.OPERATOR, organisation=factory)
    own = make_station(
        api.session, organisation_id=factory.id, kind=StationKind.FACTORY, public=False
    )
    sibling = make_station(
        api.session, organisation_id=factory.id, kind=StationKind.FACTORY, public=False
    )
    headers = api.headers(operator)

    created = api.client.post(
        "/api-keys", json={"name": "gate logger", "station_code": own.code}, headers=headers
    )
    assert created.status_code == 201, created.text
    body = created.json()
    match = re.fullmatch(r"dw_([0-9a-f]{8})_[A-Za-z0-9_-]{40,}", body["key"])
    assert match is not None
    assert match.group(1) == body["prefix"]
    assert (body["station_id"], body["organisation_id"]) == (own.id, factory.id)

    listed = api.client.get("/api-keys", headers=headers).json()
    assert [k["prefix"] for k in listed] == [body["prefix"]]
    assert body["key"] not in str(listed)
    assert all("key" not in k for k in listed)

    device = {"Authorization": f"Bearer {body['key']}"}
    assert api.client.get(f"/stations/{own.code}/readings", headers=device).status_code == 200
    assert api.client.get(f"/stations/{sibling.code}/readings", headers=device).status_code == 404
    assert api.client.get("/users", headers=device).status_code == 403
    assert api.client.get("/auth/me", headers=device).json()["station_id"] == own.id
    used = api.client.get("/api-keys", headers=headers).json()[0]
    assert used["last_used_at"] is not None

    revoked = api.client.delete(f"/api-keys/{body['id']}", headers=headers)
    assert revoked.json()["revoked_at"] is not None
    refused = api.client.get(f"/stations/{own.code}/readings", headers=device)
    assert refused.status_code == 401


def test_an_organisation_key_sees_its_organisations_private_stations(api: Api) -> None:
    backbone = make_user(api.session, role=Role.BACKBONE)
    factory = make_organisation(api.session)
    private = make_station(api.session, organisation_id=factory.id, public=False)
    other = make_station(api.session, public=False)
    created = api.client.post(
        "/api-keys",
        json={"name": "reports", "organisation_id": factory.id},
        headers=api.headers(backbone),
    ).json()
    key = {"Authorization": f"Bearer {created['key']}"}
    codes = {s["code"] for s in api.client.get("/stations", headers=key).json()}
    assert private.code in codes
    assert other.code not in codes


def test_a_made_up_or_mangled_key_is_refused(api: Api) -> None:
    backbone = make_user(api.session, role=Role.BACKBONE)
    station = make_station(api.session)
    created = api.client.post(
        "/api-keys",
        json={"name": "sensor", "station_code": station.code},
        headers=api.headers(backbone),
    ).json()
    for key in (created["key"][:-1], f"dw_{created['prefix']}_", "dw_", "dw_nope_nope"):
        response = api.client.get("/auth/me", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, key


def test_a_key_needs_a_station_or_an_organisation_not_both(api: Api) -> None:
    admin = make_user(api.session, role=Role.ADMIN)
    station = make_station(api.session)
    response = api.client.post(
        "/api-keys",
        json={
            "name": "x",
            "station_code": station.code,
            "organisation_id": station.organisation_id,
        },
        headers=api.headers(admin),
    )
    assert response.status_code == 422
