"""How the processes of a deployment are doing: each one's heartbeat, each scheduled run,
and APScheduler's job store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class JobRun(Base):
    """One run of a scheduled job for one fire time: inserted before the work starts, so a
    fire time runs at most once across processes and restarts (the unique key).

    `finished_at` stays empty for a run whose process died mid-way; the job is idempotent
    and its next fire time covers that work again."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "fire_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)
    """The scheduled time, from which the job computes its period (not the wall clock)."""
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool | None] = mapped_column(Boolean)
    summary: Mapped[str | None] = mapped_column(String(2000))
    error: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str] = mapped_column(String(300))
    """The process that ran it (ServiceHeartbeat.label)."""


class ServiceHeartbeat(Base):
    """The last beat of one dustwatch process, so that other processes (and /health, and a
    backlog rule) can see it: the scheduler's leader, an ingest's backlog."""

    __tablename__ = "service_heartbeat"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance: Mapped[str] = mapped_column(String(64), unique=True)
    """Random per process start: in a container the host name and pid repeat."""
    component: Mapped[str] = mapped_column(String(40))
    """What the process runs: `serve` or `scheduler`."""
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    role: Mapped[str | None] = mapped_column(String(16))
    """leader or follower of the scheduler; stopped after a clean stop; empty without one."""
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The process's health registry at the beat: each part's backlog and warning."""


class SchedulerJobStore(Base):
    """APScheduler's SQLAlchemyJobStore table, declared here so that the migrations create
    it and the schema check knows it; APScheduler reads and writes it (pickled jobs)."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
