"""Complaints from villagers through the API: anyone submits, the readings near them are
attached as evidence, routing names who can act, the backbone triages with notes, the
reporter follows through the private link and reopens, and the public never sees contact
details."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from core.models import (
    AuditEvent,
    Complaint,
    Role,
    StakeholderGroup,
    StationKind,
    UserAccount,
)
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import Settings, StorageSettings, default_zone
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_station, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
CONTACT = {
    "contact_name": "Khun Private Person",
    "contact_phone": "081-555-0199",
    "contact_email": "private.person@example.org",
}


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(storage=StorageSettings(dir=tmp_path / "files", max_photo_bytes=4096))
    yield from make_api(engine, settings)


@pytest.fixture
def place(api: Api) -> dict[str, int]:
    """Na Phra Lan with a volunteer station, a factory's private station 1.5 km away, the
    DIW office, the SAO and the backbone."""
    s = api.session
    community = make_organisation(s, name_en="Na Phra Lan community")
    factory = make_organisation(s, name_en="Quarry A", stakeholder_group=StakeholderGroup.OPERATOR)
    diw = make_organisation(
        s, name_en="DIW Saraburi", stakeholder_group=StakeholderGroup.MINISTRY_OF_INDUSTRY
    )
    sao = make_organisation(
        s, name_en="Na Phra Lan SAO", stakeholder_group=StakeholderGroup.SUBDISTRICT_ADMINISTRATION
    )
    backbone = make_organisation(s, name_en="Backbone", stakeholder_group=StakeholderGroup.BACKBONE)
    make_station(s, code="v-1", organisation_id=community.id, latitude=14.68, longitude=100.87)
    make_station(
        s,
        code="f-1",
        organisation_id=factory.id,
        kind=StationKind.FACTORY,
        public=False,
        latitude=14.69,
        longitude=100.87,
    )
    make_station(
        s, code="far", organisation_id=community.id, latitude=14.9, longitude=100.9, area="Far"
    )
    s.commit()
    return {"diw": diw.id, "sao": sao.id, "backbone": backbone.id}


def staff(api: Api, role: Role, organisation_id: int) -> dict[str, str]:
    user = make_user(api.session, role=role, organisation=_org(api, organisation_id))
    api.session.commit()
    return api.headers(user)


def _org(api: Api, organisation_id: int):  # type: ignore[no-untyped-def]
    from core.models import Organisation

    return api.session.get(Organisation, organisation_id)


def ingest_day(api: Api, code: str, value: float, now: datetime) -> None:
    """24 hours of PM10 readings before now's hour, through the ingest path."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    readings = [
        {"parameter": "pm10", "value": value, "time": (hour - timedelta(hours=h)).isoformat()}
        for h in range(0, 25)
    ]
    ingest_messages(
        api.session,
        messages=[
            IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(readings).encode(), now)
        ],
        topic_prefix="dustwatch/v1",
        zone=default_zone(),
    )
    api.session.commit()


def submit(api: Api, **form: str) -> dict[str, str]:
    answer = api.client.post("/complaints", data=form)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_dust_near_a_factory_gets_its_readings_and_goes_to_the_factory_act_officers(
    api: Api, place: dict[str, int]
) -> None:
    now = datetime.now(UTC)
    ingest_day(api, "v-1", 200, now)
    ingest_day(api, "f-1", 40, now)
    ingest_day(api, "far", 300, now)
    receipt = submit(
        api,
        kind="dust",
        latitude="14.681",
        longitude="100.871",
        note="white dust on everything since morning",
        time=now.isoformat(),
        **CONTACT,
    )
    assert receipt["organisation"] == "DIW Saraburi"
    assert receipt["status"] == "open"

    public = api.client.get(f"/complaints/{receipt['id']}").json()
    assert public["village"] == "Na Phra Lan"
    assert public["organisation"] == "DIW Saraburi"
    # The public sees the public station's evidence only: the factory's station is private.
    assert [(e["station"], e["parameter"]) for e in public["evidence"]] == [("v-1", "pm10")]
    [evidence] = public["evidence"]
    assert evidence["hourly_mean"] == 200
    assert evidence["mean_24h"] == 200
    assert evidence["over_standard"] is True
    assert evidence["standard_id"].startswith("th-pm10-24h")

    private = api.client.get(receipt["private_url"]).json()
    # The reporter is the public for the factory's private station; the staff see both.
    assert [e["station"] for e in private["evidence"]] == ["v-1"]
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    full = api.client.get(f"/complaints/{receipt['id']}/private", headers=backbone).json()
    stations = {(e["station"], e["over_standard"]) for e in full["evidence"]}
    assert stations == {("v-1", True), ("f-1", False)}
    assert private["contact_phone"] == "081-555-0199"
    assert private["note"] == "white dust on everything since morning"


def test_burning_goes_to_the_subdistrict_administration_and_noise_waits_for_triage(
    api: Api, place: dict[str, int]
) -> None:
    burning = submit(api, kind="burning", village="Na Phra Lan")
    assert burning["organisation"] == "Na Phra Lan SAO"
    noise = submit(api, kind="noise", village="Na Phra Lan")
    assert noise["organisation"] is None
    named = submit(api, kind="smell", village="Far", facility="the lime kiln")
    assert named["organisation"] == "DIW Saraburi"


def test_the_backbone_triages_the_reporter_follows_and_reopens_with_an_audit_trail(
    api: Api, place: dict[str, int]
) -> None:
    receipt = submit(api, kind="truck", village="Na Phra Lan", note="uncovered trucks", **CONTACT)
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    url = f"/complaints/{receipt['id']}/updates"
    confirmed = api.client.post(
        url,
        json={"status": "confirmed", "note": "seen on camera", "public": True},
        headers=backbone,
    )
    assert confirmed.status_code == 201, confirmed.text
    handed = api.client.post(
        url,
        json={"organisation_id": place["diw"], "note": "the quarry's trucks", "public": False},
        headers=backbone,
    )
    assert handed.json()["organisation"] == "DIW Saraburi"
    # The DIW officer, now assigned, closes it; the SAO, no longer assigned, may not.
    sao_official = staff(api, Role.OFFICIAL, place["sao"])
    refused = api.client.post(url, json={"status": "fixed", "note": "x"}, headers=sao_official)
    assert refused.status_code == 403
    diw_official = staff(api, Role.OFFICIAL, place["diw"])
    fixed = api.client.post(
        url,
        json={"status": "fixed", "note": "covers ordered", "public": True},
        headers=diw_official,
    )
    assert fixed.status_code == 201, fixed.text
    anyone = api.client.post(url, json={"status": "open", "note": "x"})
    assert anyone.status_code == 401

    mine = api.client.get(receipt["private_url"]).json()
    assert [u["status"] for u in mine["updates"]] == ["open", "confirmed", "confirmed", "fixed"]
    assert [u["note"] for u in mine["updates"]][1:] == [
        "seen on camera",
        "the quarry's trucks",
        "covers ordered",
    ]
    assert mine["closed"] is True
    public = api.client.get(f"/complaints/{receipt['id']}").json()
    assert [u["note"] for u in public["updates"]][1:] == ["seen on camera", None, "covers ordered"]
    assert public["note"] is None

    token = receipt["private_url"].split("token=")[1]
    wrong = api.client.post(
        f"/complaints/{receipt['id']}/reply?token=wrong", json={"note": "not fixed"}
    )
    assert wrong.status_code == 404
    reopened = api.client.post(
        f"/complaints/{receipt['id']}/reply?token={token}", json={"note": "trucks still uncovered"}
    )
    assert reopened.status_code == 201, reopened.text
    assert reopened.json()["status"] == "confirmed"
    assert reopened.json()["closed"] is False

    complaint = api.session.scalars(select(Complaint)).one()
    events = api.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "complaint", AuditEvent.entity_id == complaint.public_id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update", "update", "update", "update"]
    assert (events[3].before or {}).get("status") == "confirmed"
    assert (events[3].after or {}).get("status") == "fixed"
    assert not any("081-555-0199" in json.dumps(e.after) for e in events)
    assert token not in complaint.token_hash


def test_contact_details_note_and_photo_never_reach_the_public(
    api: Api, place: dict[str, int]
) -> None:
    answer = api.client.post(
        "/complaints",
        data={"kind": "health", "village": "Na Phra Lan", "note": "my child coughs", **CONTACT},
        files={"photo": ("IMG_1.png", PNG, "image/png")},
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    for path in (
        "/complaints",
        f"/complaints/{receipt['id']}",
        f"/complaints/{receipt['id']}/private",
    ):
        text = api.client.get(path).text
        for secret in (*CONTACT.values(), "my child coughs", "IMG_1", receipt["token"]):
            assert secret not in text, (path, secret)
    assert api.client.get(f"/complaints/{receipt['id']}/private").status_code == 404
    volunteer = make_user(api.session, role=Role.VOLUNTEER)
    api.session.commit()
    seen = api.client.get(f"/complaints/{receipt['id']}/private", headers=api.headers(volunteer))
    assert seen.status_code == 404
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    full = api.client.get(f"/complaints/{receipt['id']}/private", headers=backbone).json()
    assert full["contact_email"] == CONTACT["contact_email"]
    assert full["has_photo"] is True
    made_public = api.client.post(
        f"/complaints/{receipt['id']}/updates",
        json={"note": "read: no names in it", "note_public": True},
        headers=backbone,
    )
    assert made_public.status_code == 201
    assert api.client.get(f"/complaints/{receipt['id']}").json()["note"] == "my child coughs"


def test_a_signed_in_reporter_is_remembered(api: Api, place: dict[str, int]) -> None:
    user: UserAccount = make_user(api.session, role=Role.VOLUNTEER)
    api.session.commit()
    answer = api.client.post(
        "/complaints", data={"kind": "dust", "village": "Na Phra Lan"}, headers=api.headers(user)
    )
    assert answer.status_code == 201
    assert api.session.scalars(select(Complaint.reporter_id)).one() == user.id


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "dust", "village": "Na Phra Lan", "note": "dust\x00"}, None),
        ({"kind": "dust", "village": "Na Phra Lan", "note": "x" * 2001}, "note"),
        ({"kind": "dust", "latitude": "91", "longitude": "100"}, "latitude"),
        ({"kind": "dust", "latitude": "nan", "longitude": "100"}, "latitude"),
        ({"kind": "dust", "latitude": "14.6"}, None),
        ({"kind": "dust"}, None),
        ({"kind": "fire", "village": "Na Phra Lan"}, "kind"),
        ({"kind": "dust", "village": "Atlantis"}, None),
        ({"kind": "dust", "village": "Na Phra Lan", "time": "2999-01-01T00:00:00+07:00"}, None),
        ({"kind": "dust", "village": "Na Phra Lan", "time": "yesterday"}, "observed_at"),
        ({"kind": "dust", "village": "Na Phra Lan", "contact_email": "not an email"}, None),
        ({"kind": "dust", "village": "Na Phra Lan", "contact_phone": "<script>"}, None),
    ],
)
def test_hostile_input_is_refused_with_a_reason(
    api: Api, place: dict[str, int], form: dict[str, str], field: str | None
) -> None:
    answer = api.client.post("/complaints", data=form)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.status_code != 404
    if field is not None:
        assert field in answer.text
    assert api.session.scalars(select(Complaint)).all() == []


def test_hostile_updates_are_refused(api: Api, place: dict[str, int]) -> None:
    receipt = submit(api, kind="dust", village="Na Phra Lan")
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    url = f"/complaints/{receipt['id']}/updates"
    for body in (
        {"status": "closed", "note": "x"},
        {"status": "fixed", "note": ""},
        {"status": "fixed", "note": "x" * 2001},
        {"organisation_id": 999999, "note": "x"},
        {"status": "fixed", "note": "x", "extra": 1},
    ):
        answer = api.client.post(url, json=body, headers=backbone)
        assert answer.status_code in {400, 403, 409, 422}, (body, answer.text)
    assert (
        api.client.post(
            "/complaints/nope/updates", json={"note": "x"}, headers=backbone
        ).status_code
        == 404
    )


def test_open311_clients_read_services_and_anonymised_requests(
    api: Api, place: dict[str, int]
) -> None:
    services = api.client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in services} >= {"dust", "burning", "truck"}
    dust = submit(api, kind="dust", village="Na Phra Lan", **CONTACT)
    burning = submit(api, kind="burning", village="Na Phra Lan")
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    closed = api.client.post(
        f"/complaints/{burning['id']}/updates",
        json={"status": "not_responsible", "note": "outside the area"},
        headers=backbone,
    )
    assert closed.status_code == 201

    everything = api.client.get("/open311/v2/requests.json")
    assert everything.status_code == 200
    assert {
        (r["service_request_id"], r["status"], r["status_notes"]) for r in everything.json()
    } == {
        (dust["id"], "open", "open"),
        (burning["id"], "closed", "not_responsible"),
    }
    for secret in CONTACT.values():
        assert secret not in everything.text
    closed_only = api.client.get("/open311/v2/requests.json", params={"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed_only] == [burning["id"]]
    [one] = api.client.get(f"/open311/v2/requests/{dust['id']}.json").json()
    assert one["agency_responsible"] == "DIW Saraburi"
    assert one["address"] == "Na Phra Lan"
    assert (one["lat"], one["long"]) == (None, None)
    assert api.client.get("/open311/v2/requests/nope.json").status_code == 404
    bad = api.client.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert bad.status_code == 422


def test_a_villager_complains_on_the_page_and_follows_the_backbone_s_update(
    api: Api, place: dict[str, int]
) -> None:
    form = api.client.get("/complain", headers={"Accept-Language": "th"})
    assert form.status_code == 200
    assert "แจ้งเรื่องที่คุณประสบ" in form.text
    refused = api.client.post("/complain", data={"kind": "dust", "note": "no place"})
    assert refused.status_code == 422
    assert "no place" in refused.text  # the form keeps what was typed
    sent = api.client.post(
        "/complain",
        data={"kind": "burning", "village": "Na Phra Lan", "note": "burning rice straw", **CONTACT},
    )
    assert sent.status_code == 201, sent.text
    link = sent.text.split('id="private-link" href="')[1].split('"')[0].replace("&amp;", "&")
    public_id = link.split("/complain/")[1].split("?")[0]
    mine = api.client.get(link)
    assert "Na Phra Lan SAO" in mine.text
    backbone = staff(api, Role.BACKBONE, place["backbone"])
    api.client.post(
        f"/complaints/{public_id}/updates",
        json={"status": "fixed", "note": "the SAO put it out"},
        headers=backbone,
    )
    assert "the SAO put it out" in api.client.get(link).text
    token = link.split("token=")[1]
    replied = api.client.post(
        f"/complain/{public_id}/reply", data={"token": token, "note": "burning again"}
    )
    assert replied.status_code == 200
    assert "burning again" in replied.text
    assert api.client.get(f"/complaints/{public_id}").json()["status"] == "confirmed"
    stranger = api.client.get(f"/complain/{public_id}?token=wrong")
    assert stranger.status_code == 404
    assert "burning rice straw" not in stranger.text


def test_the_wind_of_that_hour_is_kept_with_the_evidence(api: Api, place: dict[str, int]) -> None:
    now = datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    then = (hour + timedelta(minutes=30)).isoformat()
    calm = submit(api, kind="dust", latitude="14.681", longitude="100.871", time=then)
    assert api.client.get(f"/complaints/{calm['id']}").json()["wind_sector"] is None

    readings = [
        {
            "parameter": "wind_direction",
            "value": 350,
            "time": (hour + timedelta(minutes=5)).isoformat(),
        },
        {
            "parameter": "wind_direction",
            "value": 10,
            "time": (hour + timedelta(minutes=15)).isoformat(),
        },
        {"parameter": "wind_speed", "value": 2, "time": (hour + timedelta(minutes=5)).isoformat()},
        {"parameter": "wind_speed", "value": 4, "time": (hour + timedelta(minutes=15)).isoformat()},
    ]
    ingest_messages(
        api.session,
        messages=[IncomingMessage("dustwatch/v1/readings/v-1", json.dumps(readings).encode(), now)],
        topic_prefix="dustwatch/v1",
        zone=default_zone(),
    )
    api.session.commit()
    windy = submit(api, kind="dust", latitude="14.681", longitude="100.871", time=then)
    public = api.client.get(f"/complaints/{windy['id']}").json()
    # 350° and 10° average to north (a vector mean), never to 180°.
    assert public["wind_sector"] == "N"
    # Weighted by speed (2 m/s from 350°, 4 m/s from 10°): a little east of north.
    assert public["wind_from_degrees"] == pytest.approx(3.3, abs=0.1)
    assert public["wind_speed"] == 3
    # 4 km south, further than the 2 km of "near", but downwind of the same source in that
    # north wind: the same incident.
    south = submit(api, kind="dust", latitude="14.645", longitude="100.871", time=then)
    incident = api.client.get(f"/complaints/{windy['id']}").json()["incident"]
    assert incident is not None
    assert api.client.get(f"/complaints/{south['id']}").json()["incident"] == incident
    # As far to the east, across the wind: an incident of its own.
    east = submit(api, kind="dust", latitude="14.681", longitude="100.908", time=then)
    assert api.client.get(f"/complaints/{east['id']}").json()["incident"] != incident
    # A complaint far from any wind station has none.
    far = submit(api, kind="dust", village="Far", time=then)
    assert api.client.get(f"/complaints/{far['id']}").json()["wind_sector"] is None
