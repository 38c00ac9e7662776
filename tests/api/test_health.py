"""/health says what is wrong: a schema behind the code, a stalled ingest writer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.kit.db import make_engine
from core.kit.schema import head_revision
from core.operations.heartbeats import FOLLOWER, LEADER, ProcessIdentity, record_heartbeat
from core.operations.runs import claim_run, finish_run
from tests.api.conftest import Api, make_api
from tests.conftest import PostgresDatabases


@pytest.fixture
def empty_engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if backend == "postgresql":
        postgres: PostgresDatabases = request.getfixturevalue("postgres")
        url = postgres.create(migrated=False)
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_migrated_database_is_healthy(api: Api) -> None:
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json() | {"components": []} == {
        "status": "ok",
        "database": "ok",
        "database_schema": "current",
        "components": [],
        "problems": [],
        "scheduler": {"leader": None, "leader_beat_at": None, "processes": 0, "last_runs": []},
    }


def test_a_database_without_the_schema_is_not_ready(empty_engine: Engine) -> None:
    for api in make_api(empty_engine):
        response = api.client.get("/health")
        assert response.status_code == 503
        body = response.json()
        assert (body["status"], body["database_schema"]) == ("degraded", "not current")
        assert body["problems"] == [
            f"the database schema is empty (no dustwatch tables), not at {head_revision()}: "
            "run `dustwatch migrate` first"
        ]


def test_a_stalled_component_makes_health_degraded(api: Api) -> None:
    health = api.client.app.state.health  # type: ignore[attr-defined]
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    health.beat("ingest", waiting=0, last_progress=long_ago, stall_after=60, backlog=0)
    assert api.client.get("/health").status_code == 200  # idle for long is fine

    health.beat("ingest", waiting=7, last_progress=datetime.now(UTC), stall_after=60, backlog=7)
    assert api.client.get("/health").status_code == 200  # busy and moving is fine

    health.beat("ingest", waiting=7, last_progress=long_ago, stall_after=60, backlog=7)
    response = api.client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["problems"][0].startswith("ingest: 7 waiting, no progress since")
    assert body["components"][0] | {"last_beat": None} == {
        "name": "ingest",
        "last_beat": None,
        "stalled": True,
        "waiting": 7,
        "detail": {"backlog": 7},
    }


def test_a_warning_makes_health_degraded_but_keeps_the_process_in_service(api: Api) -> None:
    health = api.client.app.state.health  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    health.beat("ingest", last_progress=now, stall_after=60, broker_queued=400_000)
    assert api.client.get("/health").json()["status"] == "ok"

    warning = "the broker holds 600000 messages, over half its limit of 1000000"
    health.beat("ingest", last_progress=now, stall_after=60, warning=warning, broker_queued=600_000)
    response = api.client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["problems"]) == ("degraded", [f"ingest: {warning}"])
    assert body["components"][0]["detail"] == {"broker_queued": 600_000}


def test_health_names_the_scheduler_leader_and_each_jobs_last_run(api: Api) -> None:
    """From the database, so any process's /health shows the scheduler that runs elsewhere."""
    now = datetime.now(UTC)
    leader, follower = ProcessIdentity("scheduler"), ProcessIdentity("serve")
    gone = ProcessIdentity("scheduler")
    with api.factory.begin() as session:
        record_heartbeat(session, leader, role=LEADER, components=[], now=now)
        record_heartbeat(session, follower, role=FOLLOWER, components=[], now=now)
        record_heartbeat(session, gone, role=LEADER, components=[], now=now - timedelta(hours=1))
    fired = now.replace(microsecond=0) - timedelta(seconds=5)
    for fire_time in (fired - timedelta(seconds=5), fired):
        run_id = claim_run(
            api.factory, job="dispatch_outbox", fire_time=fire_time, holder=leader.label, now=now
        )
        assert run_id is not None
        finish_run(api.factory, run_id, now=now, summary="sent 0, failed 0")
    assert claim_run(api.factory, job="check_exceedances", fire_time=fired, holder="x", now=now)

    scheduler = api.client.get("/health").json()["scheduler"]

    assert scheduler["leader"] == leader.label
    assert scheduler["processes"] == 2
    assert [(r["job"], r["ok"]) for r in scheduler["last_runs"]] == [
        ("check_exceedances", None),
        ("dispatch_outbox", True),
    ]
    assert datetime.fromisoformat(scheduler["last_runs"][1]["fire_time"]) == fired
