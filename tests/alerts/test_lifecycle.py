"""An alert is acknowledged with a note, answered with responses, and closed by hand with a
reason (or by itself when the air clears), by the people it concerns, every step audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from core.alerts.service import evaluate_24h_exceedances
from core.models import Alert, AuditEvent, Role, StakeholderGroup, StationKind
from core.settings import AlertSettings, AuthSettings, Settings, default_zone
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_station, make_user
from tests.web.test_pages import sign_in

OPENED = T0 + timedelta(hours=24, minutes=5)


@dataclass
class World:
    api: Api
    public_alert: str
    factory_alert: str
    headers: dict[str, dict[str, str]]


def build(api: Api) -> World:
    s = api.session
    district = make_organisation(s, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
    factory_a = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    factory_b = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    backbone = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    village = make_station(s)
    plant = make_station(s, organisation_id=factory_a.id, kind=StationKind.FACTORY, public=False)
    for station in (village, plant):
        publish_hours(s, station.code, "pm10", 150, T0, 24)
    evaluate_24h_exceedances(s, now=OPENED, zone=default_zone())
    people = {
        "official": make_user(s, role=Role.OFFICIAL, organisation=district),
        "operator_a": make_user(s, role=Role.OPERATOR, organisation=factory_a),
        "operator_b": make_user(s, role=Role.OPERATOR, organisation=factory_b),
        "backbone": make_user(s, role=Role.BACKBONE, organisation=backbone),
        "volunteer": make_user(s, role=Role.VOLUNTEER),
    }
    s.commit()
    headers = {name: api.headers(user) for name, user in people.items()} | {"anonymous": {}}

    def alert_of(station_id: int) -> str:
        return s.scalars(select(Alert.public_id).where(Alert.station_id == station_id)).one()

    return World(api, alert_of(village.id), alert_of(plant.id), headers)


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    for api in make_api(engine):
        yield build(api)


@pytest.fixture
def strict_world(engine: Engine) -> Iterator[World]:
    settings = Settings(
        alerts=AlertSettings(require_response_to_resolve=True),
        auth=AuthSettings(secure_cookies=False),
    )
    for api in make_api(engine, settings):
        yield build(api)


def post(w: World, caller: str, path: str, body: dict[str, str]) -> tuple[int, Any]:
    response = w.api.client.post(path, json=body, headers=w.headers[caller])
    return response.status_code, response.json()


def test_acknowledge_respond_and_resolve_by_hand_with_the_history(world: World) -> None:
    alert = f"/alerts/{world.factory_alert}"
    status, body = post(world, "official", f"{alert}/acknowledge", {"note": "On my way"})
    assert status == 200
    assert (body["acknowledgement_note"], body["status"]) == ("On my way", "open")
    assert post(world, "operator_a", f"{alert}/acknowledge", {"note": "again"})[0] == 409

    assert post(world, "operator_a", f"{alert}/responses", {"action": "Crusher stopped"})[0] == 200
    status, body = post(world, "official", f"{alert}/responses", {"action": "Water truck"})
    assert [r["action"] for r in body["responses"]] == ["Crusher stopped", "Water truck"]

    status, body = post(world, "backbone", f"{alert}/resolve", {"reason": "Dust settled"})
    assert status == 200
    assert (body["status"], body["resolution"], body["resolution_reason"]) == (
        "resolved",
        "by_hand",
        "Dust settled",
    )
    assert [e["kind"] for e in body["history"]] == [
        "opened",
        "acknowledged",
        "response",
        "response",
        "resolved",
    ]
    assert post(world, "backbone", f"{alert}/resolve", {"reason": "twice"})[0] == 409
    shown = world.api.client.get(alert, headers=world.headers["operator_a"]).json()
    assert shown["history"] == body["history"]

    audited = world.api.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity == "alert", AuditEvent.entity_id == world.factory_alert)
        .order_by(AuditEvent.id)
    ).all()
    assert audited == ["alert.acknowledge", "alert.respond", "alert.respond", "alert.resolve"]


def test_the_public_sees_the_steps_not_who_wrote_what(world: World) -> None:
    village = f"/alerts/{world.public_alert}"
    post(world, "official", f"{village}/acknowledge", {"note": "Call Khun Somchai 081"})
    post(world, "official", f"{village}/responses", {"action": "Truck sent"})
    seen = world.api.client.get(village).json()
    assert [(e["kind"], e["by"], e["text"]) for e in seen["history"][1:]] == [
        ("acknowledged", None, None),
        ("response", None, None),
    ]
    assert (seen["acknowledged_by"], seen["acknowledgement_note"], seen["responses"]) == (
        None,
        None,
        [],
    )
    staff = world.api.client.get(village, headers=world.headers["official"]).json()
    assert staff["acknowledgement_note"] == "Call Khun Somchai 081"


def test_only_the_people_it_concerns_act_on_an_alert(world: World) -> None:
    factory = f"/alerts/{world.factory_alert}"
    village = f"/alerts/{world.public_alert}"
    # another facility's operator does not learn the alert exists; the public neither
    assert post(world, "operator_b", f"{factory}/acknowledge", {"note": "x"})[0] == 404
    assert world.api.client.get(factory).status_code == 404
    # a public station's alert is seen by everyone, acted on by officials and the backbone
    assert world.api.client.get(village).status_code == 200
    status, body = post(world, "operator_a", f"{village}/responses", {"action": "x"})
    assert status == 403
    assert "operator of this station's facility" in body["detail"]
    assert post(world, "anonymous", f"{village}/acknowledge", {"note": "x"})[0] == 401
    assert post(world, "volunteer", f"{village}/acknowledge", {"note": "x"})[0] == 403
    # the facility's operator answers for its station but does not close the alert
    assert post(world, "operator_a", f"{factory}/resolve", {"reason": "fine"})[0] == 403
    assert post(world, "official", f"{village}/resolve", {"reason": ""})[0] == 422
    nothing = world.api.session.scalars(select(AuditEvent).where(AuditEvent.entity == "alert"))
    assert nothing.all() == []


def test_the_backbone_can_require_a_response_before_closing(strict_world: World) -> None:
    alert = f"/alerts/{strict_world.public_alert}"
    status, body = post(strict_world, "official", f"{alert}/resolve", {"reason": "Rain"})
    assert status == 409
    assert "record a response first" in body["detail"]
    post(strict_world, "official", f"{alert}/responses", {"action": "Road 3 watered"})
    status, body = post(strict_world, "official", f"{alert}/resolve", {"reason": "Rain"})
    assert (status, body["status"]) == (200, "resolved")


def test_resolved_automatically_with_the_average_that_shows_it(world: World) -> None:
    s = world.api.session
    alert = s.scalars(select(Alert).where(Alert.public_id == world.public_alert)).one()
    station_code = world.api.client.get(f"/alerts/{world.public_alert}").json()["station_code"]
    publish_hours(s, station_code, "pm10", 60, T0 + timedelta(hours=24), 24)
    evaluate_24h_exceedances(s, now=T0 + timedelta(hours=36), zone=default_zone())
    s.commit()
    assert alert.resolution == "automatic"
    body = world.api.client.get(f"/alerts/{world.public_alert}").json()
    resolved = body["history"][-1]
    assert (resolved["kind"], resolved["by"], resolved["average"]) == ("resolved", None, 105.0)
    assert body["resolved_average"] == 105.0
    event = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == world.public_alert)).one()
    assert event.after == {
        "status": "resolved",
        "resolution": "automatic",
        "average": "105",
        "limit": "120",
    }


def test_the_inbox_refuses_to_close_without_a_response_and_says_why(strict_world: World) -> None:
    client = strict_world.api.client
    csrf = sign_in(strict_world.api, Role.OFFICIAL)
    alert = strict_world.public_alert
    assert f'id="alert-{alert}"' in client.get("/inbox").text

    refused = client.post(f"/inbox/{alert}/resolve", data={"reason": "Rain", "csrf_token": csrf})
    assert refused.status_code == 409
    assert "กรุณาบันทึกการดำเนินการก่อน" in refused.text

    answered = client.post(
        f"/inbox/{alert}/responses", data={"action": "Road watered", "csrf_token": csrf}
    )
    assert answered.status_code == 200  # the inbox again, after the redirect
    assert "Road watered" in answered.text
    closed = client.post(f"/inbox/{alert}/resolve", data={"reason": "Rain", "csrf_token": csrf})
    assert closed.status_code == 200
    assert f'id="alert-{alert}"' not in closed.text
