"""The record of scheduled job runs: one row per job and fire time, claimed before the work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.models import JobRun

MAX_SUMMARY = 2000
MAX_ERROR = 4000


@dataclass(frozen=True)
class JobRunRecord:
    job: str
    fire_time: datetime
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None
    """None while running, or for ever when the process died mid-run."""
    summary: str | None
    error: str | None
    holder: str


def claim_run(
    session_factory: sessionmaker[Session],
    *,
    job: str,
    fire_time: datetime,
    holder: str,
    now: datetime,
) -> int | None:
    """Record that `job` starts for `fire_time`, in a transaction of its own; the run's id,
    or None when that fire time has been claimed already (by this or another process,
    before a restart or a change of leader), so it is not run twice."""
    try:
        with session_factory.begin() as session:
            run = JobRun(job=job, fire_time=fire_time, started_at=now, holder=holder)
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        return None


def finish_run(
    session_factory: sessionmaker[Session],
    run_id: int,
    *,
    now: datetime,
    summary: str | None = None,
    error: str | None = None,
) -> None:
    """Record the end of a claimed run: ok without an error, else the error's text."""
    with session_factory.begin() as session:
        run = session.get_one(JobRun, run_id)
        run.finished_at = now
        run.ok = error is None
        run.summary = summary[:MAX_SUMMARY] if summary else None
        run.error = error[-MAX_ERROR:] if error else None


def last_runs(session: Session) -> list[JobRunRecord]:
    """The latest fire time of each job, by job name."""
    latest = (
        select(JobRun.job, func.max(JobRun.fire_time).label("fire_time"))
        .group_by(JobRun.job)
        .subquery()
    )
    rows = session.scalars(
        select(JobRun)
        .join(latest, (JobRun.job == latest.c.job) & (JobRun.fire_time == latest.c.fire_time))
        .order_by(JobRun.job)
    )
    return [_record(run) for run in rows]


def runs_of(session: Session, job: str, *, limit: int = 100) -> list[JobRunRecord]:
    """The runs of one job, oldest fire time first (the latest `limit`)."""
    rows = session.scalars(
        select(JobRun).where(JobRun.job == job).order_by(JobRun.fire_time.desc()).limit(limit)
    )
    return [_record(run) for run in reversed(list(rows))]


def forget_runs_before(session: Session, cutoff: datetime) -> int:
    """Delete the record of runs fired before `cutoff`; how many were deleted."""
    result = session.execute(delete(JobRun).where(JobRun.fire_time < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _record(run: JobRun) -> JobRunRecord:
    return JobRunRecord(
        job=run.job,
        fire_time=run.fire_time,
        started_at=run.started_at,
        finished_at=run.finished_at,
        ok=run.ok,
        summary=run.summary,
        error=run.error,
        holder=run.holder,
    )
