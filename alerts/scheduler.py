"""Runs the registry's jobs (alerts.jobs) in the one process that leads.

APScheduler 3 with its SQLAlchemyJobStore on the app's database keeps each job's next fire
time, so a restart or a new leader carries on where the last one stopped. APScheduler 3
cannot share a job store between running schedulers, so only the leader (the holder of a
database lock, core.operations.leader) starts one; followers check every
`leader_check_seconds` and take over when the leader is gone.

Each fire time runs at most once: the run is recorded (job, fire time: unique) in its own
transaction before the work starts, and a fire time recorded already is skipped. After
downtime, the fire times missed are coalesced into one run, for the latest of them. A run
whose process died mid-way stays recorded without an end and is not run again: jobs are
idempotent, and the next fire time does that work.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import obj_to_ref
from sqlalchemy import Engine

from alerts.jobs import JOBS, Cron, Every, Job, JobContext, Schedule
from core.kit.db import make_engine
from core.models import SchedulerJobStore
from core.operations.heartbeats import FOLLOWER, LEADER, ProcessIdentity
from core.operations.leader import LeaderLock, leader_lock
from core.operations.runs import claim_run, finish_run

log = logging.getLogger(__name__)

INTERVAL_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Interval jobs fire at multiples of their interval since this time, whoever starts them."""


def trigger_for(schedule: Schedule, *, zone: Any) -> BaseTrigger:
    if isinstance(schedule, Every):
        return IntervalTrigger(seconds=schedule.seconds, start_date=INTERVAL_EPOCH, timezone=zone)
    if isinstance(schedule, Cron):
        return CronTrigger.from_crontab(schedule.expression, timezone=zone)
    raise TypeError(f"not a schedule: {schedule!r}")


def registered_job(name: str) -> None:
    """What the job store records for each job: the name of the registry's job. The
    scheduler's executor runs that job with the process's context and the fire time, which
    APScheduler would not pass to a stored function."""
    raise RuntimeError(f"job {name} runs inside a Scheduler only, which gives its fire time")


class Scheduler:
    """The scheduler of one process: a thread that leads or follows, and while leading an
    APScheduler that fires the jobs."""

    def __init__(
        self,
        context: JobContext,
        *,
        engine: Engine,
        identity: ProcessIdentity,
        jobs: Sequence[Job] = JOBS,
        lock: LeaderLock | None = None,
    ) -> None:
        self._context = context
        self._settings = context.settings.scheduler
        self._engine = engine
        self._identity = identity
        self._jobs = {job.name: job for job in jobs}
        self._lock = lock or leader_lock(engine)
        self._apscheduler: BackgroundScheduler | None = None
        self._store_engine: Engine | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    @property
    def leading(self) -> bool:
        return self._apscheduler is not None

    @property
    def role(self) -> str:
        return LEADER if self.leading else FOLLOWER

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="scheduler-leader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop firing jobs, wait for the runs under way, and hand leadership over."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._stop_jobs(wait=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._check_leadership()
            except Exception:
                log.exception("the scheduler's leadership check failed; tried again")
            self._context.health.beat("scheduler", role=self.role, jobs=len(self._jobs))
            self._stop.wait(self._settings.leader_check_seconds)

    def _check_leadership(self) -> None:
        if not self.leading:
            if self._lock.try_acquire():
                log.info("%s leads the scheduler", self._identity.label)
                try:
                    self._start_jobs()
                except Exception:
                    self._stop_jobs(wait=False)
                    raise
        elif not self._lock.still_held():
            log.warning("%s lost the scheduler's lock: it stops running jobs", self._identity.label)
            self._stop_jobs(wait=False)

    def _start_jobs(self) -> None:
        url = self._engine.url.render_as_string(hide_password=False)
        # A store engine of its own: APScheduler disposes of it at shutdown.
        self._store_engine = make_engine(url)
        executor = _FireTimeExecutor(self._run, max_workers=len(self._jobs) + 1)
        scheduler = BackgroundScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    engine=self._store_engine, tablename=SchedulerJobStore.__tablename__
                )
            },
            executors={"default": executor},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=self._context.zone,
        )
        with self._guard:
            self._apscheduler = scheduler
        scheduler.start(paused=True)
        self._sync_jobs(scheduler)
        scheduler.resume()

    def _sync_jobs(self, scheduler: BackgroundScheduler) -> None:
        """Make the stored jobs those of the registry, keeping the next fire time of each
        stored one (a missed fire time is still run); a changed schedule fires by the
        earlier of its stored time and its new first time."""
        now = datetime.now(UTC)
        for job in self._jobs.values():
            trigger = trigger_for(job.schedule(self._context.settings), zone=self._context.zone)
            stored = scheduler.get_job(job.name)
            if stored is None:
                scheduler.add_job(
                    registered_job, trigger, args=(job.name,), id=job.name, name=job.name
                )
            elif repr(stored.trigger) != repr(trigger) or stored.func_ref != STORED_FUNCTION:
                first = trigger.get_next_fire_time(None, now)
                due = min(stored.next_run_time, first) if stored.next_run_time else first
                scheduler.modify_job(
                    job.name,
                    func=registered_job,
                    args=(job.name,),
                    trigger=trigger,
                    next_run_time=due,
                )
        for stored in scheduler.get_jobs():
            if stored.id not in self._jobs:
                scheduler.remove_job(stored.id)

    def _stop_jobs(self, *, wait: bool) -> None:
        with self._guard:
            scheduler, self._apscheduler = self._apscheduler, None
        if scheduler is not None:
            scheduler.pause()
            try:
                scheduler.shutdown(wait=wait)
            except Exception:
                log.warning("stopping the job scheduler failed", exc_info=True)
        if self._store_engine is not None:
            # Again after APScheduler's thread has ended: its last pass may have reconnected.
            self._store_engine.dispose()
            self._store_engine = None
        self._lock.release()

    def _run(self, name: str, scheduled: datetime) -> None:
        """Run job `name` for its fire time once: claimed first, the outcome recorded after;
        a failing job is recorded with its error and does not stop the others."""
        job = self._jobs.get(name)
        if job is None or not self.leading:
            return
        fire_time = scheduled.astimezone(UTC)
        factory = self._context.session_factory
        holder = self._identity.label
        run_id = claim_run(
            factory, job=name, fire_time=fire_time, holder=holder, now=datetime.now(UTC)
        )
        if run_id is None:
            log.info("job %s ran for %s already; not again", name, fire_time.isoformat())
            return
        summary = error = None
        try:
            summary = job.run(self._context, fire_time)
        except Exception:
            error = traceback.format_exc()
            log.exception("job %s failed for %s", name, fire_time.isoformat())
        try:
            finish_run(factory, run_id, now=datetime.now(UTC), summary=summary, error=error)
        except Exception:
            log.warning("the end of job %s could not be recorded", name, exc_info=True)


STORED_FUNCTION = obj_to_ref(registered_job)


class _FireTimeExecutor(ThreadPoolExecutor):  # type: ignore[misc]
    """APScheduler's thread pool, calling the scheduler with each job's scheduled fire time
    (APScheduler's own `run_job` calls the function without it)."""

    def __init__(self, run: Any, *, max_workers: int) -> None:
        super().__init__(max_workers=max_workers)
        self._run_fire_time = run

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        def runs() -> list[JobExecutionEvent]:
            events = []
            for run_time in run_times:
                self._run_fire_time(job.id, run_time)
                events.append(
                    JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, run_time)
                )
            return events

        def done(future: Any) -> None:
            error = future.exception()
            if error is None:
                self._run_job_success(job.id, future.result())
            else:
                self._run_job_error(job.id, error, error.__traceback__)

        self._pool.submit(runs).add_done_callback(done)
