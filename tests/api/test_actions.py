"""The actions API: an operator registers an action against a target, reports progress, and
anyone reads its measured change from the data; hostile input is refused with a 4xx."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.models import Role, StakeholderGroup
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.api.conftest import Api
from tests.core.actions.test_actions import make_target
from tests.factories import make_organisation, make_station, make_user

ZONE = default_zone()


def publish_days(session: Session, code: str, first: date, count: int, value: float) -> None:
    """A reading at every local hour of `count` days from `first`."""
    items = [
        {
            "parameter": "pm10",
            "value": value,
            "time": (
                datetime(first.year, first.month, first.day, tzinfo=ZONE) + timedelta(hours=h)
            ).isoformat(),
        }
        for h in range(24 * count)
    ]
    message = IncomingMessage(
        f"dustwatch/v1/readings/{code}", json.dumps(items).encode(), datetime.now(UTC)
    )
    ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=ZONE)


def registration(target_id: int, code: str, **changes: Any) -> dict[str, Any]:
    start = datetime.now(ZONE).date() - timedelta(days=5)
    return {
        "title_th": "รดน้ำถนนขนส่ง",
        "title_en": "Haul road watering",
        "kind": "road_watering",
        "responsible": "Khun Somchai",
        "start_date": start.isoformat(),
        "due_date": (start + timedelta(days=60)).isoformat(),
        "target_ids": [target_id],
        "station_codes": [code],
    } | changes


def test_registered_updated_and_its_change_read_by_anyone(api: Api) -> None:
    s = api.session
    factory = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    operator = api.headers(make_user(s, role=Role.OPERATOR, organisation=factory))
    station = make_station(s)
    target = make_target(s)
    start = datetime.now(ZONE).date() - timedelta(days=5)
    publish_days(s, station.code, start - timedelta(days=5), 5, 100)
    publish_days(s, station.code, start, 5, 60)
    s.commit()

    made = api.client.post("/actions", json=registration(target.id, station.code), headers=operator)
    assert made.status_code == 201, made.text
    action = made.json()
    assert (action["organisation_id"], action["status"], action["overdue"]) == (
        factory.id,
        "planned",
        False,
    )
    action_id = action["id"]
    change = api.client.get(f"/actions/{action_id}/change").json()
    assert change["available"] is True
    assert (change["before"]["mean"], change["after"]["mean"]) == (100.0, 60.0)
    assert change["changes"][0]["mean_change_percent"] == -40.0
    assert "not proof" in change["statement_en"]

    assert (
        api.client.put(
            f"/actions/{action_id}/status", json={"status": "in_progress"}, headers=operator
        ).json()["status"]
        == "in_progress"
    )
    noted = api.client.post(
        f"/actions/{action_id}/notes", json={"text": "Watered at 06:00"}, headers=operator
    )
    assert [n["text"] for n in noted.json()["notes"]] == ["Watered at 06:00"]
    linked = api.client.post(
        f"/actions/{action_id}/evidence",
        json={"label": "Log", "url": "https://example.org/log"},
        headers=operator,
    )
    assert linked.json()["evidence"][0]["url"] == "https://example.org/log"
    edited = api.client.put(
        f"/actions/{action_id}",
        json={
            "responsible": "Night shift lead",
            "due_date": (start + timedelta(days=30)).isoformat(),
        },
        headers=operator,
    )
    assert edited.json()["responsible"] == "Night shift lead"
    assert (
        api.client.put(
            f"/actions/{action_id}", json={"due_date": "2000-01-01"}, headers=operator
        ).status_code
        == 422
    )
    listed = api.client.get("/actions", params={"target_id": target.id, "overdue": "false"})
    assert [a["id"] for a in listed.json()] == [action_id]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title_en": "a\x00b"}, "NUL"),
        ({"title_th": "x" * 100_000}, "title_th"),
        ({"latitude": "NaN", "longitude": 100.0, "radius_km": 1}, "latitude"),
        ({"due_date": "9999-12-31"}, "due_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"target_ids": [2**40]}, "target_ids"),
        ({"kind": "magic"}, "kind"),
        ({"station_codes": ["x" * 65]}, "station_codes"),
    ],
)
def test_hostile_registrations_are_refused(api: Api, changes: dict[str, Any], field: str) -> None:
    s = api.session
    operator = api.headers(make_user(s, role=Role.OPERATOR))
    target = make_target(s)
    s.commit()
    refused = api.client.post(
        "/actions", json=registration(target.id, "x", **changes), headers=operator
    )
    assert refused.status_code == (400 if field == "NUL" else 422), refused.text
    assert field in refused.text


def test_hostile_updates_are_refused(api: Api) -> None:
    s = api.session
    factory = make_organisation(s)
    operator = api.headers(make_user(s, role=Role.OPERATOR, organisation=factory))
    target = make_target(s)
    s.commit()
    action_id = api.client.post(
        "/actions", json=registration(target.id, "x"), headers=operator
    ).json()["id"]
    bad = [
        ("PUT", f"/actions/{action_id}/status", {"status": "finished"}),
        ("POST", f"/actions/{action_id}/notes", {"text": "\x00"}),
        ("POST", f"/actions/{action_id}/notes", {"text": "ok", "noted_on": "99999-01-01"}),
        ("POST", f"/actions/{action_id}/evidence", {"label": "x", "url": "javascript:alert(1)"}),
    ]
    for method, path, body in bad:
        response = api.client.request(method, path, json=body, headers=operator)
        assert response.status_code in {400, 422}, (path, response.text)
    text_photo = api.client.post(
        f"/actions/{action_id}/evidence/photo",
        data={"label": "x"},
        files={"photo": ("a.jpg", b"not an image", "image/jpeg")},
        headers=operator,
    )
    assert text_photo.status_code == 422, text_photo.text
    nul_label = api.client.post(
        f"/actions/{action_id}/evidence/photo",
        data={"label": "a\x00"},
        files={"photo": ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")},
        headers=operator,
    )
    assert nul_label.status_code in {400, 422}, nul_label.text
    assert api.client.get("/actions", params={"target_id": "-1"}).status_code == 422
    assert api.client.get(f"/actions/{2**31 - 1}/change").status_code == 404
    assert api.client.get("/actions/99999999999").status_code == 422
