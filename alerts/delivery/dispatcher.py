"""Draining the outbox: claim due messages (commit), send each, record each (commit).

Each message is sent and recorded on its own, so a channel that fails or hangs for one
recipient delays only its own messages: they go back with a backoff, the rest go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import DeliveryError, Sender
from core.models import Channel
from core.outbox.service import ClaimedMessage, RetryPolicy, claim_due, record_attempt
from core.settings import DeliverySettings

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def retry_policy(settings: DeliverySettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.max_attempts,
        first_delay=timedelta(seconds=settings.first_retry_seconds),
        max_delay=timedelta(seconds=settings.max_retry_seconds),
        lease=timedelta(seconds=settings.lease_seconds),
    )


@dataclass
class DispatchRun:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def claim(
    session_factory: sessionmaker[Session],
    *,
    senders: Mapping[Channel, Sender],
    policy: RetryPolicy,
    limit: int,
    now: datetime,
) -> list[ClaimedMessage]:
    with session_factory.begin() as session:
        return claim_due(session, now=now, policy=policy, channels=list(senders), limit=limit)


def send_one(
    session_factory: sessionmaker[Session],
    message: ClaimedMessage,
    *,
    senders: Mapping[Channel, Sender],
    policy: RetryPolicy,
    clock: Clock = _now,
) -> bool:
    """Send one claimed message and record the attempt in a commit of its own."""
    started = clock()
    error: str | None = None
    try:
        senders[message.channel].send(message)
    except DeliveryError as failure:
        error = str(failure)
    except Exception as failure:  # a bug in one channel must not stop the others
        log.exception("sending message %s failed unexpectedly", message.message_id)
        error = f"{type(failure).__name__}: {failure}"
    with session_factory.begin() as session:
        record_attempt(
            session, message, started_at=started, finished_at=clock(), error=error, policy=policy
        )
    return error is None


def dispatch_outbox(
    session_factory: sessionmaker[Session],
    *,
    senders: Mapping[Channel, Sender],
    policy: RetryPolicy,
    limit: int = 50,
    clock: Clock = _now,
) -> DispatchRun:
    """One pass over the due messages. Safe to run in several processes at once: a claim
    is a lease that only one of them gets."""
    run = DispatchRun()
    for message in claim(session_factory, senders=senders, policy=policy, limit=limit, now=clock()):
        ok = send_one(session_factory, message, senders=senders, policy=policy, clock=clock)
        (run.sent if ok else run.failed).append(message.message_id)
    return run
