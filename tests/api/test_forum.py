"""The forum over HTTP: the backbone creates a working group and a meeting, marks it held,
records decisions; everyone reads them with the responsible organisation and the due date,
filters them by organisation, target and overdue; no contact detail is ever shown; hostile
input gets a 4xx with a message."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import Role, StakeholderGroup
from tests.api.conftest import Api
from tests.core.forum.test_forum import make_target
from tests.factories import make_organisation, make_user

MEETING = {
    "title_th": "ประชุมเวทีร่วมครั้งที่ 1",
    "title_en": "Joint forum, first meeting",
    "starts_at": "2026-11-28T09:00:00+07:00",
    "place": "Na Phra Lan school",
    "agenda": [{"text_th": "ถนนขนส่ง", "text_en": "Haul roads"}],
    "documents": [{"label": "Invitation", "url": "https://example.org/invitation.pdf"}],
}


def decision(organisation_id: int, due: str, targets: list[int]) -> dict[str, Any]:
    return {
        "text_th": "รดน้ำถนนทุกชั่วโมง 06:00–10:00",
        "text_en": "Water the haul road every hour 06:00-10:00",
        "responsible_organisation_id": organisation_id,
        "due_on": due,
        "target_ids": targets,
    }


def test_the_backbone_records_decisions_the_public_reads_them(api: Api) -> None:
    s = api.session
    quarry = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    quarry.contacts[0].phone = "081-555-0199"
    district = make_organisation(s, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
    backbone_org = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    backbone = api.headers(make_user(s, role=Role.BACKBONE, organisation=backbone_org))
    official = api.headers(make_user(s, role=Role.OFFICIAL, organisation=district))
    target = make_target(s)
    s.commit()

    group = api.client.post(
        "/working-groups",
        json={
            "title_th": "ถนนขนส่ง",
            "title_en": "Haul roads",
            "area": "Na Phra Lan",
            "members": [{"organisation_id": quarry.id, "joined_on": "2026-11-01"}],
            "target_ids": [target.id],
        },
        headers=backbone,
    )
    assert group.status_code == 201, group.text
    group_id = group.json()["id"]
    second = {"title_th": "เตาเผา", "title_en": "Kilns", "target_ids": [target.id]}
    assert api.client.post("/working-groups", json=second, headers=backbone).status_code == 409

    created = api.client.post("/meetings", json=MEETING, headers=backbone)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    assert created.json()["status"] == "planned"
    refused = api.client.post(
        f"/meetings/{meeting_id}/decisions",
        json=decision(quarry.id, "2026-12-15", []),
        headers=backbone,
    )
    assert refused.status_code == 422
    assert (
        api.client.put(f"/meetings/{meeting_id}", json=MEETING, headers=official).status_code == 403
    )

    held = MEETING | {"status": "held", "participant_ids": [quarry.id, district.id]}
    held |= {"minutes": "The quarry agreed to water the haul road."}
    assert api.client.put(f"/meetings/{meeting_id}", json=held, headers=backbone).status_code == 200
    late = api.client.post(
        f"/meetings/{meeting_id}/decisions",
        json=decision(quarry.id, "2026-01-15", [target.id]),
        headers=backbone,
    )
    assert late.status_code == 201, late.text
    api.client.post(
        f"/meetings/{meeting_id}/decisions",
        json=decision(district.id, "2099-01-15", []),
        headers=backbone,
    )

    shown = api.client.get(f"/meetings/{meeting_id}")
    assert shown.status_code == 200
    body = shown.json()
    assert body["minutes"] == "The quarry agreed to water the haul road."
    assert [a["text_en"] for a in body["agenda"]] == ["Haul roads"]
    assert [d["responsible"]["name_en"] for d in body["decisions"]] == [
        quarry.name_en,
        district.name_en,
    ]
    assert "081-555-0199" not in shown.text
    overdue = api.client.get("/decisions?overdue=true").json()
    assert [(d["id"], d["due_on"], d["overdue"]) for d in overdue] == [
        (late.json()["id"], "2026-01-15", True)
    ]
    by_org = api.client.get(f"/decisions?organisation_id={district.id}").json()
    assert [d["due_on"] for d in by_org] == ["2099-01-15"]
    by_target = api.client.get(f"/decisions?target_id={target.id}").json()
    assert [d["id"] for d in by_target] == [late.json()["id"]]
    assert len(api.client.get(f"/meetings/{meeting_id}/decisions").json()) == 2

    superseded = api.client.post(
        f"/decisions/{late.json()['id']}/supersede",
        json={"reason": "Replaced by the second meeting's decision"},
        headers=backbone,
    )
    assert superseded.json()["status"] == "superseded"
    assert api.client.get("/decisions?overdue=true").json() == []

    detail = api.client.get(f"/working-groups/{group_id}").json()
    assert [m["name_en"] for m in detail["members"]] == [quarry.name_en]
    assert [t["id"] for t in detail["targets"]] == [target.id]
    listed = api.client.get("/meetings?status=held&joint_forum=true").json()
    assert [m["id"] for m in listed] == [meeting_id]
    assert api.client.get(f"/meetings?working_group_id={group_id}").json() == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/meetings", MEETING | {"title_en": "a\x00b"}),
        ("/meetings", MEETING | {"place": "x" * 100_000}),
        ("/meetings", MEETING | {"starts_at": "9999-12-31T23:59:59-14:00"}),
        ("/meetings", MEETING | {"starts_at": "2026-11-28T09:00:00"}),
        ("/meetings", MEETING | {"documents": [{"label": "x", "url": "javascript:alert(1)"}]}),
        ("/meetings", MEETING | {"working_group_id": 2**40}),
        (
            "/working-groups",
            {
                "title_th": "x",
                "title_en": "y",
                "members": [{"organisation_id": 1, "joined_on": "+999999-01-01"}],
            },
        ),
        ("/working-groups", {"title_th": "x", "title_en": "y", "target_ids": [1, 1]}),
    ],
)
def test_hostile_input_is_refused_with_a_message(api: Api, path: str, body: dict[str, Any]) -> None:
    admin = api.headers(make_user(api.session, role=Role.ADMIN))
    api.session.commit()
    response = api.client.post(path, json=body, headers=admin)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]
    assert len(response.text) < 5000


def test_hostile_decisions_and_queries(api: Api) -> None:
    s = api.session
    org = make_organisation(s)
    admin = api.headers(make_user(s, role=Role.ADMIN, organisation=org))
    s.commit()
    meeting = api.client.post("/meetings", json=MEETING | {"status": "held"}, headers=admin)
    meeting_id = meeting.json()["id"]
    for body in (
        decision(org.id, "2026-13-45", []),
        decision(org.id, "10000-01-01", []),
        decision(org.id, "2026-12-01", []) | {"text_en": "\x00"},
        decision(org.id, "2026-12-01", []) | {"text_th": "ก" * 9000},
        decision(2**31 - 1, "2026-12-01", []),
        decision(org.id, "2026-12-01", [2**31 - 1]),
    ):
        response = api.client.post(f"/meetings/{meeting_id}/decisions", json=body, headers=admin)
        assert response.status_code in {400, 422}, response.text
    for query in ("organisation_id=99999999999", "target_id=-1", "overdue=maybe"):
        assert api.client.get(f"/decisions?{query}").status_code == 422
    assert api.client.get("/meetings/99999999999").status_code == 422
    assert api.client.get("/meetings/2147483647").status_code == 404


@pytest.mark.parametrize(
    "form",
    [
        {"title_th": "ก\x00", "title_en": "x", "starts_at": "2026-11-28T09:00", "place": "p"},
        {"title_th": "ก", "title_en": "x", "starts_at": "99999-11-28T09:00", "place": "p"},
        {"title_th": "ก", "title_en": "x", "starts_at": "2026-11-28T09:00", "place": "p" * 50_000},
        {"title_th": "ก", "title_en": "x", "starts_at": "2026-11-28T09:00", "place": "p"}
        | {"participant_ids": "99999999999", "working_group_id": "abc"},
        {"title_th": "ก", "title_en": "x", "starts_at": "2026-11-28T09:00", "place": "p"}
        | {"documents": "no bar here", "agenda_th": "one\ntwo", "agenda_en": "one"},
    ],
)
def test_the_meeting_form_refuses_hostile_input_next_to_the_field(
    api: Api, form: dict[str, str]
) -> None:
    admin = api.headers(make_user(api.session, role=Role.ADMIN))
    api.session.commit()
    response = api.client.post("/manage/forum/meetings", data=form, headers=admin)
    assert response.status_code in {400, 422}, response.text[:500]
    if response.status_code == 422:
        assert 'aria-invalid="true"' in response.text or 'class="error"' in response.text
    assert api.client.get("/meetings").json() == []


def test_the_decision_form_refuses_a_planned_meeting_and_bad_dates(api: Api) -> None:
    s = api.session
    org = make_organisation(s)
    admin = api.headers(make_user(s, role=Role.ADMIN, organisation=org))
    s.commit()
    planned = api.client.post("/meetings", json=MEETING, headers=admin).json()["id"]
    held = api.client.post("/meetings", json=MEETING | {"status": "held"}, headers=admin)
    form = {"text_th": "ก", "text_en": "x", "responsible_organisation_id": str(org.id)}
    refused = api.client.post(
        f"/manage/forum/meetings/{planned}/decisions",
        data=form | {"due_on": "2026-12-01"},
        headers=admin,
    )
    assert refused.status_code == 422
    assert "บันทึกมติได้เมื่อระบุว่าการประชุมจัดแล้ว" in refused.text
    for due in ("2026-02-30", "+10000-01-01", "1900-01-01"):
        response = api.client.post(
            f"/manage/forum/meetings/{held.json()['id']}/decisions",
            data=form | {"due_on": due},
            headers=admin,
        )
        assert response.status_code == 422, due
    assert api.client.get("/decisions").json() == []


def test_editing_a_group_on_its_form_keeps_each_members_joining_day(api: Api) -> None:
    s = api.session
    quarry = make_organisation(s)
    school = make_organisation(s)
    kiln = make_organisation(s)
    admin = api.headers(make_user(s, role=Role.ADMIN, organisation=quarry))
    s.commit()
    body = {
        "title_th": "ถนนขนส่ง",
        "title_en": "Haul roads",
        "members": [
            {"organisation_id": quarry.id, "joined_on": "2026-01-05"},
            {"organisation_id": kiln.id, "joined_on": "2026-02-01"},
        ],
    }
    group_id = api.client.post("/working-groups", json=body, headers=admin).json()["id"]
    form = api.client.get(f"/manage/forum/working-groups/{group_id}", headers=admin)
    assert 'value="Haul roads"' in form.text
    edited = api.client.post(
        f"/manage/forum/working-groups/{group_id}",
        data={
            "title_th": "ถนนขนส่ง",
            "title_en": "Haul roads",
            "member_ids": [quarry.id, school.id],
        },
        headers=admin,
    )
    assert edited.status_code == 200, edited.text[:300]
    members = api.client.get(f"/working-groups/{group_id}").json()["members"]
    joined = {m["id"]: m["joined_on"] for m in members}
    assert set(joined) == {quarry.id, school.id}
    assert joined[quarry.id] == "2026-01-05"
    assert joined[school.id] != "2026-01-05"


def test_an_invited_organisation_adds_to_a_planned_meetings_agenda(api: Api) -> None:
    s = api.session
    village = make_organisation(s, name_en="Ban Nong Pling community")
    elsewhere = make_organisation(s)
    volunteer = api.headers(make_user(s, role=Role.VOLUNTEER, organisation=village))
    stranger = api.headers(make_user(s, role=Role.OPERATOR, organisation=elsewhere))
    admin = api.headers(make_user(s, role=Role.ADMIN, organisation=elsewhere))
    s.commit()
    planned = MEETING | {"participant_ids": [village.id]}
    meeting_id = api.client.post("/meetings", json=planned, headers=admin).json()["id"]
    item = {"text_th": "เสียงระเบิดหินตอนเย็น", "text_en": "Blasting noise in the evening"}

    assert api.client.post(f"/meetings/{meeting_id}/agenda", json=item).status_code == 401
    refused = api.client.post(f"/meetings/{meeting_id}/agenda", json=item, headers=stranger)
    assert refused.status_code == 403
    added = api.client.post(f"/meetings/{meeting_id}/agenda", json=item, headers=volunteer)
    assert added.status_code == 201, added.text
    assert [
        (a["position"], a["text_en"], (a["proposed_by"] or {}).get("name_en"))
        for a in added.json()["agenda"]
    ] == [
        (1, "Haul roads", None),
        (2, "Blasting noise in the evening", "Ban Nong Pling community"),
    ]
    page = api.client.get(f"/meetings/{meeting_id}/page?lang=en")
    assert "proposed by Ban Nong Pling community" in page.text

    # The backbone's later edit of the meeting keeps who proposed the item.
    kept = planned | {"agenda": [MEETING["agenda"][0], item], "status": "held"}
    api.client.put(f"/meetings/{meeting_id}", json=kept, headers=admin)
    agenda = api.client.get(f"/meetings/{meeting_id}").json()["agenda"]
    assert agenda[1]["proposed_by"]["name_en"] == "Ban Nong Pling community"
    late = api.client.post(f"/meetings/{meeting_id}/agenda", json=item, headers=volunteer)
    assert late.status_code in {403, 422}
