"""GET /ingest/rejected: every refusal once, with how often it was seen, filtered by station,
reason, source and time, page by page; the backbone sees all, a station's own people theirs,
and attacker input (NUL, huge, invalid UTF-8) comes back cut and readable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.models import RejectedMessage, Role, StakeholderGroup
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.api.conftest import Api
from tests.factories import keep, make_organisation, make_station, make_user

P = "dustwatch/v1"
NOW = datetime.now(UTC).replace(microsecond=0)
PATH = "/ingest/rejected"


def send(api: Api, topic: str, payload: bytes, *, at: datetime = NOW, again: bool = False) -> None:
    ingest_messages(
        api.session,
        messages=[IncomingMessage(topic, payload, at, redelivered=again)],
        topic_prefix=P,
        zone=default_zone(),
    )
    api.session.commit()


@pytest.fixture
def people(api: Api) -> dict[str, dict[str, str]]:
    s = api.session
    community = make_organisation(s)
    factory = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    backbone = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    kept = make_station(s, code="npl-a", organisation_id=community.id)
    make_station(s, code="npl-b", organisation_id=community.id)
    make_station(s, code="f-a", organisation_id=factory.id, public=False)
    volunteer = make_user(s, role=Role.VOLUNTEER, organisation=community)
    keep(s, volunteer, kept)
    users = {
        "volunteer": volunteer,
        "operator": make_user(s, role=Role.OPERATOR, organisation=factory),
        "official": make_user(s, role=Role.OFFICIAL, organisation=community),
        "backbone": make_user(s, role=Role.BACKBONE, organisation=backbone),
    }
    s.commit()
    return {name: api.headers(user) for name, user in users.items()}


def listed(api: Api, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = api.client.get(PATH, params=query, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_same_refusal_is_one_row_counted_and_a_redelivery_is_not_counted(
    api: Api, people: dict[str, dict[str, str]]
) -> None:
    send(api, f"{P}/readings/npl-a", b"not json")
    send(api, f"{P}/readings/npl-a", b"not json", at=NOW + timedelta(minutes=5))
    send(api, f"{P}/readings/npl-a", b"not json", at=NOW + timedelta(minutes=9), again=True)
    body = listed(api, people["backbone"])
    assert body["total"] == 1
    [item] = body["items"]
    assert item["times_seen"] == 2
    assert item["last_seen_at"] == (NOW + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert item["station"] == "npl-a"
    assert item["reason"].startswith("payload is not JSON")


def test_a_redelivered_message_never_seen_before_is_recorded(api: Api) -> None:
    send(api, f"{P}/readings/nowhere", b"[]", again=True)
    rows = api.session.scalars(select(RejectedMessage)).all()
    assert [(r.station_code, r.times_seen) for r in rows] == [("nowhere", 1)]


def test_filters_by_station_reason_source_and_time_page_by_page(
    api: Api, people: dict[str, dict[str, str]]
) -> None:
    old = NOW - timedelta(days=3)
    send(api, f"{P}/readings/npl-a", b"not json", at=old)
    send(api, f"{P}/readings/npl-b", b'{"parameter": "pm10"}')
    send(api, f"{P}/reading/npl-a", b"typo in the topic")
    send(api, f"{P}/readings/a/b", b"one level too many")
    refused = api.client.post("/ingest/readings", content=b"{}")  # no key: recorded as http
    assert refused.status_code == 401
    backbone = people["backbone"]

    assert listed(api, backbone)["total"] == 5
    assert [i["station"] for i in listed(api, backbone, station="NPL-B")["items"]] == ["npl-b"]
    by_reason = listed(api, backbone, reason="TOPIC MUST BE")["items"]
    assert sorted(i["origin"] for i in by_reason) == [f"{P}/reading/npl-a", f"{P}/readings/a/b"]
    assert listed(api, backbone, reason="100%")["total"] == 0  # % is a character, not a pattern
    [http] = listed(api, backbone, source="http")["items"]
    assert http["origin"] == "POST /ingest/readings"
    since = (NOW - timedelta(days=1)).isoformat()
    assert listed(api, backbone, since=since)["total"] == 4
    [older] = listed(api, backbone, until=since)["items"]
    assert older["payload"] == "not json"

    first = listed(api, backbone, limit=2)
    second = listed(api, backbone, limit=2, offset=2)
    third = listed(api, backbone, limit=2, offset=4)
    assert first["total"] == second["total"] == third["total"] == 5
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(set(ids)) == 5
    assert [i["last_seen_at"] for i in third["items"]][-1] == old.isoformat().replace("+00:00", "Z")

    for query in ({"source": "carrier-pigeon"}, {"limit": 0}, {"since": "yesterday"}):
        assert api.client.get(PATH, params=query, headers=backbone).status_code == 422


def test_a_stations_own_people_see_its_refusals_only_and_the_public_none(
    api: Api, people: dict[str, dict[str, str]]
) -> None:
    send(api, f"{P}/readings/npl-a", b"kept station's")
    send(api, f"{P}/readings/npl-b", b"other station's")
    send(api, f"{P}/readings/f-a", b"factory's")
    send(api, f"{P}/elsewhere", b"no station")

    def payloads(who: str) -> list[str]:
        return sorted(i["payload"] for i in listed(api, people[who])["items"])

    assert payloads("volunteer") == ["kept station's"]
    assert payloads("operator") == ["factory's"]
    assert len(payloads("backbone")) == 4
    assert api.client.get(PATH, headers=people["official"]).status_code == 403
    assert api.client.get(PATH).status_code == 401


def test_attacker_input_is_recorded_and_shown_cut_and_readable(
    api: Api, people: dict[str, dict[str, str]]
) -> None:
    huge = b"[" + b'{"parameter": "pm10"},' * 20_000 + b"{}]"
    send(api, f"{P}/readings/npl-a", b"\x00\x01nul and bell\x07")
    send(api, f"{P}/readings/npl-a", b"\xff\xfe not utf-8 \xc3\x28")
    send(api, f"{P}/readings/npl-a", huge)
    send(api, f"{P}/readings/\udcff\x00", b"bad topic")
    refused = api.client.post(
        "/ingest/readings", content=b"\x00" + b"x" * 2_000_000, headers={"X-API-Key": "dw_x"}
    )
    assert refused.status_code == 413

    items = listed(api, people["backbone"])["items"]
    payloads = [i["payload"] for i in items]
    assert "\ufffd\\x01nul and bell\\x07" in payloads  # NUL replaced, controls escaped
    assert "\ufffd\ufffd not utf-8 \ufffd(" in payloads
    big = next(i for i in items if i["payload_chars"] > 2000)
    assert len(big["payload"]) == 2000
    assert "larger than" in big["reason"]
    bad_topic = next(i for i in items if i["payload"] == "bad topic")
    assert bad_topic["origin"] == f"{P}/readings/\ufffd\ufffd"
    json.dumps(items)  # every field is plain text
