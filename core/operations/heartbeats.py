"""Each dustwatch process writes a heartbeat row every few seconds, with its health registry,
so that the other processes (/health, `dustwatch scheduler status`, a backlog rule) see the
scheduler's leader and an ingest's backlog although they run elsewhere."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from core.kit.health import ComponentHealth, HealthRegistry
from core.models import ServiceHeartbeat

log = logging.getLogger(__name__)

LEADER = "leader"
FOLLOWER = "follower"
STOPPED = "stopped"


@dataclass(frozen=True)
class ProcessIdentity:
    """Who beats: what the process runs, where, and a random id for this start."""

    component: str
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def label(self) -> str:
        return f"{self.component}@{self.host}:{self.pid}/{self.instance[:8]}"


@dataclass(frozen=True)
class ProcessHeartbeat:
    """A process's last beat, with its parts' health as that process saw it."""

    label: str
    component: str
    host: str
    pid: int
    role: str | None
    started_at: datetime
    beat_at: datetime
    components: list[ComponentHealth]


def record_heartbeat(
    session: Session,
    identity: ProcessIdentity,
    *,
    role: str | None,
    components: list[ComponentHealth],
    now: datetime,
) -> None:
    """Write this process's beat over its previous one."""
    details = {"label": identity.label, "components": [_component_json(c) for c in components]}
    row = session.scalar(
        select(ServiceHeartbeat).where(ServiceHeartbeat.instance == identity.instance)
    )
    if row is None:
        row = ServiceHeartbeat(
            instance=identity.instance,
            component=identity.component,
            host=identity.host[:255],
            pid=identity.pid,
            started_at=identity.started_at,
        )
        session.add(row)
    row.role = role
    row.beat_at = now
    row.details = details


def load_heartbeats(
    session: Session, *, now: datetime, fresh_within: timedelta
) -> list[ProcessHeartbeat]:
    """The processes that have beaten within `fresh_within` of `now`, the newest first."""
    rows = session.scalars(
        select(ServiceHeartbeat)
        .where(ServiceHeartbeat.beat_at >= now - fresh_within)
        .order_by(ServiceHeartbeat.beat_at.desc(), ServiceHeartbeat.id)
    )
    return [
        ProcessHeartbeat(
            label=str(row.details.get("label", row.instance)),
            component=row.component,
            host=row.host,
            pid=row.pid,
            role=row.role,
            started_at=row.started_at,
            beat_at=row.beat_at,
            components=[_component(c) for c in row.details.get("components", [])],
        )
        for row in rows
    ]


def current_leader(beats: list[ProcessHeartbeat]) -> ProcessHeartbeat | None:
    """The scheduler's leader among fresh beats (the newest, should two overlap briefly)."""
    return next((beat for beat in beats if beat.role == LEADER), None)


def forget_heartbeats_before(session: Session, cutoff: datetime) -> int:
    """Delete the rows of processes silent since before `cutoff`; how many."""
    result = session.execute(delete(ServiceHeartbeat).where(ServiceHeartbeat.beat_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class Heartbeat:
    """A thread that writes the process's heartbeat every `interval` seconds, and a last one
    (role `stopped`) when stopped; a database outage is logged and the beat tried again."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        identity: ProcessIdentity,
        health: HealthRegistry,
        interval: float,
        role: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.identity = identity
        self._session_factory = session_factory
        self._health = health
        self._interval = interval
        self._role = role
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.beat()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.beat(role=STOPPED)

    def beat(self, *, role: str | None = None) -> None:
        try:
            with self._session_factory.begin() as session:
                record_heartbeat(
                    session,
                    self.identity,
                    role=role or self._role(),
                    components=self._health.snapshot(),
                    now=datetime.now(UTC),
                )
        except Exception:
            log.warning("the heartbeat could not be written; tried again", exc_info=True)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.beat()


def _component_json(component: ComponentHealth) -> dict[str, Any]:
    return {
        "name": component.name,
        "last_beat": component.last_beat.isoformat(),
        "detail": component.detail,
        "waiting": component.waiting,
        "last_progress": component.last_progress.isoformat() if component.last_progress else None,
        "stall_after": component.stall_after,
        "warning": component.warning,
    }


def _component(data: dict[str, Any]) -> ComponentHealth:
    progress = data.get("last_progress")
    return ComponentHealth(
        name=str(data["name"]),
        last_beat=datetime.fromisoformat(data["last_beat"]),
        detail=dict(data.get("detail") or {}),
        waiting=int(data.get("waiting") or 0),
        last_progress=datetime.fromisoformat(progress) if progress else None,
        stall_after=data.get("stall_after"),
        warning=data.get("warning"),
    )
