"""The inbox's filters (status, severity, area) from the GET query, refused with a message
when not understood; resolved alerts listed with their history after the open ones; each
alert's chart drawn around its own time, from the hourly series ending where it asks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from core.access.principal import Principal
from core.access.scope import StationScope
from core.alerts.lifecycle import acknowledge, add_response, resolve_by_hand
from core.alerts.schemas import severity_of
from core.alerts.service import evaluate_24h_exceedances, list_alerts
from core.models import Alert, Role
from core.settings import AuthSettings, Settings, default_zone
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.alerts.test_lifecycle import OPENED, World, build
from tests.api.conftest import make_api
from tests.factories import make_station
from tests.web.test_pages import sign_in

RESOLVED = OPENED + timedelta(hours=10)


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    """Signed in through the page over plain HTTP, as the test client speaks."""
    for api in make_api(engine, Settings(auth=AuthSettings(secure_cookies=False))):
        yield build(api)


def resolve_public_alert(w: World) -> None:
    """The village's alert, acknowledged, answered and closed ten hours after it opened."""
    s = w.api.session
    staff = Principal(user_id=None, organisation_id=None, role=Role.BACKBONE, label="Khun Lek")
    acknowledge(s, public_id=w.public_alert, principal=staff, note="Going", now=OPENED)
    add_response(
        s,
        public_id=w.public_alert,
        principal=staff,
        action="Road 3 watered",
        now=OPENED + timedelta(hours=2),
    )
    resolve_by_hand(
        s,
        public_id=w.public_alert,
        principal=staff,
        reason="Rain",
        now=RESOLVED,
        zone=default_zone(),
        require_response=False,
    )
    s.commit()


def articles(html: str) -> list[str]:
    return re.findall(r'<article class="([^"]+)" id="alert-([^"]+)"', html)


def test_open_alerts_by_default_resolved_ones_when_asked(world: World) -> None:
    resolve_public_alert(world)
    client = world.api.client
    sign_in(world.api, Role.OFFICIAL)
    shown = client.get("/inbox")
    assert shown.status_code == 200
    assert [pid for _, pid in articles(shown.text)] == [world.factory_alert]

    resolved = client.get("/inbox?status=resolved")
    assert [pid for _, pid in articles(resolved.text)] == [world.public_alert]
    assert "status-resolved" in articles(resolved.text)[0][0]
    assert "Road 3 watered" in resolved.text
    assert "Khun Lek" in resolved.text
    assert 'action="/inbox/' not in resolved.text, "nothing to do on a closed alert"

    both = client.get("/inbox?status=all")
    assert [pid for _, pid in articles(both.text)] == [world.factory_alert, world.public_alert]


def test_the_chart_is_drawn_around_the_alert(world: World) -> None:
    resolve_public_alert(world)
    sign_in(world.api, Role.OFFICIAL)
    html = world.api.client.get("/inbox?status=resolved").text
    canvas = re.search(r"<canvas data-chart[^>]*>", html)
    assert canvas is not None
    # From the start of the 24 hours of its first average to six hours after it closed.
    assert 'data-hours="40"' in canvas.group(0)
    end = T0 + timedelta(hours=40)
    assert f'data-end="{end.isoformat()}"' in canvas.group(0)
    code = re.search(r'"code": "([^"]+)"', html.replace("&#34;", '"'))
    assert code is not None
    series = world.api.client.get(
        f"/stations/{code.group(1)}/hourly",
        params={"parameter": "pm10", "hours": 40, "end": end.isoformat()},
    ).json()
    assert (series["start"], series["end"]) == ("2026-11-20T00:00:00Z", "2026-11-21T16:00:00Z")
    means = [h["mean"] for h in series["hours"]]
    assert means[:24] == [150.0] * 24, "the readings that opened it"


def test_the_hourly_series_ends_where_asked_and_never_after_now(world: World) -> None:
    client = world.api.client
    station = client.get(f"/alerts/{world.public_alert}").json()["station_code"]
    future = client.get(
        f"/stations/{station}/hourly",
        params={"hours": 2, "end": (datetime.now(UTC) + timedelta(days=3)).isoformat()},
    ).json()
    assert datetime.fromisoformat(future["end"]) <= datetime.now(UTC)
    for bad in ("1999-12-31T00:00:00+00:00", "2026-11-20T00:00:00", "yesterday", "1700000000"):
        answer = client.get(f"/stations/{station}/hourly", params={"hours": 2, "end": bad})
        assert answer.status_code == 422, bad


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=closed", "status", "เลือกการแจ้งเตือนที่เปิดอยู่ ปิดแล้ว หรือทั้งหมด"),
        ("severity=extreme", "severity", "เลือกระดับความรุนแรงจากรายการ"),
        ("area=Atlantis", "area", "เลือกพื้นที่จากรายการ"),
        ("area=" + "x" * 300, "area", "เลือกพื้นที่จากรายการ"),
    ],
)
def test_filters_not_understood_are_refused_with_a_message(
    world: World, query: str, field: str, message: str
) -> None:
    sign_in(world.api, Role.OFFICIAL)
    refused = world.api.client.get(f"/inbox?{query}")
    assert refused.status_code == 422
    assert message in refused.text
    assert f'<div class="field has-error">\n      <label for="filter-{field}">' in refused.text
    assert articles(refused.text) == []


def test_an_official_sees_only_the_areas_of_their_organisation(world: World) -> None:
    elsewhere = make_station(world.api.session, area="Tha Maprang")
    publish_hours(world.api.session, elsewhere.code, "pm10", 300, T0, 24)
    evaluate_24h_exceedances(world.api.session, now=OPENED, zone=default_zone())
    world.api.session.commit()
    sign_in(world.api, Role.OFFICIAL)
    page = world.api.client.get("/inbox")
    assert '<option value="Tha Maprang"' not in page.text
    assert world.api.client.get("/inbox?area=Tha%20Maprang").status_code == 422
    assert len(articles(world.api.client.get("/inbox?area=Na%20Phra%20Lan").text)) == 2


def test_severity_filter_and_the_most_severe_first(world: World) -> None:
    worse = make_station(world.api.session)
    publish_hours(world.api.session, worse.code, "pm10", 250, T0, 24)
    evaluate_24h_exceedances(
        world.api.session, now=OPENED + timedelta(hours=1), zone=default_zone()
    )
    world.api.session.commit()
    sign_in(world.api, Role.BACKBONE)
    client = world.api.client
    listed = articles(client.get("/inbox").text)
    assert [c.split()[1] for c, _ in listed] == [
        "severity-very_high",
        "severity-moderate",
        "severity-moderate",
    ]
    high = articles(client.get("/inbox?severity=very_high").text)
    assert len(high) == 1
    assert articles(client.get("/inbox?severity=high").text) == []
    assert len(articles(client.get("/inbox?severity=moderate&status=all").text)) == 2


def test_the_severity_filter_agrees_with_severity_of(world: World) -> None:
    s = world.api.session
    alert = s.scalars(select(Alert).where(Alert.public_id == world.public_alert)).one()
    everything = StationScope(all_private=True)
    for peak in (120_001, 179_999, 180_000, 239_999, 240_000, 500_000):
        alert.peak_average_milli = peak
        s.flush()
        expected = severity_of(peak_milli=peak, limit_milli=alert.limit_milli)
        for severity in ("moderate", "high", "very_high"):
            found = list_alerts(s, status=None, scope=everything, severity=severity)  # type: ignore[arg-type]
            assert (world.public_alert in {a.id for a in found}) == (severity == expected), peak


def test_an_action_comes_back_to_the_same_filters(world: World) -> None:
    csrf = sign_in(world.api, Role.OFFICIAL)
    answered = world.api.client.post(
        f"/inbox/{world.factory_alert}/responses?status=all&severity=moderate",
        data={"action": "Crusher stopped", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == (
        f"/inbox?status=all&severity=moderate#alert-{world.factory_alert}"
    )
    page = world.api.client.get("/inbox?status=all&severity=moderate").text
    assert (
        f'action="/inbox/{world.factory_alert}/responses?status=all&amp;severity=moderate"' in page
    )
