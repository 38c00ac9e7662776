"""A broker or ingest backlog as an alert condition, from health beats: the broker's queue
past its warning level, a stalled writer, or more waiting than a rule allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.alerts.detectors.backlog import detect_backlog
from core.kit.health import ComponentHealth, HealthRegistry

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def ingest(
    *,
    waiting: int = 0,
    progress_seconds_ago: float = 1,
    warning: str | None = None,
    **detail: int | float | str | bool,
) -> ComponentHealth:
    return ComponentHealth(
        "ingest",
        NOW,
        dict(detail),
        waiting=waiting,
        last_progress=NOW - timedelta(seconds=progress_seconds_ago),
        stall_after=120,
        warning=warning,
    )


def test_a_healthy_ingest_is_no_condition() -> None:
    assert detect_backlog([ingest(waiting=40, broker_queued=10)], now=NOW) == []
    assert detect_backlog([ingest()], now=NOW, max_waiting=100) == []


def test_the_brokers_queue_past_its_warning_level() -> None:
    warning = "the broker holds 600000 messages, over half its limit of 1000000"
    found = detect_backlog(
        [ingest(waiting=12, warning=warning, broker_queued=600_000, broker_queue_warning=500_000)],
        now=NOW,
    )
    assert len(found) == 1
    condition = found[0]
    assert condition.subject == "backlog:ingest"
    assert condition.area is None
    assert (condition.value, condition.threshold) == (600_000, 500_000)
    assert condition.details["warning"] == warning
    assert condition.details["waiting"] == 12


def test_a_stalled_writer_is_a_condition_with_what_waits() -> None:
    stalled = ingest(waiting=3000, progress_seconds_ago=300)
    found = detect_backlog([stalled], now=NOW)
    assert [(c.subject, c.value, c.threshold) for c in found] == [("backlog:ingest", 3000, None)]
    assert found[0].details["seconds_without_progress"] == 300
    assert found[0].started_at == NOW - timedelta(seconds=300)
    # Nothing waiting: not stalled however long since the last commit.
    assert detect_backlog([ingest(waiting=0, progress_seconds_ago=3600)], now=NOW) == []


def test_more_waiting_than_the_rule_allows() -> None:
    found = detect_backlog([ingest(waiting=4500)], now=NOW, max_waiting=4000)
    assert [(c.value, c.threshold) for c in found] == [(4500, 4000)]


def test_one_condition_per_component_with_a_stable_subject() -> None:
    other = ComponentHealth(
        "scheduler", NOW, {}, waiting=50, last_progress=NOW - timedelta(hours=1), stall_after=60
    )
    beats = [ingest(waiting=9000, progress_seconds_ago=500), other]
    first = [c.subject for c in detect_backlog(beats, now=NOW, areas=["Na Phra Lan"])]
    later = [c.subject for c in detect_backlog(beats, now=NOW + timedelta(minutes=5))]
    assert first == later == ["backlog:ingest", "backlog:scheduler"]


def test_it_reads_the_beats_of_a_health_registry() -> None:
    registry = HealthRegistry()
    registry.beat(
        "ingest",
        waiting=5,
        last_progress=datetime.now(UTC),
        stall_after=120,
        warning="the broker holds 900 messages, over half its limit of 1000",
        broker_queued=900,
        broker_queue_warning=500,
    )
    found = detect_backlog(registry.snapshot(), now=datetime.now(UTC))
    assert [(c.value, c.threshold) for c in found] == [(900, 500)]
