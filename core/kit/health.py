"""Liveness of the parts of one process, reported by the health endpoint."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class ComponentHealth:
    name: str
    last_beat: datetime
    detail: dict[str, int | float | str | bool]
    waiting: int = 0
    """Work waiting for this component at the last beat (messages to store)."""
    last_progress: datetime | None = None
    """When it last got on with that work (committed, or when the oldest work arrived)."""
    stall_after: float | None = None
    """Seconds without progress, while work waits, after which it counts as stalled."""
    warning: str | None = None
    """Something to look at although the component works (the broker's queue filling up)."""

    def stalled(self, now: datetime) -> bool:
        """Work waits and nothing has moved for longer than `stall_after` seconds.

        Judged from the last beat, so a component stuck without beating counts too."""
        if not self.waiting or self.stall_after is None or self.last_progress is None:
            return False
        return now - self.last_progress > timedelta(seconds=self.stall_after)


class HealthRegistry:
    """Components beat with a few figures (backlog, batches stored); readers take a snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._components: dict[str, ComponentHealth] = {}

    def beat(
        self,
        name: str,
        *,
        waiting: int = 0,
        last_progress: datetime | None = None,
        stall_after: float | None = None,
        warning: str | None = None,
        **detail: int | float | str | bool,
    ) -> None:
        with self._lock:
            self._components[name] = ComponentHealth(
                name, datetime.now(UTC), detail, waiting, last_progress, stall_after, warning
            )

    def snapshot(self) -> list[ComponentHealth]:
        with self._lock:
            return sorted(self._components.values(), key=lambda c: c.name)
