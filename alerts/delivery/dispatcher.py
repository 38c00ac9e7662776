"""Draining the outbox: claim a due message (commit), send it, record it (commit).

Each channel is drained in a thread of its own, so a channel that hangs (up to its time
limit per message) or fails holds up none of the others. Within a channel, a receiver that
fails is left alone for the rest of the pass: its other messages wait for their next turn
instead of each waiting out the same time limit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
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


def drain_channel(
    session_factory: sessionmaker[Session],
    channel: Channel,
    *,
    senders: Mapping[Channel, Sender],
    policy: RetryPolicy,
    limit: int,
    clock: Clock = _now,
) -> DispatchRun:
    """Send up to `limit` due messages of one channel, claiming each just before it is sent
    so that its lease covers only its own send."""
    run = DispatchRun()
    failed_addresses: set[str] = set()
    for _ in range(limit):
        with session_factory.begin() as session:
            claimed = claim_due(
                session,
                now=clock(),
                policy=policy,
                channels=[channel],
                limit=1,
                skip_addresses=failed_addresses,
            )
        if not claimed:
            break
        [message] = claimed
        if send_one(session_factory, message, senders=senders, policy=policy, clock=clock):
            run.sent.append(message.message_id)
        else:
            run.failed.append(message.message_id)
            failed_addresses.add(message.address)
    return run


def dispatch_outbox(
    session_factory: sessionmaker[Session],
    *,
    senders: Mapping[Channel, Sender],
    policy: RetryPolicy,
    limit: int = 50,
    clock: Clock = _now,
) -> DispatchRun:
    """One pass over the due messages, each channel in its own thread, up to `limit` messages
    per channel. Safe to run in several processes at once: a claim is a lease that only one
    of them gets."""
    run = DispatchRun()
    if not senders:
        return run
    with ThreadPoolExecutor(max_workers=len(senders), thread_name_prefix="outbox") as pool:
        drains = {
            channel: pool.submit(
                drain_channel,
                session_factory,
                channel,
                senders=senders,
                policy=policy,
                limit=limit,
                clock=clock,
            )
            for channel in senders
        }
    for channel, drain in drains.items():
        try:
            done = drain.result()
        except Exception:  # the database failed under one channel; the others went on
            log.exception("draining the %s messages failed; retried at the next pass", channel)
            continue
        run.sent.extend(done.sent)
        run.failed.extend(done.failed)
    return run
