"""What the API shows and accepts for subscriptions and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from core.models import MAX_LEVEL, Channel, Language, Receives, Role, Severity


class SubscriptionFields(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    user_id: int | None = None
    role: Role | None = None
    areas: list[str] = Field(default_factory=list, max_length=100)
    min_severity: Severity = Severity.WARNING
    channel: Channel
    language: Language = Language.TH
    address: str | None = Field(default=None, max_length=2000)
    enabled: bool = True
    receives: Receives = Receives.ALERTS
    """Alert messages, published bulletins of its areas, or both."""
    level: int = Field(
        default=1,
        ge=1,
        le=MAX_LEVEL,
        description="1: told when an alert opens; 2 and 3: told when it escalates because "
        "nobody acknowledged it in time.",
    )

    @model_validator(mode="after")
    def _one_recipient(self) -> Self:
        if (self.user_id is None) == (self.role is None):
            raise ValueError("name either a user_id or a role")
        if self.channel is not Channel.EMAIL and not self.address:
            raise ValueError(f"a {self.channel.value} subscription needs an address")
        if self.channel is Channel.WEBHOOK and not (self.address or "").startswith(
            ("https://", "http://")
        ):
            raise ValueError("a webhook address is an http(s):// URL")
        if self.channel is Channel.MQTT and any(c in (self.address or "") for c in "#+"):
            raise ValueError("an MQTT address is a topic below {prefix}/alerts/, no wildcards")
        return self


class SubscriptionIn(SubscriptionFields):
    secret: str | None = Field(default=None, min_length=16, max_length=200)
    """The webhook's HMAC key; required for a webhook, kept when an update leaves it out."""


class SubscriptionPublic(SubscriptionFields):
    id: int
    has_secret: bool
    created_at: datetime


class DeliveryAttemptPublic(BaseModel):
    started_at: datetime
    finished_at: datetime
    ok: bool
    error: str | None


class DeliveryPublic(BaseModel):
    message_id: str
    """Sent with every copy of the message, so that a recipient can drop repeats."""
    event: str = Field(description="What it tells: opened, escalated or resolved.")
    in_reply_to: str | None = Field(
        description="For a resolution: the message_id of the message it follows."
    )
    subscription_id: int | None
    channel: str
    address: str
    language: str
    status: str
    attempts: list[DeliveryAttemptPublic]
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
