"""The backbone manages who receives alert messages; changes are audited, secrets never shown."""

from __future__ import annotations

from core.models import Role
from tests.api.conftest import Api
from tests.factories import make_user

SECRET = "a long webhook secret nobody should see"


def test_a_webhook_subscription_keeps_its_secret_out_of_sight(api: Api) -> None:
    backbone = make_user(api.session, role=Role.BACKBONE)
    headers = api.headers(backbone)
    body = {
        "name": "SMS gateway",
        "role": "official",
        "channel": "webhook",
        "address": "https://sms.example.org/hook",
        "areas": ["Na Phra Lan"],
        "min_severity": "critical",
        "language": "en",
        "secret": SECRET,
    }
    created = api.client.post("/subscriptions", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["has_secret"] is True
    assert created.json()["level"] == 1
    assert SECRET not in created.text

    renamed = api.client.put(
        f"/subscriptions/{created.json()['id']}",
        json={k: v for k, v in body.items() if k != "secret"}
        | {"name": "SMS gateway 2", "level": 3},
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["has_secret"] is True
    assert renamed.json()["level"] == 3

    listed = api.client.get("/subscriptions", headers=headers)
    assert [s["name"] for s in listed.json()] == ["SMS gateway 2"]
    assert SECRET not in listed.text
    events = api.client.get("/audit", params={"entity": "subscription"}, headers=headers)
    assert [e["action"] for e in events.json()] == ["update", "create"]
    assert SECRET not in events.text

    gone = api.client.delete(f"/subscriptions/{created.json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert api.client.get("/subscriptions", headers=headers).json() == []


def test_a_subscription_that_cannot_be_delivered_is_refused_with_a_reason(api: Api) -> None:
    headers = api.headers(make_user(api.session, role=Role.ADMIN))
    no_secret = {
        "name": "hook",
        "role": "official",
        "channel": "webhook",
        "address": "https://example.org/hook",
    }
    refused = api.client.post("/subscriptions", json=no_secret, headers=headers)
    assert refused.status_code in (400, 422)
    assert "secret" in refused.text
    no_address = {"name": "line", "user_id": 1, "channel": "line"}
    assert (
        "needs an address"
        in api.client.post("/subscriptions", json=no_address, headers=headers).text
    )
    both = {"name": "x", "role": "official", "user_id": 1, "channel": "email"}
    assert (
        "either a user_id or a role"
        in api.client.post("/subscriptions", json=both, headers=headers).text
    )
    level_4 = {"name": "x", "role": "official", "channel": "email", "level": 4}
    assert api.client.post("/subscriptions", json=level_4, headers=headers).status_code == 422
    missing = api.client.get("/alerts/nope/deliveries", headers=headers)
    assert missing.status_code == 404
