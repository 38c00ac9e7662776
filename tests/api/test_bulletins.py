"""A drafted bulletin through the API: officials and the backbone see the draft, the backbone
rewords, approves and publishes it (each step audited), then the public sees it, its chart
and its Atom entries, and its subscribers' messages wait in the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import feedparser
import pytest
from sqlalchemy import Engine, select

from alerts.bulletins.jobs import draft_and_render
from core.access.principal import system_principal
from core.models import (
    AuditEvent,
    BulletinKind,
    Channel,
    Language,
    OutboxMessage,
    Receives,
    Role,
    StakeholderGroup,
)
from core.outbox.schemas import SubscriptionIn
from core.outbox.subscriptions import create_subscription
from core.settings import Settings
from tests.alerts.test_bulletins import AREA, DAY, ZONE, arrange_day, png_size
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_user


@dataclass
class World:
    api: Api
    bulletin_id: int
    headers: dict[str, dict[str, str]]


def subscribe(api: Api, name: str, receives: Receives, language: Language) -> None:
    create_subscription(
        api.session,
        SubscriptionIn(
            name=name,
            role=Role.OFFICIAL,
            channel=Channel.EMAIL,
            address=f"{name}@example.org",
            language=language,
            receives=receives,
        ),
        actor=system_principal("test"),
        now=datetime.now(ZONE),
    )


def build(api: Api) -> World:
    s = api.session
    arrange_day(s)
    subscribe(api, "bulletins-th", Receives.BULLETINS, Language.TH)
    subscribe(api, "both-en", Receives.BOTH, Language.EN)
    subscribe(api, "alerts-only", Receives.ALERTS, Language.TH)
    [bulletin] = [
        b
        for b in draft_and_render(
            s,
            fire_time=datetime.combine(DAY + timedelta(days=1), time(7), tzinfo=ZONE),
            zone=ZONE,
            kind=BulletinKind.DAILY,
            settings=Settings(),
        )
        if b.area == AREA
    ]
    backbone = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    district = make_organisation(s, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
    people = {
        "backbone": make_user(s, role=Role.BACKBONE, organisation=backbone),
        "official": make_user(s, role=Role.OFFICIAL, organisation=district),
        "volunteer": make_user(s, role=Role.VOLUNTEER),
    }
    s.commit()
    headers = {name: api.headers(user) for name, user in people.items()} | {"anonymous": {}}
    return World(api, bulletin.id, headers)


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    for api in make_api(engine):
        yield build(api)


def test_draft_approve_publish_is_audited_and_reaches_the_public(world: World) -> None:
    client, h, bid = world.api.client, world.headers, world.bulletin_id
    assert client.get("/bulletins").json() == []
    assert client.get(f"/bulletins/{bid}").status_code == 404
    assert client.get(f"/bulletins/{bid}/chart.png").status_code == 404
    assert client.get("/bulletins?status=draft", headers=h["volunteer"]).status_code == 403
    [draft] = client.get("/bulletins?status=draft", headers=h["official"]).json()
    assert draft["id"] == bid
    assert client.get(f"/bulletins/{bid}", headers=h["official"]).json()["status"] == "draft"
    assert client.post(f"/bulletins/{bid}/approve", headers=h["official"]).status_code == 403

    shown = client.get(f"/bulletins/{bid}", headers=h["backbone"]).json()
    edited = shown["body_th"] + "\nหมายเหตุ: รถบรรทุกน้ำออกฉีดถนนสาย 3 แล้ว"
    fields = {k: shown[k] for k in ("title_th", "title_en", "body_en")} | {"body_th": edited}
    response = client.put(f"/bulletins/{bid}", json=fields, headers=h["backbone"])
    assert response.status_code == 200, response.text
    assert response.json()["edited_by"].endswith("(backbone)")
    assert client.post(f"/bulletins/{bid}/publish", headers=h["backbone"]).status_code == 409
    approved = client.post(f"/bulletins/{bid}/approve", headers=h["backbone"])
    assert approved.json()["status"] == "approved"
    assert client.put(f"/bulletins/{bid}", json=fields, headers=h["backbone"]).status_code == 409
    published = client.post(f"/bulletins/{bid}/publish", headers=h["backbone"]).json()
    assert published["status"] == "published"

    [listed] = client.get("/bulletins", params={"area": AREA, "kind": "daily"}).json()
    assert (listed["id"], listed["period_start"]) == (bid, DAY.isoformat())
    assert client.get("/bulletins", params={"from": "2026-11-21"}).json() == []
    public = client.get(f"/bulletins/{bid}").json()
    assert public["body_th"] == edited
    pm25 = next(p for p in public["figures"]["parameters"] if p["parameter"] == "pm25")
    assert (pm25["exceedance_days"], pm25["worst_value"]) == (1, 50.0)
    chart = client.get(public["chart_url_th"])
    assert chart.headers["content-type"] == "image/png"
    assert png_size(chart.content)[0] == 800

    s = world.api.session
    steps = s.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "bulletin", AuditEvent.entity_id == str(bid))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in steps] == ["draft", "edit", "approve", "publish"]
    assert steps[1].before is not None
    assert steps[1].after is not None
    assert steps[1].after["body_th"] == edited
    assert steps[1].before["body_th"] != edited

    messages = s.scalars(
        select(OutboxMessage).where(OutboxMessage.bulletin_id == bid).order_by(OutboxMessage.id)
    ).all()
    assert [(m.address, m.language.value) for m in messages] == [
        ("bulletins-th@example.org", "th"),
        ("both-en@example.org", "en"),
    ]
    assert messages[0].subject.startswith("รายงานคุณภาพอากาศประจำวัน")
    assert f"/air-bulletins/{bid}?lang=th" in messages[0].body
    assert messages[1].payload["event"] == "bulletin.published"
    assert messages[1].payload["url"].endswith(f"/air-bulletins/{bid}?lang=en")

    withdrawn = client.post(f"/bulletins/{bid}/withdraw", headers=h["backbone"])
    assert withdrawn.json()["withdrawn_by"].endswith("(backbone)")
    assert client.get("/bulletins").json() == []
    assert client.get(f"/bulletins/{bid}").status_code == 404


def test_the_atom_feed_lists_published_bulletins(world: World) -> None:
    client, h, bid = world.api.client, world.headers, world.bulletin_id
    empty = feedparser.parse(client.get("/bulletins.atom").content)
    assert empty.entries == []
    client.post(f"/bulletins/{bid}/approve", headers=h["backbone"])
    client.post(f"/bulletins/{bid}/publish", headers=h["backbone"])

    response = client.get("/bulletins.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [(e.title, e.link) for e in feed.entries] == [
        (
            "รายงานคุณภาพอากาศประจำวัน Ban Test 20 พ.ย. 2569",
            f"http://127.0.0.1:8000/air-bulletins/{bid}?lang=th",
        ),
        (
            "Daily air quality bulletin, Ban Test, 20 Nov 2026",
            f"http://127.0.0.1:8000/air-bulletins/{bid}?lang=en",
        ),
    ]
    english = feed.entries[1]
    assert "Over the standard on 1 of 1 day with enough data." in english.content[0].value
    [enclosure] = english.enclosures
    assert enclosure.href.endswith(f"/bulletins/{bid}/chart.png?lang=en")
    assert enclosure.type == "image/png"
    only_thai = feedparser.parse(client.get("/bulletins.atom?lang=th").content)
    assert [e.title for e in only_thai.entries] == [feed.entries[0].title]


def test_bad_input_is_refused_with_a_message(world: World) -> None:
    client, h, bid = world.api.client, world.headers, world.bulletin_id
    fields = {"title_th": "x\u0000", "title_en": "t", "body_th": "b", "body_en": "b"}
    refused = client.put(f"/bulletins/{bid}", json=fields, headers=h["backbone"])
    assert refused.status_code == 400
    assert "NUL" in refused.text
    too_long = fields | {"title_th": "ก" * 401}
    assert client.put(f"/bulletins/{bid}", json=too_long, headers=h["backbone"]).status_code == 422
    assert client.get("/bulletins?kind=monthly").status_code == 422
    assert client.get(f"/bulletins/{bid}/chart.png?lang=fr").status_code == 422
    assert client.get("/bulletins/999999").status_code == 404
    assert client.post("/bulletins/999999/approve", headers=h["backbone"]).status_code == 404
