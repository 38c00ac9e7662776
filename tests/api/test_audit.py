"""The audit log shows every change: who, when, what, before and after, and no secret."""

from __future__ import annotations

from core.models import Role
from tests.api.conftest import Api
from tests.factories import make_organisation, make_user


def test_station_changes_are_logged_with_before_and_after(api: Api) -> None:
    admin = make_user(api.session, role=Role.ADMIN, email="admin@example.org")
    owner = make_organisation(api.session)
    headers = api.headers(admin)
    station = {
        "code": "npl-a01",
        "name": "Temple gate",
        "kind": "volunteer",
        "organisation_id": owner.id,
        "latitude": 14.68,
        "longitude": 100.87,
        "area": "Na Phra Lan",
    }
    assert api.client.post("/stations", json=station, headers=headers).status_code == 201
    patched = api.client.patch(
        "/stations/NPL-A01", json={"name": "Temple gate, east"}, headers=headers
    )
    assert patched.status_code == 200

    events = api.client.get("/audit", params={"entity": "station"}, headers=headers).json()
    update, create = events
    assert (update["action"], create["action"]) == ("update", "create")
    assert update["actor_label"] == "admin@example.org (admin)"
    assert update["actor_user_id"] == admin.id
    assert update["before"]["name"] == "Temple gate"
    assert update["after"]["name"] == "Temple gate, east"
    assert create["before"] is None
    assert create["after"]["code"] == "npl-a01"


def test_account_and_key_changes_are_logged_without_secrets(api: Api) -> None:
    admin = make_user(api.session, role=Role.ADMIN)
    owner = make_organisation(api.session)
    headers = api.headers(admin)
    password = "a secret nobody should log"
    created = api.client.post(
        "/users",
        json={
            "email": "New.Person@Example.org",
            "display_name": "New person",
            "role": "volunteer",
            "organisation_id": owner.id,
            "password": password,
        },
        headers=headers,
    ).json()
    assert created["email"] == "new.person@example.org"
    assert "password" not in str(created)
    new_password = "another secret, longer"
    api.client.patch(f"/users/{created['id']}", json={"password": new_password}, headers=headers)
    key = api.client.post(
        "/api-keys", json={"name": "org key", "organisation_id": owner.id}, headers=headers
    ).json()
    api.client.delete(f"/api-keys/{key['id']}", headers=headers)
    api.client.patch(f"/organisations/{owner.id}", json={"areas": ["Huai Bong"]}, headers=headers)

    log = api.client.get("/audit", headers=headers).json()
    assert [(e["entity"], e["action"]) for e in log[:5]] == [
        ("organisation", "update"),
        ("api_key", "revoke"),
        ("api_key", "create"),
        ("user", "update"),
        ("user", "create"),
    ]
    text = str(log)
    for secret in (password, new_password, key["key"], "argon2"):
        assert secret not in text
    assert log[3]["after"]["password"] == "changed"
    assert log[0]["before"]["areas"] == ["Na Phra Lan"]
    assert log[0]["after"]["areas"] == ["Huai Bong"]
    only_users = api.client.get(
        "/audit", params={"entity": "user", "entity_id": str(created["id"])}, headers=headers
    ).json()
    assert [e["action"] for e in only_users] == ["update", "create"]


def test_a_duplicate_email_in_another_case_is_a_conflict(api: Api) -> None:
    admin = make_user(api.session, role=Role.ADMIN)
    make_user(api.session, email="taken@example.org")
    body = {
        "email": "TAKEN@example.org",
        "display_name": "Again",
        "role": "volunteer",
        "organisation_id": admin.organisation_id,
        "password": "long enough password",
    }
    response = api.client.post("/users", json=body, headers=api.headers(admin))
    assert response.status_code == 409
