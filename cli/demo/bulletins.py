"""Demo only: once the simulated history is stored, the bulletins of the day (and week)
before are drafted and published, so that the public bulletin page has something to show at
once instead of at the next drafting time, and the case's common agenda is set up."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from alerts.bulletins.jobs import draft_due_bulletins
from cli.demo.agenda import ensure_agenda
from cli.demo.forum import ensure_demo_forum
from cli.demo.spec import DemoCase
from core.kit.health import HealthRegistry
from core.settings import Settings

log = logging.getLogger(__name__)

SETTLED_POLLS = 3
"""Polls in a row with nothing waiting in the ingest before the history counts as stored."""


def wait_until_stored(
    health: HealthRegistry, stop: threading.Event, *, poll_seconds: float = 2, most: float = 300
) -> None:
    """Until the ingest has had nothing waiting for a few polls (or `most` seconds)."""
    settled, deadline = 0, time.monotonic() + most
    while settled < SETTLED_POLLS and time.monotonic() < deadline and not stop.is_set():
        waiting = sum(component.waiting for component in health.snapshot())
        settled = settled + 1 if waiting == 0 else 0
        stop.wait(poll_seconds)


def publish_demo_bulletins(session_factory: sessionmaker[Session], settings: Settings) -> list[int]:
    """The bulletins due now, published without review: the demo has no backbone at hand."""
    published = settings.model_copy(
        update={"bulletins": settings.bulletins.model_copy(update={"auto_publish": True})}
    )
    ids = draft_due_bulletins(
        session_factory, now=datetime.now(UTC), zone=settings.zone, settings=published
    )
    log.info("demo: published %d bulletins of the simulated days", len(ids))
    return ids


def once_stored(
    health: HealthRegistry,
    session_factory: sessionmaker[Session],
    settings: Settings,
    case: DemoCase,
) -> Callable[[threading.Event], None]:
    """What the demo publisher runs after the history: wait for the ingest, then publish the
    bulletins (of the air case), set up the agenda and (dust) the forum, whose decisions
    name the agenda's targets."""

    def publish(stop: threading.Event) -> None:
        wait_until_stored(health, stop)
        if stop.is_set():
            return
        if case.bulletins:
            publish_demo_bulletins(session_factory, settings)
        with session_factory.begin() as session:
            ensure_agenda(session, case, now=datetime.now(UTC), zone=settings.zone)
            if case.name == "dust":
                ensure_demo_forum(session, now=datetime.now(UTC), zone=settings.zone)
        log.info("demo: the %s case's targets, certified days and commitments are set", case.name)

    return publish
