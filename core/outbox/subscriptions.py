"""Managing subscriptions: backbone staff and admins, every change audited (without secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.kit.errors import InvalidInput, NotFound
from core.models import Channel, Subscription, UserAccount
from core.outbox.schemas import SubscriptionIn, SubscriptionPublic
from core.outbox.webhooks import WebhookPolicy, check_webhook_address

ENTITY = "subscription"
STRICT = WebhookPolicy()


def _snapshot(subscription: Subscription) -> dict[str, Any]:
    return subscription_out(subscription).model_dump(mode="json", exclude={"created_at"})


def subscription_out(subscription: Subscription) -> SubscriptionPublic:
    return SubscriptionPublic(
        id=subscription.id,
        name=subscription.name,
        user_id=subscription.user_id,
        role=subscription.role,
        areas=list(subscription.areas),
        min_severity=subscription.min_severity,
        channel=subscription.channel,
        language=subscription.language,
        address=subscription.address,
        enabled=subscription.enabled,
        receives=subscription.receives,
        level=subscription.level,
        has_secret=bool(subscription.secret),
        created_at=subscription.created_at,
    )


def list_subscriptions(session: Session) -> list[SubscriptionPublic]:
    return [
        subscription_out(s) for s in session.scalars(select(Subscription).order_by(Subscription.id))
    ]


def _get(session: Session, subscription_id: int) -> Subscription:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound(f"no subscription {subscription_id}")
    return subscription


def _apply(
    session: Session, subscription: Subscription, fields: SubscriptionIn, webhooks: WebhookPolicy
) -> None:
    if fields.user_id is not None and session.get(UserAccount, fields.user_id) is None:
        raise InvalidInput(f"no user {fields.user_id}")
    if fields.channel is Channel.WEBHOOK and fields.address:
        check_webhook_address(fields.address, webhooks)
    values = fields.model_dump(exclude={"secret"})
    for name, value in values.items():
        setattr(subscription, name, value)
    if fields.secret is not None:
        subscription.secret = fields.secret
    if fields.channel is Channel.WEBHOOK and not subscription.secret:
        raise InvalidInput("a webhook subscription needs a secret (16 characters or more)")
    if fields.channel is not Channel.WEBHOOK:
        subscription.secret = None


def create_subscription(
    session: Session,
    fields: SubscriptionIn,
    *,
    actor: Principal,
    now: datetime,
    webhooks: WebhookPolicy = STRICT,
) -> SubscriptionPublic:
    """`webhooks` says which webhook addresses are allowed (by default https to public
    addresses only): refused ones raise `UnsafeWebhook` with the reason."""
    subscription = Subscription(created_at=now)
    _apply(session, subscription, fields, webhooks)
    session.add(subscription)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity=ENTITY,
        entity_id=str(subscription.id),
        before=None,
        after=_snapshot(subscription),
    )
    return subscription_out(subscription)


def update_subscription(
    session: Session,
    subscription_id: int,
    fields: SubscriptionIn,
    *,
    actor: Principal,
    webhooks: WebhookPolicy = STRICT,
) -> SubscriptionPublic:
    subscription = _get(session, subscription_id)
    before = _snapshot(subscription)
    _apply(session, subscription, fields, webhooks)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="update",
        entity=ENTITY,
        entity_id=str(subscription.id),
        before=before,
        after=_snapshot(subscription),
    )
    return subscription_out(subscription)


def delete_subscription(session: Session, subscription_id: int, *, actor: Principal) -> None:
    """Messages already in the outbox are still sent; they keep their address."""
    subscription = _get(session, subscription_id)
    before = _snapshot(subscription)
    session.delete(subscription)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="delete",
        entity=ENTITY,
        entity_id=str(subscription_id),
        before=before,
        after=None,
    )
