"""Starting the scheduler and the heartbeat of a process: shared by `dustwatch serve` and
`dustwatch scheduler`."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from alerts.jobs import JobContext
from alerts.scheduler import Scheduler
from core.kit.health import HealthRegistry
from core.operations.heartbeats import Heartbeat, ProcessIdentity
from core.settings import DeliverySettings, Settings


def start_scheduler(
    settings: Settings,
    *,
    engine: Engine,
    session_factory: sessionmaker[Session],
    health: HealthRegistry,
    identity: ProcessIdentity,
    delivery: DeliverySettings | None = None,
) -> Scheduler:
    """The scheduler of this process, started: it leads and runs the jobs, or follows."""
    context = JobContext.build(
        settings, session_factory=session_factory, health=health, delivery=delivery
    )
    scheduler = Scheduler(context, engine=engine, identity=identity)
    scheduler.start()
    return scheduler


def start_heartbeat(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session],
    health: HealthRegistry,
    identity: ProcessIdentity,
    scheduler: Scheduler | None,
) -> Heartbeat:
    """This process's heartbeat, started, with its scheduler's role when it runs one."""
    heartbeat = Heartbeat(
        session_factory=session_factory,
        identity=identity,
        health=health,
        interval=settings.scheduler.heartbeat_seconds,
        role=(lambda: scheduler.role) if scheduler is not None else (lambda: None),
    )
    heartbeat.start()
    return heartbeat
