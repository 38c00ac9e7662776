"""The whole path: a device gets its MQTT password from the API, publishes, the API shows
the readings, an alert opens and resolves.

Runs twice: PostgreSQL + a real Mosquitto, and SQLite + dustwatch's own embedded broker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alerts.jobs import check_exceedances
from cli.runtime import Runtime
from core.models import RejectedMessage, Role
from core.settings import DatabaseSettings, MqttSettings, SchedulerSettings, Settings, default_zone
from tests.factories import bearer_for, make_organisation, make_user
from tests.support import Device, Mosquitto, free_port, wait_for


@dataclass
class Stack:
    runtime: Runtime
    api: TestClient
    port: int
    prefix: str
    staff: dict[str, str]
    organisation_id: int
    checks_topics: bool
    """The embedded broker drops what a device publishes to another station's topic; the
    session's Mosquitto here is an open one (the access rules are tested in tests/ingest)."""
    devices: list[Device] = field(default_factory=list)

    def topic(self, code: str) -> str:
        return f"{self.prefix}/readings/{code}"

    def device(self, code: str) -> Device:
        """The station's device, signed in with the password the API issues for it."""
        issued = self.api.post(f"/stations/{code}/mqtt-credential", headers=self.staff)
        assert issued.status_code == 200, issued.text
        password = issued.json()["password"]
        device = Device(host="127.0.0.1", port=self.port, username=code, password=password)
        self.devices.append(device)
        return device


@pytest.fixture(params=["postgresql+mosquitto", "sqlite+embedded"])
def stack(
    request: pytest.FixtureRequest, topic_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    if request.param == "postgresql+mosquitto":
        database = request.getfixturevalue("postgres").create()
        broker: Mosquitto = request.getfixturevalue("mosquitto")
        port = broker.port
        mqtt = MqttSettings(
            url=broker.url, topic_prefix=topic_prefix, client_id=f"ingest-{topic_prefix[5:15]}"
        )
    else:
        database = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'dustwatch.db'}"
        port = free_port()
        mqtt = MqttSettings(embedded_port=port, topic_prefix=topic_prefix)
    settings = Settings(
        db=DatabaseSettings(url=database),
        mqtt=mqtt,
        scheduler=SchedulerSettings(enabled=False),
    )
    runtime = Runtime(settings)
    runtime.start(migrate=True)
    assert runtime.ingest is not None
    assert runtime.ingest.wait_until_subscribed(15), "ingest did not subscribe"
    with runtime.session_factory.begin() as session:
        organisation = make_organisation(session)
        staff = bearer_for(session, make_user(session, role=Role.BACKBONE))
        organisation_id = organisation.id
    embedded = settings.mqtt.embedded
    with TestClient(runtime.app) as api:
        stack = Stack(runtime, api, port, topic_prefix, staff, organisation_id, embedded)
        yield stack
    for device in stack.devices:
        device.close()
    runtime.stop()


def register(stack: Stack, code: str) -> None:
    station = {
        "code": code,
        "name": f"Station {code}",
        "kind": "volunteer",
        "organisation_id": stack.organisation_id,
        "latitude": 14.68,
        "longitude": 100.87,
        "area": "Na Phra Lan",
    }
    assert stack.api.post("/stations", json=station, headers=stack.staff).status_code == 201


def hourly(parameter: str, value: float, start: datetime, hours: int) -> list[dict[str, object]]:
    return [
        {"parameter": parameter, "value": value, "time": (start + timedelta(hours=h)).isoformat()}
        for h in range(hours)
    ]


def test_published_readings_appear_in_the_api_and_drive_alerts(stack: Stack) -> None:
    register(stack, "npl-e2e")
    device = stack.device("npl-e2e")
    now = datetime.now(UTC)
    day_before = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=48)
    # A dusty day then a clean one, 24 hourly readings each, in two messages.
    device.publish(stack.topic("npl-e2e"), hourly("pm10", 160, day_before, 24))
    device.publish(stack.topic("npl-e2e"), hourly("pm10", 50, day_before + timedelta(hours=24), 24))

    def stored() -> list[dict[str, object]]:
        response = stack.api.get(
            "/stations/npl-e2e/readings",
            params={"start": day_before.isoformat(), "end": now.isoformat(), "parameter": "pm10"},
        )
        rows: list[dict[str, object]] = response.json()
        return rows if len(rows) == 48 else []

    readings = wait_for(stored, what="48 readings through the API")
    assert {r["value"] for r in readings} == {160.0, 50.0}

    session_factory = stack.runtime.session_factory
    check_exceedances(
        session_factory, zone=default_zone(), now=day_before + timedelta(hours=24, minutes=1)
    )
    [alert] = stack.api.get("/alerts", params={"status": "open"}).json()
    assert (alert["station_code"], alert["parameter"], alert["opening_average"]) == (
        "npl-e2e",
        "pm10",
        160.0,
    )

    check_exceedances(
        session_factory, zone=default_zone(), now=day_before + timedelta(hours=48, minutes=1)
    )
    assert stack.api.get("/alerts", params={"status": "open"}).json() == []
    [resolved] = stack.api.get("/alerts", params={"status": "resolved"}).json()
    assert resolved["id"] == alert["id"]
    assert resolved["latest_average"] == 50.0

    status = stack.api.get("/status").json()
    [station] = [s for s in status["stations"] if s["code"] == "npl-e2e"]
    [pm10] = station["parameters"]
    assert pm10["latest_value"] == 50.0


def test_malformed_messages_are_recorded_and_ingest_keeps_going(stack: Stack) -> None:
    register(stack, "npl-bad")
    device = stack.device("npl-bad")
    good_time = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    device.publish(stack.topic("npl-bad"), b"{not json")
    device.publish(
        stack.topic("nobody-here"), {"parameter": "pm10", "value": 1, "time": good_time.isoformat()}
    )
    device.publish(stack.topic("npl-bad"), {"parameter": "pm10", "time": good_time.isoformat()})
    device.publish(
        stack.topic("npl-bad"), {"parameter": "pm10", "value": 42.0, "time": good_time.isoformat()}
    )

    def good_reading_arrived() -> bool:
        return len(stack.api.get("/stations/npl-bad/readings").json()) == 1

    wait_for(good_reading_arrived, what="the valid reading after three bad ones")
    with stack.runtime.session_factory() as session:
        reasons = {
            (r.station_code, r.reason.split(":")[0])
            for r in session.scalars(select(RejectedMessage))
        }
    expected = {("npl-bad", "payload is not JSON"), ("npl-bad", "value")}
    if not stack.checks_topics:  # an open broker passes on another station's topic
        expected.add(("nobody-here", "unknown station 'nobody-here'"))
    assert reasons == expected

    def ingest_counts_the_rejected() -> bool:
        components = stack.api.get("/health").json()["components"]
        return any(
            c["name"] == "ingest" and c["detail"]["rejected"] == len(expected) for c in components
        )

    wait_for(ingest_counts_the_rejected, what="the ingest heartbeat to count the rejections")
