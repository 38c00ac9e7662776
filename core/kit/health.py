"""Liveness of the parts of one process, reported by the health endpoint."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class ComponentHealth:
    name: str
    last_beat: datetime
    detail: dict[str, int | float | str | bool]


class HealthRegistry:
    """Components beat with a few figures (backlog, batches stored); readers take a snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._components: dict[str, ComponentHealth] = {}

    def beat(self, name: str, **detail: int | float | str | bool) -> None:
        with self._lock:
            self._components[name] = ComponentHealth(name, datetime.now(UTC), detail)

    def snapshot(self) -> list[ComponentHealth]:
        with self._lock:
            return sorted(self._components.values(), key=lambda c: c.name)
