"""Commitments over HTTP: proposed by the backbone, agreed by the operator, an event opened by
real readings, hidden from the public until the operator replies, then shown with the reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.commitments.detection import detect_excess_events
from core.kit.time import floor_hour
from core.models import Role, StakeholderGroup
from core.settings import default_zone
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.api.conftest import Api
from tests.factories import make_organisation, make_station, make_user


def commitment_body(facility_id: int, code: str, **changes: Any) -> dict[str, Any]:
    return {
        "facility_id": facility_id,
        "title_th": "PM10 รั้วโรงงานไม่เกิน 120",
        "title_en": "Fence-line PM10 at most 120",
        "kind": "threshold",
        "station_codes": [code],
        "parameter": "pm10",
        "averaging": "hourly",
        "limit_value": 120,
        "effective_from": "2026-01-01",
    } | changes


def test_the_public_sees_an_event_only_with_the_operators_reply(api: Api) -> None:
    s = api.session
    factory_a = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    factory_b = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    backbone_org = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    fence = make_station(s, organisation_id=factory_a.id)
    operator_a = api.headers(make_user(s, role=Role.OPERATOR, organisation=factory_a))
    operator_b = api.headers(make_user(s, role=Role.OPERATOR, organisation=factory_b))
    backbone = api.headers(make_user(s, role=Role.BACKBONE, organisation=backbone_org))

    proposed = api.client.post(
        "/commitments", json=commitment_body(factory_a.id, fence.code), headers=backbone
    )
    assert proposed.status_code == 201, proposed.text
    commitment_id = proposed.json()["id"]
    assert api.client.get(f"/commitments/{commitment_id}").status_code == 404
    agreed = api.client.post(f"/commitments/{commitment_id}/agree", headers=operator_a)
    assert agreed.json()["status"] == "agreed"

    now = datetime.now(UTC)
    publish_hours(s, fence.code, "pm10", 180, floor_hour(now) - timedelta(hours=3), 3)
    detect_excess_events(s, now=now, zone=default_zone())
    s.commit()

    shown = api.client.get(f"/commitments/{commitment_id}").json()
    assert shown["events"] == []
    assert shown["downtime"][0]["station_code"] == fence.code
    own = api.client.get("/excess-events", headers=operator_a).json()
    assert [(e["reply_state"], e["hours_over"]) for e in own] == [("awaiting_reply", 3)]
    event_id = own[0]["id"]

    reply = {
        "cause": "Blasting ran late",
        "corrective_action": "Water cannon",
        "reply_text": "ขออภัย",
    }
    refused = api.client.post(f"/excess-events/{event_id}/reply", json=reply, headers=operator_b)
    assert refused.status_code == 404
    replied = api.client.post(f"/excess-events/{event_id}/reply", json=reply, headers=operator_a)
    assert replied.status_code == 200, replied.text

    (event,) = api.client.get(f"/commitments/{commitment_id}").json()["events"]
    assert (event["reply_state"], event["cause"], event["reply_text"]) == (
        "replied",
        "Blasting ran late",
        "ขออภัย",
    )
    assert event["peak_value"] == 180


def test_bad_commitments_are_refused_with_a_message(api: Api) -> None:
    s = api.session
    factory_a = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    other = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    backbone_org = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    fence = make_station(s, organisation_id=factory_a.id)
    elsewhere = make_station(s, organisation_id=other.id)
    backbone = api.headers(make_user(s, role=Role.BACKBONE, organisation=backbone_org))
    for body in (
        commitment_body(factory_a.id, fence.code, kind="time_window"),
        commitment_body(factory_a.id, elsewhere.code),
        commitment_body(factory_a.id, fence.code, title_en="a\x00b"),
        commitment_body(factory_a.id, fence.code, limit_value="NaN"),
        commitment_body(factory_a.id, fence.code, window_start="15:00", window_end="16:00"),
    ):
        response = api.client.post("/commitments", json=body, headers=backbone)
        assert 400 <= response.status_code < 500, (body, response.text)
        assert response.json()["detail"]
