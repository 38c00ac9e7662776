"""The targets API: the backbone proposes, an official agrees, the public then reads the target
with its progress; bad input is refused with a message that says why."""

from __future__ import annotations

from datetime import date

from core.models import Role, StakeholderGroup
from tests.api.conftest import Api
from tests.core.indicators.test_indicators import flat, publish
from tests.factories import bearer_for, make_organisation, make_station, make_user

AREA = "Na Phra Lan"
TARGET = {
    "title_th": "วันฝุ่นเกินมาตรฐานลดลง",
    "title_en": "Fewer dusty days",
    "indicator": "exceedance_days",
    "parameter": "pm10",
    "area": AREA,
    "baseline_start": "2026-01-01",
    "baseline_end": "2026-01-03",
    "target_value": 0,
    "deadline": "2027-01-01",
    "milestones": [{"due": "2026-06-30", "value": 1}],
}


def test_proposed_agreed_and_read_by_the_public(api: Api) -> None:
    s = api.session
    station = make_station(s, area=AREA)
    for day in (1, 2):
        publish(s, station.code, "pm10", date(2026, 1, day), flat("200"))
    publish(s, station.code, "pm10", date(2026, 1, 3), flat("40"))
    backbone = make_user(
        s,
        role=Role.BACKBONE,
        organisation=make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE),
    )
    official = make_user(
        s,
        role=Role.OFFICIAL,
        organisation=make_organisation(s, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT),
    )
    s.commit()
    staff, officer = bearer_for(s, backbone), bearer_for(s, official)

    created = api.client.post("/targets", json=TARGET, headers=staff)
    assert created.status_code == 201, created.text
    target = created.json()
    assert (target["baseline_value"], target["status"]) == (2.0, "proposed")
    assert api.client.get("/targets").json() == []
    assert api.client.get(f"/targets/{target['id']}").status_code == 404

    agreed = api.client.post(f"/targets/{target['id']}/agree", headers=officer)
    assert agreed.json()["status"] == "agreed"
    assert api.client.post(f"/targets/{target['id']}/agree", headers=officer).status_code == 409
    detail = api.client.get(f"/targets/{target['id']}").json()
    assert detail["signatories"][0]["organisation_id"] == official.organisation_id
    assert detail["progress"]["window_days"] == 3
    assert detail["progress"]["counted"] is None
    assert [t["title_th"] for t in api.client.get("/targets").json()] == [TARGET["title_th"]]

    revised = api.client.put(
        f"/targets/{target['id']}", json={"reason": "", "target_value": 1}, headers=staff
    )
    assert revised.status_code == 422
    revised = api.client.put(
        f"/targets/{target['id']}",
        json={"reason": "the forum's decision of 2026-11-20", "deadline": "2026-12-01"},
        headers=staff,
    )
    assert revised.json()["status"] == "revised"
    detail = api.client.get(f"/targets/{target['id']}").json()
    assert detail["revisions"][0]["reason"] == "the forum's decision of 2026-11-20"


def test_bad_targets_are_refused_with_a_reason(api: Api) -> None:
    s = api.session
    make_station(s, area=AREA)
    staff = bearer_for(s, make_user(s, role=Role.BACKBONE))
    s.commit()
    cases = {
        "give an area or a station_code": TARGET | {"station_code": "x"},
        "deadline must come after": TARGET | {"deadline": "2025-12-31"},
        "between 0 and 1": TARGET | {"indicator": "valid_share", "target_value": 2},
        "milestones fall after the baseline": TARGET
        | {"milestones": [{"due": "2028-01-01", "value": 1}]},
        "no valid day": TARGET,
        "finite number": TARGET | {"target_value": "Infinity"},
    }
    for message, body in cases.items():
        response = api.client.post("/targets", json=body, headers=staff)
        assert response.status_code == 422, (message, response.text)
        assert message.lower() in response.text.lower(), (message, response.text)
    certification = {"area": "Nowhere", "period_start": "2026-01-01", "period_end": "2026-01-31"}
    response = api.client.post("/certifications", json=certification, headers=staff)
    assert (response.status_code, "no area" in response.text) == (422, True)
    response = api.client.post(
        "/certifications", json=certification | {"area": AREA}, headers=staff
    )
    assert response.status_code == 201, response.text
    assert (
        api.client.post(
            "/certifications", json=certification | {"area": AREA}, headers=staff
        ).status_code
        == 409
    )
