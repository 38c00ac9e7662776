"""The outbox: messages stored in the transaction that decided to send them, claimed by a
sender under a lease, sent, and marked sent in a commit of their own.

A sender that dies between sending and marking leaves its message claimed; when the lease
runs out another sender sends it again with the same `message_id`, which the recipient can
deduplicate. Nothing is lost, and nothing arrives twice that cannot be told apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.kit.errors import NotFound
from core.models import (
    Alert,
    Bulletin,
    Channel,
    DeliveryAttempt,
    Language,
    MessageEvent,
    OutboxMessage,
    OutboxStatus,
    Receives,
    Role,
    Station,
    Subscription,
    UserAccount,
)
from core.models.delivery import new_message_id
from core.outbox.messages import (
    Message,
    alert_escalated_message,
    alert_opened_message,
    alert_resolved_message,
    alert_severity,
    bulletin_published_message,
)
from core.outbox.schemas import DeliveryAttemptPublic, DeliveryPublic

ERROR_LENGTH = 2000


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: `first_delay`, doubled after each failure up to `max_delay`;
    after `max_attempts` the message is given up as failed."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(seconds=60)

    def delay(self, attempts: int) -> timedelta:
        doublings = min(max(attempts - 1, 0), 30)
        return min(self.first_delay * (1 << doublings), self.max_delay)


def _recipients(session: Session, subscription: Subscription) -> list[str]:
    """Where one subscription sends: its address, else (e-mail) the e-mail of each user."""
    if subscription.address:
        return [subscription.address]
    if subscription.channel is not Channel.EMAIL:
        return []
    users = select(UserAccount.email).where(UserAccount.disabled.is_(False))
    if subscription.user_id is not None:
        users = users.where(UserAccount.id == subscription.user_id)
    elif subscription.role is not None:
        users = users.where(UserAccount.role == Role(subscription.role))
    else:
        return []
    return sorted(set(session.scalars(users)))


def _alert_station(session: Session, alert: Alert) -> Station | None:
    return session.get(Station, alert.station_id) if alert.station_id is not None else None


def _matching(session: Session, alert: Alert, *, level: int) -> Iterator[tuple[Subscription, str]]:
    """Each enabled subscription of `level` that wants this alert (its area, its severity
    and up), with each of its recipients."""
    station = _alert_station(session, alert)
    area = alert.area or (station.area if station is not None else None)
    severity = alert_severity(alert)
    subscriptions = session.scalars(
        select(Subscription)
        .where(Subscription.enabled.is_(True), Subscription.level == level)
        .order_by(Subscription.id)
    ).all()
    for subscription in subscriptions:
        if subscription.receives is Receives.BULLETINS:
            continue
        if severity.rank < subscription.min_severity.rank:
            continue
        if subscription.areas and area not in subscription.areas:
            continue
        for address in _recipients(session, subscription):
            yield subscription, address


def _message(
    *,
    alert: Alert,
    event: MessageEvent,
    text: Message,
    message_id: str,
    channel: Channel,
    address: str,
    language: Language,
    subscription_id: int | None,
    at: datetime,
    in_reply_to: str | None = None,
) -> OutboxMessage:
    return OutboxMessage(
        message_id=message_id,
        alert_id=alert.id,
        subscription_id=subscription_id,
        event=event,
        in_reply_to=in_reply_to,
        channel=channel,
        address=address,
        language=language,
        subject=text.subject,
        body=text.body,
        payload=text.payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )


Wording = Callable[[Station | None, Language, str], Message]
"""The text of one message: from the alert's station, the recipient's language, its id."""


def _enqueue_to_level(
    session: Session,
    alert: Alert,
    *,
    level: int,
    event: MessageEvent,
    wording: Wording,
    at: datetime,
) -> list[OutboxMessage]:
    """One message per matching subscription of `level` and recipient, in the caller's
    transaction."""
    station = _alert_station(session, alert)
    messages = []
    for subscription, address in _matching(session, alert, level=level):
        message_id = new_message_id()
        language = Language(subscription.language)
        message = _message(
            alert=alert,
            event=event,
            text=wording(station, language, message_id),
            message_id=message_id,
            channel=subscription.channel,
            address=address,
            language=language,
            subscription_id=subscription.id,
            at=at,
        )
        session.add(message)
        messages.append(message)
    session.flush()
    return messages


def enqueue_alert_opened(session: Session, alert: Alert, *, zone: ZoneInfo) -> list[OutboxMessage]:
    """The opening to each first-level recipient, in the caller's transaction: the alert and
    its messages are committed together, or neither is."""
    return _enqueue_to_level(
        session,
        alert,
        level=1,
        event=MessageEvent.OPENED,
        wording=lambda station, language, message_id: alert_opened_message(
            alert, station, language=language, zone=zone, message_id=message_id
        ),
        at=alert.detected_at or alert.opened_at,
    )


def enqueue_alert_escalated(
    session: Session,
    alert: Alert,
    *,
    level: int,
    waited_minutes: int,
    zone: ZoneInfo,
    now: datetime,
) -> list[OutboxMessage]:
    """The opening, marked escalated, to each matching subscription of `level`; in the
    caller's transaction, which also records the escalation."""
    return _enqueue_to_level(
        session,
        alert,
        level=level,
        event=MessageEvent.ESCALATED,
        wording=lambda station, language, message_id: alert_escalated_message(
            alert,
            station,
            language=language,
            zone=zone,
            message_id=message_id,
            level=level,
            waited_minutes=waited_minutes,
        ),
        at=now,
    )


def enqueue_alert_resolved(
    session: Session, alert: Alert, *, zone: ZoneInfo, now: datetime
) -> list[OutboxMessage]:
    """A resolution message to everyone told of the alert (its opening or an escalation, not
    given up as failed): same channel, address and language, following that message.

    At most one per message told: those already answered are skipped, and a unique key on
    `in_reply_to` makes a racing second resolution fail rather than tell anyone twice. In the
    caller's transaction.
    """
    station = _alert_station(session, alert)
    told = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.alert_id == alert.id,
            OutboxMessage.event.in_([MessageEvent.OPENED, MessageEvent.ESCALATED]),
            OutboxMessage.status != OutboxStatus.FAILED,
        )
        .order_by(OutboxMessage.id)
    ).all()
    answered = set(
        session.scalars(
            select(OutboxMessage.in_reply_to).where(
                OutboxMessage.alert_id == alert.id,
                OutboxMessage.event == MessageEvent.RESOLVED,
            )
        )
    )
    messages = []
    for original in told:
        if original.message_id in answered:
            continue
        message_id = new_message_id()
        language = Language(original.language)
        text = alert_resolved_message(
            alert,
            station,
            language=language,
            zone=zone,
            message_id=message_id,
            original_message_id=original.message_id,
        )
        message = _message(
            alert=alert,
            event=MessageEvent.RESOLVED,
            text=text,
            message_id=message_id,
            channel=Channel(original.channel),
            address=original.address,
            language=language,
            subscription_id=original.subscription_id,
            at=now,
            in_reply_to=original.message_id,
        )
        session.add(message)
        messages.append(message)
    session.flush()
    return messages


def enqueue_bulletin_published(
    session: Session, bulletin: Bulletin, *, base_url: str
) -> list[OutboxMessage]:
    """One message per subscription that receives bulletins of the bulletin's area, and per
    recipient, in the caller's transaction (the one that publishes it), with a link to the
    bulletin's page in the subscription's language (its text speaks of local days only)."""
    published_at = bulletin.published_at
    assert published_at is not None
    messages = []
    subscriptions = session.scalars(
        select(Subscription)
        .where(
            Subscription.enabled.is_(True),
            Subscription.receives.in_([Receives.BULLETINS, Receives.BOTH]),
        )
        .order_by(Subscription.id)
    )
    for subscription in subscriptions:
        if subscription.areas and bulletin.area not in subscription.areas:
            continue
        language = Language(subscription.language)
        link = f"{base_url.rstrip('/')}/air-bulletins/{bulletin.id}?lang={language.value}"
        for address in _recipients(session, subscription):
            message_id = str(uuid.uuid4())
            text = bulletin_published_message(
                bulletin, language=language, message_id=message_id, link=link
            )
            message = OutboxMessage(
                message_id=message_id,
                bulletin_id=bulletin.id,
                subscription_id=subscription.id,
                channel=subscription.channel,
                address=address,
                language=language,
                subject=text.subject,
                body=text.body,
                payload=text.payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=published_at,
                created_at=published_at,
            )
            session.add(message)
            messages.append(message)
    session.flush()
    return messages


def enqueue_to_person(
    session: Session,
    *,
    channel: Channel,
    address: str,
    language: Language,
    subject: str,
    body: str,
    payload: dict[str, object],
    now: datetime,
) -> OutboxMessage:
    """One message to one person outside any subscription (a complainant who left an
    e-mail address), in the caller's transaction: sent, retried and recorded like the
    alerts' messages, with its own message id in the payload."""
    message_id = str(uuid.uuid4())
    message = OutboxMessage(
        message_id=message_id,
        channel=channel,
        address=address,
        language=language,
        subject=subject[:400],
        body=body,
        payload=payload | {"message_id": message_id},
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


@dataclass(frozen=True)
class ClaimedMessage:
    """What a sender needs, read before the claim's commit so that sending needs no session."""

    id: int
    message_id: str
    claim_token: str
    channel: Channel
    address: str
    subject: str
    body: str
    payload: dict[str, object]
    secret: str | None


def claim_due(
    session: Session,
    *,
    now: datetime,
    policy: RetryPolicy,
    channels: Collection[Channel],
    limit: int = 50,
    skip_addresses: Collection[str] = (),
) -> list[ClaimedMessage]:
    """Take up to `limit` pending messages of `channels` (those the sender can send: the
    others wait) that are due and not under another sender's lease, except those to
    `skip_addresses` (a receiver that just failed: its other messages wait for a later pass).

    Each is taken by a conditional UPDATE, so two senders never both hold one lease; the
    caller commits before sending.
    """
    due = session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel.in_(list(channels)),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
            OutboxMessage.address.not_in(list(skip_addresses)),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    claimed = []
    for message_id in due:
        token = str(uuid.uuid4())
        taken = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
            )
            .values(claimed_until=now + policy.lease, claim_token=token)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            continue
        message = session.get_one(OutboxMessage, message_id, populate_existing=True)
        subscription = (
            session.get(Subscription, message.subscription_id)
            if message.subscription_id is not None
            else None
        )
        claimed.append(
            ClaimedMessage(
                id=message.id,
                message_id=message.message_id,
                claim_token=token,
                channel=Channel(message.channel),
                address=message.address,
                subject=message.subject,
                body=message.body,
                payload=dict(message.payload),
                secret=subscription.secret if subscription is not None else None,
            )
        )
    return claimed


def record_attempt(
    session: Session,
    claimed: ClaimedMessage,
    *,
    started_at: datetime,
    finished_at: datetime,
    error: str | None,
    policy: RetryPolicy,
) -> OutboxMessage:
    """One attempt's outcome: sent, or due again after the backoff, or given up for good."""
    message = session.get_one(OutboxMessage, claimed.id, populate_existing=True)
    session.add(
        DeliveryAttempt(
            outbox_message_id=message.id,
            started_at=started_at,
            finished_at=finished_at,
            ok=error is None,
            error=error[:ERROR_LENGTH] if error else None,
        )
    )
    message.attempts += 1
    message.claimed_until = None
    message.claim_token = None
    if error is None:
        message.status = OutboxStatus.SENT
        message.sent_at = message.sent_at or finished_at
        message.last_error = None
    elif message.status is OutboxStatus.SENT:
        pass  # a resend after a lost mark failed; the first send stands
    elif message.attempts >= policy.max_attempts:
        message.status = OutboxStatus.FAILED
        message.last_error = error[:ERROR_LENGTH]
    else:
        message.next_attempt_at = finished_at + policy.delay(message.attempts)
        message.last_error = error[:ERROR_LENGTH]
    session.flush()
    return message


def list_deliveries(session: Session, alert_public_id: str) -> list[DeliveryPublic]:
    """Every message of an alert, with each attempt to send it: who got it, and when."""
    alert = session.scalar(select(Alert).where(Alert.public_id == alert_public_id))
    if alert is None:
        raise NotFound(f"no alert {alert_public_id!r}")
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.alert_id == alert.id).order_by(OutboxMessage.id)
    ).all()
    attempts: dict[int, list[DeliveryAttemptPublic]] = {m.id: [] for m in messages}
    for attempt in session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.outbox_message_id.in_(list(attempts)))
        .order_by(DeliveryAttempt.id)
    ):
        attempts[attempt.outbox_message_id].append(
            DeliveryAttemptPublic(
                started_at=attempt.started_at,
                finished_at=attempt.finished_at,
                ok=attempt.ok,
                error=attempt.error,
            )
        )
    return [
        DeliveryPublic(
            message_id=m.message_id,
            event=m.event.value,
            in_reply_to=m.in_reply_to,
            subscription_id=m.subscription_id,
            channel=m.channel.value,
            address=m.address,
            language=m.language.value,
            status=m.status.value,
            attempts=attempts[m.id],
            created_at=m.created_at,
            next_attempt_at=m.next_attempt_at if m.status is OutboxStatus.PENDING else None,
            sent_at=m.sent_at,
            last_error=m.last_error,
        )
        for m in messages
    ]
