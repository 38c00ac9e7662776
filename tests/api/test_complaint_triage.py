"""Complaints after submission: grouped into incidents, triaged by the staff on
/manage/complaints, closed as fixed with the measured change since, followed up four weeks
later, shown anonymised on the public map, and submitted by Open311 clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from api.uploads import storage_of
from core.access.principal import ANONYMOUS, system_principal
from core.complaints.followup import FOLLOW_UP_AFTER, ask_follow_ups, due_follow_ups
from core.complaints.schemas import ComplaintCreate, ComplaintUpdateCreate
from core.complaints.service import add_update, private_complaint, submit_complaint
from core.models import Complaint, ComplaintIncident, Organisation, Role, StakeholderGroup
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import ApiSettings, Settings, StorageSettings, default_zone
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_station, make_user

KM_NORTH = 1 / 111.2
LAT, LON = 14.68, 100.87
PHONE = "081-555-0142"
NOTE = "Khun Somchai's house is covered in dust"


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        storage=StorageSettings(dir=tmp_path / "files"),
        api=ApiSettings(anonymous_submissions_per_hour=3),
    )
    yield from make_api(engine, settings)


@pytest.fixture
def place(api: Api) -> dict[str, int]:
    s = api.session
    community = make_organisation(s, name_en="Na Phra Lan community")
    sao = make_organisation(
        s, name_en="Na Phra Lan SAO", stakeholder_group=StakeholderGroup.SUBDISTRICT_ADMINISTRATION
    )
    diw = make_organisation(
        s, name_en="DIW Saraburi", stakeholder_group=StakeholderGroup.MINISTRY_OF_INDUSTRY
    )
    backbone = make_organisation(s, name_en="Backbone", stakeholder_group=StakeholderGroup.BACKBONE)
    make_station(s, code="v-1", organisation_id=community.id, latitude=LAT, longitude=LON)
    s.commit()
    return {"sao": sao.id, "diw": diw.id, "backbone": backbone.id}


def headers(api: Api, role: Role, organisation_id: int) -> dict[str, str]:
    user = make_user(
        api.session, role=role, organisation=api.session.get(Organisation, organisation_id)
    )
    api.session.commit()
    return api.headers(user)


def complain(api: Api, **form: str) -> dict[str, str]:
    answer = api.client.post("/complaints", data=form)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def incident_of(api: Api, public_id: str) -> int | None:
    api.session.expire_all()
    return api.session.scalars(
        select(Complaint.incident_id).where(Complaint.public_id == public_id)
    ).one()


def test_complaints_of_one_event_become_one_incident_and_reporters_can_join_it(
    api: Api, place: dict[str, int]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    first = complain(api, kind="dust", latitude=str(LAT), longitude=str(LON), time=now.isoformat())
    second = complain(
        api,
        kind="truck",
        latitude=str(LAT + 1.5 * KM_NORTH),
        longitude=str(LON),
        time=(now - timedelta(hours=2)).isoformat(),
    )
    far = complain(api, kind="dust", latitude=str(LAT + 10 * KM_NORTH), longitude=str(LON))
    assert incident_of(api, first["id"]) == incident_of(api, second["id"])
    assert incident_of(api, far["id"]) != incident_of(api, first["id"])

    nearby = api.client.get(
        "/complaint-incidents/nearby",
        params={"latitude": LAT + 0.5 * KM_NORTH, "longitude": LON, "time": now.isoformat()},
    )
    assert nearby.status_code == 200, nearby.text
    [shown] = nearby.json()
    assert shown["complaint_count"] == 2
    assert shown["kinds"] == ["dust", "truck"]
    assert shown["started_at"].startswith((now - timedelta(hours=2)).isoformat()[:16])
    # The centre is rounded: no reporter's point.
    assert shown["latitude"] == round(LAT + 0.75 * KM_NORTH, 3)

    # A reporter in the village only, choosing the incident, joins it.
    elsewhere = api.client.post(
        "/complaints",
        data={
            "kind": "smell",
            "village": "Na Phra Lan",
            "incident": shown["id"],
            "time": (now - timedelta(hours=12)).isoformat(),
        },
    )
    assert elsewhere.status_code == 422, elsewhere.text
    assert "not near" in elsewhere.text
    joined = complain(api, kind="smell", village="Na Phra Lan", incident=shown["id"])
    assert incident_of(api, joined["id"]) == incident_of(api, first["id"])
    incident = api.session.scalars(
        select(ComplaintIncident).where(ComplaintIncident.public_id == shown["id"])
    ).one()
    assert incident.complaint_count == 3

    # The staff see it as one incident and fix it once, for all three; the incident is then
    # fixed and no longer offered.
    backbone = headers(api, Role.BACKBONE, place["backbone"])
    triage = api.client.get("/manage/complaints?lang=en", headers=backbone)
    assert triage.text.count("3 complaints") == 3
    fixed = api.client.post(
        f"/manage/complaints/{second['id']}",
        data={"status": "fixed", "note": "the road is watered now", "whole_incident": "on"},
        headers=backbone,
    )
    assert fixed.status_code == 200, fixed.text
    for receipt in (first, second, joined):
        shown = api.client.get(f"/complaints/{receipt['id']}").json()
        assert shown["status"] == "fixed", receipt
        assert shown["updates"][-1]["status"] == "fixed"
    assert api.client.get(f"/complaints/{far['id']}").json()["status"] == "open"
    api.session.expire_all()
    assert api.session.get(ComplaintIncident, incident.id).status.value == "fixed"  # type: ignore[union-attr]
    again = api.client.get(
        "/complaint-incidents/nearby", params={"latitude": LAT, "longitude": LON}
    )
    assert again.json() == []
    refused = api.client.post(
        "/complaints", data={"kind": "dust", "village": "Na Phra Lan", "incident": shown["id"]}
    )
    assert refused.status_code == 422, refused.text
    assert "closed" in refused.text


def test_nearby_needs_a_place_and_refuses_nonsense(api: Api, place: dict[str, int]) -> None:
    for params in (
        {},
        {"latitude": "14.6"},
        {"latitude": "nan", "longitude": "100"},
        {"village": "x", "time": "9999-12-31T23:59:59+14:00"},
        {"village": "x" * 500},
    ):
        answer = api.client.get("/complaint-incidents/nearby", params=params)
        assert 400 <= answer.status_code < 500, (params, answer.text)


def test_staff_triage_on_the_page_filters_changes_status_and_hands_over(
    api: Api, place: dict[str, int]
) -> None:
    burning = complain(api, kind="burning", village="Na Phra Lan", note=NOTE, contact_phone=PHONE)
    noise = complain(api, kind="noise", village="Na Phra Lan")
    backbone = headers(api, Role.BACKBONE, place["backbone"])
    page = api.client.get("/manage/complaints", headers=backbone)
    assert page.status_code == 200
    assert f'id="complaint-{burning["id"]}"' in page.text
    assert f'id="complaint-{noise["id"]}"' in page.text
    assert PHONE in page.text  # the staff may call the reporter back
    only_burning = api.client.get(
        "/manage/complaints?kind=burning&status=open&lang=en", headers=backbone
    )
    assert f'id="complaint-{noise["id"]}"' not in only_burning.text
    assert f'id="complaint-{burning["id"]}"' in only_burning.text
    unassigned = api.client.get("/manage/complaints?organisation=none", headers=backbone)
    assert f'id="complaint-{noise["id"]}"' in unassigned.text
    assert f'id="complaint-{burning["id"]}"' not in unassigned.text

    # The SAO's official sees only the SAO's complaint, and may not hand it over.
    sao = headers(api, Role.OFFICIAL, place["sao"])
    theirs = api.client.get("/manage/complaints?lang=en", headers=sao)
    assert f'id="complaint-{burning["id"]}"' in theirs.text
    assert f'id="complaint-{noise["id"]}"' not in theirs.text
    assert "Hand over to" not in theirs.text
    handed_by_sao = api.client.post(
        f"/manage/complaints/{burning['id']}",
        data={"status": "confirmed", "organisation_id": str(place["diw"]), "note": "not ours"},
        headers=sao,
    )
    assert handed_by_sao.status_code == 403

    # An empty note is refused next to the field.
    empty = api.client.post(
        f"/manage/complaints/{burning['id']}?lang=en",
        data={"status": "confirmed", "note": ""},
        headers=backbone,
    )
    assert empty.status_code == 422
    assert f'id="note-{burning["id"]}-error">Required.' in empty.text

    # The backbone confirms and hands it to the DIW, with the hand-off recorded.
    handed = api.client.post(
        f"/manage/complaints/{burning['id']}",
        data={
            "status": "investigating",
            "organisation_id": str(place["diw"]),
            "note": "the kiln's fire",
            "public": "on",
        },
        headers=backbone,
        follow_redirects=False,
    )
    assert handed.status_code == 303, handed.text
    assert handed.headers["location"].endswith(f"#complaint-{burning['id']}")
    private = api.client.get(f"/complaints/{burning['id']}/private", headers=backbone).json()
    assert private["status"] == "investigating"
    assert private["organisation"] == "DIW Saraburi"
    assert private["updates"][-1]["note"] == "the kiln's fire"
    public = api.client.get(f"/complaints/{burning['id']}").json()
    assert public["updates"][-1]["note"] == "the kiln's fire"
    # Handed over, the SAO no longer sees it; the DIW does.
    assert (
        f'id="complaint-{burning["id"]}"'
        not in api.client.get("/manage/complaints", headers=sao).text
    )
    diw = headers(api, Role.OFFICIAL, place["diw"])
    assert (
        f'id="complaint-{burning["id"]}"' in api.client.get("/manage/complaints", headers=diw).text
    )
    assert api.client.get("/manage/complaints").status_code == 401


def ingest_hours(api: Api, code: str, value: float, start: datetime, hours: int) -> None:
    readings = [
        {"parameter": "pm10", "value": value, "time": (start + timedelta(hours=h)).isoformat()}
        for h in range(hours)
    ]
    ingest_messages(
        api.session,
        messages=[
            IncomingMessage(
                f"dustwatch/v1/readings/{code}",
                json.dumps(readings).encode(),
                start + timedelta(hours=hours),
            )
        ],
        topic_prefix="dustwatch/v1",
        zone=default_zone(),
    )
    api.session.commit()


def test_fixed_shows_the_measured_change_and_the_follow_up_is_due_four_weeks_on(
    api: Api, place: dict[str, int]
) -> None:
    settings: Settings = api.client.app.state.settings  # type: ignore[attr-defined]
    # Made 30 days ago, fixed a day later: the follow-up is due now, four weeks on.
    at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=30)
    ingest_hours(api, "v-1", 200, at - timedelta(days=7), 7 * 24)
    receipt = submit_complaint(
        api.session,
        actor=ANONYMOUS,
        data=ComplaintCreate(kind="dust", latitude=LAT, longitude=LON, observed_at=at),
        photo=None,
        storage=storage_of(settings),
        now=at,
        zone=default_zone(),
    )
    fixed_at = at + timedelta(days=1)
    add_update(
        api.session,
        actor=system_principal("test"),
        public_id=receipt.id,
        data=ComplaintUpdateCreate(status="fixed", note="trucks covered"),
        now=fixed_at,
    )
    ingest_hours(api, "v-1", 50, fixed_at, 24)
    view = private_complaint(
        api.session,
        receipt.id,
        token=receipt.token,
        viewer=ANONYMOUS,
        now=fixed_at + timedelta(days=1),
    )
    [change] = view.change
    assert (change.parameter, change.before, change.since) == ("pm10", 200, 50)
    assert change.change_percent == -75
    assert (change.hours_before, change.hours_since) == (168, 24)
    assert view.follow_up_due is False
    api.session.commit()

    just_before = fixed_at + FOLLOW_UP_AFTER - timedelta(microseconds=1)
    assert due_follow_ups(api.session, just_before) == []
    exactly = fixed_at + FOLLOW_UP_AFTER
    assert [c.public_id for c in due_follow_ups(api.session, exactly)] == [receipt.id]
    assert ask_follow_ups(api.session, now=exactly) == 1
    assert ask_follow_ups(api.session, now=exactly + timedelta(days=1)) == 0
    later = private_complaint(
        api.session, receipt.id, token=receipt.token, viewer=ANONYMOUS, now=exactly
    )
    assert later.follow_up_due is True
    api.session.commit()

    # The reporter's page shows the change and asks; "still fixed" is recorded, the case
    # stays closed; "not fixed" reopens it and the question goes.
    page = api.client.get(f"/complain/{receipt.id}?token={receipt.token}&lang=en")
    assert "Measured change since it was fixed" in page.text
    assert "(-75%)" in page.text
    assert "Four weeks on: is it still fixed?" in page.text
    still = api.client.post(
        f"/complain/{receipt.id}/still-fixed?lang=en", data={"token": receipt.token}
    )
    assert still.status_code == 200
    assert "the reporter says it is still fixed" in still.text
    public_map = api.client.get("/complaints-map?lang=en").text
    assert "pm10: 200.0 → 50.0" in public_map
    reopened = api.client.post(
        f"/complain/{receipt.id}/reply?lang=en",
        data={"token": receipt.token, "note": "dusty again"},
    )
    assert "Four weeks on" not in reopened.text
    assert "Measured change since it was fixed" not in reopened.text


def test_the_public_map_shows_cause_status_and_a_rounded_place_only(
    api: Api, place: dict[str, int]
) -> None:
    exact_lat, exact_lon = 14.681234, 100.871234
    complain(
        api,
        kind="dust",
        latitude=str(exact_lat),
        longitude=str(exact_lon),
        note=NOTE,
        contact_phone=PHONE,
    )
    complain(api, kind="noise", village="Na Phra Lan")
    for lang, words in (("th", ("ฝุ่น", "เสียง")), ("en", ("Dust", "Noise"))):
        page = api.client.get(f"/complaints-map?lang={lang}")
        assert page.status_code == 200
        for word in words:
            assert word in page.text, (lang, word)
        for secret in (NOTE, PHONE, str(exact_lat), str(exact_lon), "14.68123"):
            assert secret not in page.text, secret
        assert "14.681" in page.text


def test_open311_clients_submit_a_service_request(api: Api, place: dict[str, int]) -> None:
    answer = api.client.post(
        "/open311/v2/requests.json",
        data={
            "service_code": "burning",
            "lat": str(LAT),
            "long": str(LON),
            "description": "field burning since dawn",
            "email": "someone@example.org",
            "first_name": "Somchai",
            "api_key": "ignored",
        },
    )
    assert answer.status_code == 201, answer.text
    [created] = answer.json()
    assert created["service_notice"] == "Assigned to Na Phra Lan SAO"
    shown = api.client.get(f"/open311/v2/requests/{created['service_request_id']}.json").json()
    assert shown[0]["service_code"] == "burning"
    assert shown[0]["status"] == "open"
    assert "someone@example.org" not in json.dumps(shown)
    private = api.client.get(created["private_url"]).json()
    assert private["contact_email"] == "someone@example.org"
    assert private["contact_name"] == "Somchai"


@pytest.mark.parametrize(
    "form",
    [
        {"service_code": "pothole", "address_string": "Na Phra Lan"},
        {"service_code": "dust"},
        {"service_code": "dust", "lat": "nan", "long": "100"},
        {"service_code": "dust", "lat": "14.6"},
        {"service_code": "dust", "address_string": "Nowhere"},
        {"service_code": "dust", "address_string": "Na Phra Lan", "description": "x" * 5000},
        {"service_code": "dust", "address_string": "Na Phra Lan", "description": "a\x00b"},
        {"service_code": "dust", "address_string": "Na Phra Lan", "email": "not an address"},
        {
            "service_code": "dust",
            "address_string": "Na Phra Lan",
            "requested_datetime": "99999-01-01T00:00:00+07:00",
        },
    ],
)
def test_open311_hostile_input_is_refused_with_a_reason(
    api: Api, place: dict[str, int], form: dict[str, str]
) -> None:
    answer = api.client.post("/open311/v2/requests.json", data=form)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.status_code != 429
    assert api.session.scalars(select(Complaint)).all() == []


def test_anonymous_open311_submission_is_rate_limited_per_address(
    api: Api, place: dict[str, int]
) -> None:
    form = {"service_code": "dust", "address_string": "Na Phra Lan"}
    for _ in range(3):
        assert api.client.post("/open311/v2/requests.json", data=form).status_code == 201
    refused = api.client.post("/open311/v2/requests.json", data=form)
    assert refused.status_code == 429
    assert "too many" in refused.text
    backbone = headers(api, Role.BACKBONE, place["backbone"])
    signed = api.client.post("/open311/v2/requests.json", data=form, headers=backbone)
    assert signed.status_code == 201


def test_complaints_during_one_measured_peak_are_one_incident_a_dip_splits_them(
    api: Api, place: dict[str, int]
) -> None:
    owner = api.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    assert owner is not None
    far_lat = LAT + 20 * KM_NORTH
    make_station(api.session, code="v-2", organisation_id=owner.id, latitude=far_lat, longitude=LON)
    api.session.commit()
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    start = hour - timedelta(hours=32)
    ingest_hours(api, "v-1", 200, start, 33)
    ingest_hours(api, "v-2", 200, start, 28)
    ingest_hours(api, "v-2", 10, start + timedelta(hours=28), 1)
    ingest_hours(api, "v-2", 200, start + timedelta(hours=29), 4)

    def at(lat: float, moment: datetime) -> str:
        receipt = complain(
            api, kind="dust", latitude=str(lat), longitude=str(LON), time=moment.isoformat()
        )
        return receipt["id"]

    early = at(LAT, hour - timedelta(hours=8))
    late = at(LAT + 0.5 * KM_NORTH, hour)
    assert incident_of(api, early) == incident_of(api, late)
    before_dip = at(far_lat, hour - timedelta(hours=8))
    after_dip = at(far_lat + 0.5 * KM_NORTH, hour)
    assert incident_of(api, before_dip) != incident_of(api, after_dip)


@pytest.mark.parametrize(
    "form",
    [
        {"status": "bogus", "note": "x"},
        {"status": "fixed", "note": "x" * 5000},
        {"status": "fixed", "note": "a\x00b"},
        {"organisation_id": "99999999999999999999", "note": "x"},
        {"organisation_id": "123456", "note": "x"},
        {"organisation_id": "-1", "note": "x"},
    ],
)
def test_triage_hostile_input_is_refused_on_the_page(
    api: Api, place: dict[str, int], form: dict[str, str]
) -> None:
    receipt = complain(api, kind="noise", village="Na Phra Lan")
    backbone = headers(api, Role.BACKBONE, place["backbone"])
    answer = api.client.post(f"/manage/complaints/{receipt['id']}", data=form, headers=backbone)
    assert 400 <= answer.status_code < 500, answer.text
    shown = api.client.get(f"/complaints/{receipt['id']}").json()
    assert (shown["status"], shown["organisation"]) == ("open", None)
