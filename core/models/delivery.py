"""Subscriptions to alerts, the outbox of messages to send, and each attempt to send one."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime
from core.models.account import Role


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class Channel(enum.StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    LINE = "line"
    MQTT = "mqtt"


class Severity(enum.StrEnum):
    """Ordered: a subscription with a minimum receives that severity and the ones above."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Language(enum.StrEnum):
    TH = "th"
    EN = "en"


class Receives(enum.StrEnum):
    """What a subscription receives: alert messages, published bulletins, or both."""

    ALERTS = "alerts"
    BULLETINS = "bulletins"
    BOTH = "both"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last attempt allowed."""


class MessageEvent(enum.StrEnum):
    """What a message tells of its alert."""

    OPENED = "opened"
    ESCALATED = "escalated"
    """The opening, to the next level of recipients, because nobody acknowledged it."""
    RESOLVED = "resolved"


MAX_LEVEL = 3
"""Subscriptions' levels: 1 is told when an alert opens, 2 and 3 when it escalates."""


def new_message_id() -> str:
    return str(uuid.uuid4())


class Subscription(Base):
    """Who receives which alerts, on which channel, in which language.

    For a user or every user of a role. `address` is where the channel sends: an e-mail
    address, a webhook URL, a LINE user or group id, an MQTT topic below `{prefix}/alerts/`.
    An e-mail subscription without an address goes to the e-mail of each user it names.
    """

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[Role | None] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=_values)
    )
    areas: Mapped[list[str]] = mapped_column(JSON)
    """Empty: every area."""
    min_severity: Mapped[Severity] = mapped_column(
        Enum(Severity, native_enum=False, length=16, values_callable=_values)
    )
    channel: Mapped[Channel] = mapped_column(
        Enum(Channel, native_enum=False, length=16, values_callable=_values)
    )
    language: Mapped[Language] = mapped_column(
        Enum(Language, native_enum=False, length=2, values_callable=_values)
    )
    address: Mapped[str | None] = mapped_column(String(2000))
    secret: Mapped[str | None] = mapped_column(String(200))
    """The webhook's HMAC key; never shown back by the API."""
    enabled: Mapped[bool] = mapped_column(server_default=text("true"))
    receives: Mapped[Receives] = mapped_column(
        Enum(Receives, native_enum=False, length=16, values_callable=_values),
        server_default=Receives.ALERTS.value,
    )
    level: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    """1: told when an alert opens; 2, 3: told when it escalates unacknowledged."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """One message to one recipient on one channel, stored in the transaction that made it.

    `message_id` goes out with every send of it, so that a recipient that sees it twice
    (after a crash between sending and `sent_at`) can tell it is the same message.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_message_id)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    bulletin_id: Mapped[int | None] = mapped_column(ForeignKey("bulletin.id"), index=True)
    """Set instead of `alert_id` for a message that a bulletin was published."""
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscription.id", ondelete="SET NULL")
    )
    event: Mapped[MessageEvent] = mapped_column(
        Enum(MessageEvent, native_enum=False, length=16, values_callable=_values),
        server_default=text("'opened'"),
    )
    in_reply_to: Mapped[str | None] = mapped_column(String(36))
    """The `message_id` of the opening (or escalation) message a resolution message follows:
    at most one resolution per message told."""
    channel: Mapped[Channel] = mapped_column(
        Enum(Channel, native_enum=False, length=16, values_callable=_values)
    )
    address: Mapped[str] = mapped_column(String(2000))
    language: Mapped[Language] = mapped_column(
        Enum(Language, native_enum=False, length=2, values_callable=_values)
    )
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    """The structured message (webhook body, MQTT payload), `message_id` included."""
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=16, values_callable=_values)
    )
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A sender's lease: after it, a sender that died mid-send has its message sent again."""
    claim_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        UniqueConstraint("in_reply_to", "event"),
    )


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool]
    error: Mapped[str | None] = mapped_column(String(2000))
