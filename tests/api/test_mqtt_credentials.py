"""A station's MQTT credential over HTTP, as an operator sets up a factory's data logger."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.devices.credentials import verify_device
from core.devices.topics import INGEST_USER
from core.models import Role, StationKind
from tests.api.conftest import Api
from tests.factories import make_organisation, make_station, make_user


def verifies(session: Session, code: str, password: str) -> bool:
    return verify_device(session, user=code, password=password)


def test_the_password_is_shown_once_rotates_and_is_revoked(api: Api) -> None:
    factory = make_organisation(api.session)
    operator = make_user(api.session, role=Role.OPERATOR, organisation=factory)
    station = make_station(
        api.session, organisation_id=factory.id, kind=StationKind.FACTORY, public=False
    )
    headers = api.headers(operator)
    path = f"/stations/{station.code}/mqtt-credential"

    first = api.client.post(path, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["username"], body["station_code"]) == (station.code, station.code)
    assert body["revoked_at"] is None
    assert verifies(api.session, station.code, body["password"])

    second = api.client.post(path, headers=headers).json()
    assert second["password"] != body["password"]
    assert not verifies(api.session, station.code, body["password"])

    revoked = api.client.delete(path, headers=headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert "password" not in revoked.json()
    assert not verifies(api.session, station.code, second["password"])

    admin = api.headers(make_user(api.session, role=Role.ADMIN))
    audit = api.client.get(
        "/audit", params={"entity": "mqtt_credential", "entity_id": station.id}, headers=admin
    )
    assert [e["action"] for e in audit.json()] == ["revoke", "rotate", "issue"]
    assert body["password"] not in audit.text
    assert second["password"] not in audit.text


def test_revoking_what_was_never_issued_is_not_found(api: Api) -> None:
    admin = api.headers(make_user(api.session, role=Role.ADMIN))
    station = make_station(api.session)
    api.session.commit()
    response = api.client.delete(f"/stations/{station.code}/mqtt-credential", headers=admin)
    assert response.status_code == 404


def test_no_station_may_be_registered_under_the_ingests_name(api: Api) -> None:
    admin = api.headers(make_user(api.session, role=Role.ADMIN))
    station = {
        "code": INGEST_USER.upper(),
        "name": "Impostor",
        "kind": "volunteer",
        "organisation_id": make_organisation(api.session).id,
        "latitude": 14.68,
        "longitude": 100.87,
        "area": "Na Phra Lan",
    }
    api.session.commit()
    response = api.client.post("/stations", json=station, headers=admin)
    assert response.status_code == 422
    assert "reserved" in response.text
