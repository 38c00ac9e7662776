"""`dustwatch scheduler` as its own process: it leads, beats and runs the jobs; killed, a
follower takes over; on SIGTERM it stops and hands the lead over at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.jobs import JobContext
from alerts.scheduler import Scheduler
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.models import JobRun
from core.operations.heartbeats import LEADER, STOPPED, ProcessIdentity, load_heartbeats
from core.operations.leader import LEADER_LOCK_KEY
from core.settings import SchedulerSettings, Settings
from tests.cli.test_main import dustwatch
from tests.support import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgresql"])]

FAST = {
    "DUSTWATCH_SCHEDULER__ALERT_CHECK_SECONDS": "1",
    "DUSTWATCH_SCHEDULER__DISPATCH_SECONDS": "1",
    "DUSTWATCH_SCHEDULER__LEADER_CHECK_SECONDS": "0.5",
    "DUSTWATCH_SCHEDULER__HEARTBEAT_SECONDS": "0.5",
}


class Process:
    def __init__(self, popen: subprocess.Popen[str]) -> None:
        self.popen = popen
        self.lines: list[str] = []
        assert popen.stdout is not None
        self._reader = threading.Thread(
            target=lambda: self.lines.extend(popen.stdout or []), daemon=True
        )
        self._reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def end(self, how: signal.Signals) -> int:
        self.popen.send_signal(how)
        code = self.popen.wait(timeout=30)
        self._reader.join(timeout=10)
        assert self.popen.stdout is not None
        self.popen.stdout.close()
        return code


@pytest.fixture
def database(
    backend: str, fresh_database_url: str
) -> Iterator[tuple[str, Engine, sessionmaker[Session]]]:
    engine = make_engine(fresh_database_url)
    yield fresh_database_url, engine, make_session_factory(engine)
    engine.dispose()


def start(url: str, tmp_path: Path) -> Process:
    process = Process(dustwatch("scheduler", cwd=tmp_path, env={"DUSTWATCH_DB__URL": url} | FAST))
    wait_for(lambda: "scheduler is up" in process.output, timeout=60, what=process.output)
    return process


def runs_by(factory: sessionmaker[Session]) -> list[tuple[str, datetime, str]]:
    with factory() as session:
        rows = session.execute(select(JobRun.job, JobRun.fire_time, JobRun.holder))
        return [(job, fire_time, holder) for job, fire_time, holder in rows]


def leader_beat(factory: sessionmaker[Session]) -> str | None:
    with factory() as session:
        beats = load_heartbeats(session, now=datetime.now(UTC), fresh_within=timedelta(seconds=2))
    return next((b.label for b in beats if b.role == LEADER and b.component == "scheduler"), None)


def test_the_scheduler_process_leads_beats_and_a_follower_takes_over_when_it_is_killed(
    database: tuple[str, Engine, sessionmaker[Session]], tmp_path: Path
) -> None:
    url, engine, factory = database
    process = start(url, tmp_path)
    settings = Settings(scheduler=SchedulerSettings(leader_check_seconds=0.2))
    context = JobContext.build(settings, session_factory=factory, health=HealthRegistry())
    follower = Scheduler(context, engine=engine, identity=ProcessIdentity("follower"))
    try:
        leader = wait_for(lambda: leader_beat(factory), what="the process's leader beat")
        wait_for(
            lambda: (
                {job for job, _, _ in runs_by(factory)} >= {"dispatch_outbox", "check_exceedances"}
            ),
            what="both jobs run by the process",
        )
        follower.start()
        wait_for(lambda: leader_beat(factory) == leader, what="a beat after the follower started")
        assert not follower.leading
        assert process.end(signal.SIGKILL) == -signal.SIGKILL  # no goodbye, no unlock
        wait_for(lambda: follower.leading, timeout=10, what="the follower taking over")
        me = follower._identity.label
        wait_for(lambda: any(holder == me for _, _, holder in runs_by(factory)), what="a run")
    finally:
        follower.stop()
        if process.popen.poll() is None:
            process.end(signal.SIGKILL)
    runs = runs_by(factory)
    assert {holder for _, _, holder in runs} == {leader, me}
    fired = [(job, time) for job, time, _ in runs]
    assert len(fired) == len(set(fired))


def test_the_scheduler_process_stops_on_sigterm_and_hands_the_lead_over(
    database: tuple[str, Engine, sessionmaker[Session]], tmp_path: Path
) -> None:
    url, engine, factory = database
    process = start(url, tmp_path)
    try:
        leader = wait_for(lambda: leader_beat(factory), what="the process's leader beat")
        status = subprocess.run(
            [sys.executable, "-m", "cli.main", "scheduler", "status"],
            cwd=tmp_path,
            env=status_env(url),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        code = process.end(signal.SIGTERM)
    assert code == 0, process.output
    assert "dustwatch scheduler stopped" in process.output
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"Leader: {leader}" in " ".join(status.stdout.split())
    assert "dispatch_outbox" in status.stdout
    with factory() as session:
        [beat] = load_heartbeats(session, now=datetime.now(UTC), fresh_within=timedelta(hours=1))
    assert beat.role == STOPPED
    with engine.connect() as connection:
        free = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK_KEY}
        ).scalar_one()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK_KEY})
    assert free


def status_env(url: str) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    base = {k: v for k, v in os.environ.items() if not k.startswith("DUSTWATCH_")}
    return base | {"PYTHONPATH": root, "DUSTWATCH_DB__URL": url, "COLUMNS": "200"} | FAST
