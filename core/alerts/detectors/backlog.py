"""A broker or ingest backlog as an alert condition, from the components' health beats.

Pure: it judges what `core.kit.health.ComponentHealth` says (the figures a component beat
with, such as the ingest's in `ingest/mqtt.py`), so the same function serves the health
beats of this process and those persisted by others.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.alerts.conditions import Condition
from core.kit.health import ComponentHealth

BROKER_QUEUED = "broker_queued"
BROKER_WARNING_LEVEL = "broker_queue_warning"
"""Detail figures of the ingest's beat: messages the broker holds for it, and the number past
which its health carries a warning (half the broker's queue limit)."""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def detect_backlog(
    components: Sequence[ComponentHealth],
    *,
    now: datetime,
    areas: Sequence[str] | None = None,
    max_waiting: int | None = None,
) -> list[Condition]:
    """One condition per component that carries a warning (the broker's queue past its
    warning level), is stalled (work waits and nothing moved for `stall_after` seconds), or
    has more than `max_waiting` messages waiting when the rule sets that level.

    A backlog concerns every area, so `area` is None and `areas` does not narrow it.
    `value` is the messages waiting; when the broker's queue is what warns, the messages it
    holds, with its warning level as `threshold`."""
    del areas  # accepted like every detector's; a backlog is nobody's area in particular
    conditions = []
    for component in sorted(components, key=lambda c: c.name):
        stalled = component.stalled(now)
        over = max_waiting is not None and component.waiting > max_waiting
        if component.warning is None and not stalled and not over:
            continue
        value: float = float(component.waiting)
        threshold = float(max_waiting) if max_waiting is not None else None
        broker_queued = _number(component.detail.get(BROKER_QUEUED))
        broker_level = _number(component.detail.get(BROKER_WARNING_LEVEL))
        if component.warning is not None and broker_queued is not None and not (stalled or over):
            value, threshold = broker_queued, broker_level
        details: dict[str, str | int | float] = {
            "component": component.name,
            "waiting": component.waiting,
            "stalled": int(stalled),
            "last_beat": component.last_beat.isoformat(),
        }
        if component.warning is not None:
            details["warning"] = component.warning
        if broker_queued is not None:
            details[BROKER_QUEUED] = int(broker_queued)
        if stalled and component.last_progress is not None:
            details["seconds_without_progress"] = int(
                (now - component.last_progress).total_seconds()
            )
        conditions.append(
            Condition(
                subject=f"backlog:{component.name}",
                area=None,
                value=value,
                threshold=threshold,
                unit="messages",
                started_at=component.last_progress if stalled else None,
                details=details,
            )
        )
    return conditions
