"""Liveness and readiness of this process."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.auth import public
from api.deps import SessionDep
from core.kit.schema import schema_problem
from core.operations.heartbeats import current_leader, load_heartbeats
from core.operations.runs import last_runs

router = APIRouter(tags=["health"])


class ComponentOut(BaseModel):
    name: str
    last_beat: datetime
    stalled: bool = Field(description="Work waits and nothing has moved for too long.")
    waiting: int = Field(description="Work waiting at the last beat (messages to store).")
    detail: dict[str, int | float | str | bool]


class JobRunOut(BaseModel):
    job: str
    fire_time: datetime = Field(description="The scheduled time the run was for.")
    finished_at: datetime | None = Field(
        description="Empty while it runs, or when its process died mid-run."
    )
    ok: bool | None


class SchedulerOut(BaseModel):
    leader: str | None = Field(
        description="The process that runs the scheduled jobs; empty when none has beaten "
        "recently (no jobs run)."
    )
    leader_beat_at: datetime | None
    processes: int = Field(description="dustwatch processes that have beaten recently.")
    last_runs: list[JobRunOut] = Field(description="The latest run of each job.")


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok"]
    database_schema: Literal["current", "not current"] = Field(
        description="Whether the tables are at the newest migration this code ships."
    )
    components: list[ComponentOut]
    problems: list[str] = Field(description="Why the status is degraded; empty when ok.")
    scheduler: SchedulerOut | None = Field(
        description="Empty while the schema is not current (the tables may not exist yet)."
    )


@router.get(
    "/health",
    response_model=HealthOut,
    dependencies=[Depends(public)],
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": HealthOut}},
)
def health(request: Request, response: Response, session: SessionDep) -> HealthOut:
    """Answers only when the database does; lists the ingest and scheduler heartbeats.
    503 with status "degraded" when the schema is not at the newest migration, or when a
    part has stalled (messages wait on an ingest writer that has not committed for longer
    than `mqtt.stall_seconds`). Status "degraded" with 200 on a warning, such as the
    broker holding more than half of `mqtt.broker_queue_limit` messages for the ingest:
    the process works, and taking it out of service would only slow the drain. The
    scheduler's part, from the database: which process leads (whichever runs it) and how
    each job last ran."""
    session.execute(text("SELECT 1"))
    now = datetime.now(UTC)
    components = []
    problems = []
    not_ready = False
    if (outdated := schema_problem(session.connection())) is not None:
        problems.append(outdated)
        not_ready = True
    for c in request.app.state.health.snapshot():
        stalled = c.stalled(now)
        components.append(
            ComponentOut(
                name=c.name,
                last_beat=c.last_beat,
                stalled=stalled,
                waiting=c.waiting,
                detail=c.detail,
            )
        )
        if stalled:
            problems.append(f"{c.name}: {c.waiting} waiting, no progress since {c.last_progress}")
            not_ready = True
        if c.warning is not None:
            problems.append(f"{c.name}: {c.warning}")
    if not_ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthOut(
        status="degraded" if problems else "ok",
        database="ok",
        database_schema="not current" if outdated else "current",
        components=components,
        problems=problems,
        scheduler=None if outdated else _scheduler(request, session, now),
    )


def _scheduler(request: Request, session: Session, now: datetime) -> SchedulerOut:
    fresh_within = request.app.state.settings.scheduler.fresh_within
    beats = load_heartbeats(session, now=now, fresh_within=fresh_within)
    leader = current_leader(beats)
    return SchedulerOut(
        leader=leader.label if leader else None,
        leader_beat_at=leader.beat_at if leader else None,
        processes=len(beats),
        last_runs=[
            JobRunOut(job=r.job, fire_time=r.fire_time, finished_at=r.finished_at, ok=r.ok)
            for r in last_runs(session)
        ],
    )
