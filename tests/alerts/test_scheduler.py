"""The scheduler: one registry of jobs, run by one leader, each fire time once, across
processes and restarts; every process beats."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.jobs import JOBS, Cron, Every, Job, JobContext
from alerts.scheduler import Scheduler, trigger_for
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.models import JobRun
from core.operations.heartbeats import (
    FOLLOWER,
    LEADER,
    STOPPED,
    Heartbeat,
    ProcessIdentity,
    current_leader,
    load_heartbeats,
)
from core.operations.leader import LEADER_LOCK_KEY
from core.operations.runs import claim_run, last_runs, runs_of
from core.settings import BulletinSettings, SchedulerSettings, Settings
from tests.support import wait_for

CHECK = 0.2
"""Seconds between the leadership checks in these tests."""


def period_job(_context: JobContext, fire_time: datetime) -> str:
    """Says which period it covers: the second before its fire time."""
    return f"{(fire_time - timedelta(seconds=1)).isoformat()} to {fire_time.isoformat()}"


def failing_job(_context: JobContext, _fire_time: datetime) -> str:
    raise RuntimeError("the bulletin chart could not be drawn")


PERIOD = Job("period", period_job, lambda _s: Every(1))
FAILING = Job("failing", failing_job, lambda _s: Every(1))


@pytest.fixture
def engine(backend: str, fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def scheduler(
    engine: Engine, factory: sessionmaker[Session], name: str, jobs: list[Job] | None = None
) -> Scheduler:
    settings = Settings(scheduler=SchedulerSettings(leader_check_seconds=CHECK))
    context = JobContext.build(settings, session_factory=factory, health=HealthRegistry())
    return Scheduler(context, engine=engine, identity=ProcessIdentity(name), jobs=jobs or [PERIOD])


def fire_times(factory: sessionmaker[Session], job: str = "period") -> list[datetime]:
    with factory() as session:
        return [run.fire_time for run in runs_of(session, job)]


def holders(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(JobRun.holder)))


def test_a_job_runs_for_each_fire_time_once_with_the_period_it_was_scheduled_for(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    running = scheduler(engine, factory, "one")
    running.start()
    try:
        wait_for(lambda: len(fire_times(factory)) >= 3, what="three runs")
    finally:
        running.stop()
    with factory() as session:
        runs = runs_of(session, "period")
    times = [run.fire_time for run in runs]
    assert all(t.microsecond == 0 for t in times)  # the scheduled second, not the wall clock
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(gap >= timedelta(seconds=1) and gap.microseconds == 0 for gap in gaps)
    assert all(run.ok and run.finished_at and run.started_at >= run.fire_time for run in runs)
    assert runs[0].summary == period_job(running._context, runs[0].fire_time)


def test_a_fire_time_claimed_once_is_not_claimed_again(factory: sessionmaker[Session]) -> None:
    """What keeps a fire time from running twice whoever leads, on SQLite too."""
    fire = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    now = fire + timedelta(seconds=1)
    first = claim_run(factory, job="draft_bulletins", fire_time=fire, holder="a", now=now)
    again = claim_run(factory, job="draft_bulletins", fire_time=fire, holder="b", now=now)
    later = claim_run(
        factory, job="draft_bulletins", fire_time=fire + timedelta(days=1), holder="b", now=now
    )
    assert first is not None
    assert later is not None
    assert again is None


def test_a_restart_runs_the_missed_fire_times_once_and_repeats_none(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    first = scheduler(engine, factory, "before")
    first.start()
    try:
        wait_for(lambda: len(fire_times(factory)) >= 2, what="runs before the restart")
    finally:
        first.stop()
    before = fire_times(factory)
    time.sleep(3.5)  # three or four fire times pass with no scheduler running
    second = scheduler(engine, factory, "after")
    second.start()
    try:
        wait_for(lambda: len(fire_times(factory)) >= len(before) + 2, what="runs after it")
    finally:
        second.stop()
    with factory() as session:
        runs = runs_of(session, "period")
    assert [run.fire_time for run in runs[: len(before)]] == before
    caught_up = runs[len(before)]
    # The fire times missed are run once, for the latest of them, as soon as it restarts...
    assert caught_up.fire_time - before[-1] >= timedelta(seconds=3)
    assert timedelta(0) <= caught_up.started_at - caught_up.fire_time < timedelta(seconds=1)
    # ... and then on time again, none twice.
    times = [run.fire_time for run in runs]
    assert all(b > a for a, b in zip(times, times[1:], strict=False))


def test_a_failing_job_is_recorded_with_its_error_and_the_others_run_on(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    running = scheduler(engine, factory, "one", jobs=[FAILING, PERIOD])
    running.start()
    try:
        wait_for(lambda: len(fire_times(factory, "failing")) >= 2, what="two failed runs")
        wait_for(lambda: len(fire_times(factory)) >= 2, what="two runs of the other job")
    finally:
        running.stop()
    with factory() as session:
        latest = {run.job: run for run in last_runs(session)}
    assert latest["failing"].ok is False
    assert "RuntimeError: the bulletin chart could not be drawn" in (latest["failing"].error or "")
    assert latest["period"].ok is True


def test_the_registry_names_each_job_once_and_fires_on_the_settings() -> None:
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    settings = Settings(
        scheduler=SchedulerSettings(alert_check_seconds=30, dispatch_seconds=2),
        bulletins=BulletinSettings(draft_at="06:30"),
    )
    schedules = {job.name: job.schedule(settings) for job in JOBS}
    assert schedules["check_exceedances"] == Every(30)
    assert schedules["sync_cap_messages"] == Every(30)
    assert schedules["dispatch_outbox"] == Every(2)
    assert schedules["draft_bulletins"] == Cron("30 6 * * *")


@pytest.mark.parametrize("backend", ["postgresql"])
def test_of_two_schedulers_one_leads_and_the_other_takes_over_when_it_stops(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    a, b = scheduler(engine, factory, "a"), scheduler(engine, factory, "b")
    a.start()
    wait_for(lambda: a.leading, what="a leading")
    b.start()
    try:
        wait_for(lambda: len(fire_times(factory)) >= 3, what="three runs")
        assert (a.role, b.role) == (LEADER, FOLLOWER)
        assert holders(factory) == {a._identity.label}
        a.stop()  # hands the lock over at once
        wait_for(lambda: b.leading, timeout=5, what="b taking over")
        wait_for(lambda: b._identity.label in holders(factory), what="a run by b")
    finally:
        a.stop()
        b.stop()
    times = fire_times(factory)
    assert len(times) == len(set(times))


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_leader_whose_connection_drops_stops_running_jobs_until_it_leads_again(
    engine: Engine, factory: sessionmaker[Session], fresh_database_url: str
) -> None:
    """The server ends the leader's session (as when its connection drops); another takes
    the lock first: the old leader must stop firing jobs, and lead again once it is free."""
    a = scheduler(engine, factory, "a")
    a.start()
    other = make_engine(fresh_database_url)
    try:
        wait_for(lambda: fire_times(factory), what="a run")
        with other.connect() as rival:
            rival.execution_options(isolation_level="AUTOCOMMIT")
            rival.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objid::bigint = (:key & 4294967295)"
                ),
                {"key": LEADER_LOCK_KEY},
            )

            def take_the_lock() -> bool:
                return bool(
                    rival.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK_KEY}
                    ).scalar_one()
                )

            wait_for(take_the_lock, timeout=5, interval=0.01, what="the lock freed")
            wait_for(lambda: not a.leading, timeout=5, what="a stepping down")
            time.sleep(0.5)  # runs under way when a stepped down end
            count = len(fire_times(factory))
            time.sleep(2.5)
            assert len(fire_times(factory)) == count  # nobody runs jobs: the rival runs none
            rival.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK_KEY})
        wait_for(lambda: a.leading, timeout=5, what="a leading again")
        wait_for(lambda: len(fire_times(factory)) > count, what="runs again")
    finally:
        a.stop()
        other.dispose()
    times = fire_times(factory)
    assert len(times) == len(set(times))


def test_every_process_beats_with_its_role_and_its_parts_backlog(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    health = HealthRegistry()
    health.beat("ingest", waiting=1200, warning="the broker holds 600000 messages for the ingest")
    identity = ProcessIdentity("serve")
    role = {"now": LEADER}
    heartbeat = Heartbeat(
        session_factory=factory,
        identity=identity,
        health=health,
        interval=0.2,
        role=lambda: role["now"],
    )
    heartbeat.start()
    try:
        with factory() as session:
            [beat] = load_heartbeats(
                session, now=datetime.now(UTC), fresh_within=timedelta(seconds=5)
            )
        role["now"] = FOLLOWER

        def as_follower() -> bool:
            with factory() as session:
                beats = load_heartbeats(
                    session, now=datetime.now(UTC), fresh_within=timedelta(seconds=5)
                )
            return [b.role for b in beats] == [FOLLOWER]

        wait_for(as_follower, what="the next beat")
    finally:
        heartbeat.stop()
    assert (beat.label, beat.role) == (identity.label, LEADER)
    assert current_leader([beat]) == beat
    [ingest] = beat.components
    assert (ingest.name, ingest.waiting) == ("ingest", 1200)
    assert ingest.warning == "the broker holds 600000 messages for the ingest"
    with factory() as session:
        [last] = load_heartbeats(session, now=datetime.now(UTC), fresh_within=timedelta(seconds=5))
        later = datetime.now(UTC) + timedelta(seconds=30)
        assert load_heartbeats(session, now=later, fresh_within=timedelta(seconds=5)) == []
    assert last.role == STOPPED


def test_the_scheduler_beats_its_role_into_the_health_registry(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    running = scheduler(engine, factory, "one")
    running.start()
    try:
        wait_for(lambda: running.leading, what="leading")
        health = running._context.health

        def beat() -> dict[str, object]:
            parts = {c.name: c.detail for c in health.snapshot()}
            return parts.get("scheduler", {})

        assert wait_for(lambda: beat().get("role") == LEADER, what="the scheduler's beat")
    finally:
        running.stop()
    assert not running.leading


def test_a_cron_job_fires_at_local_time_and_an_interval_job_at_whole_multiples() -> None:
    zone = Settings().zone  # Asia/Bangkok, UTC+7
    after = datetime(2026, 11, 23, 1, 0, 30, tzinfo=UTC)
    daily = trigger_for(Cron("0 7 * * *"), zone=zone).get_next_fire_time(None, after)
    every = trigger_for(Every(60), zone=zone).get_next_fire_time(None, after)
    assert daily.astimezone(UTC) == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert every.astimezone(UTC) == datetime(2026, 11, 23, 1, 1, tzinfo=UTC)
