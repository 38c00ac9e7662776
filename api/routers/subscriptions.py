"""Who receives alert messages, on which channel: managed by backbone staff and admins."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Response, status

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep, SettingsDep
from core.kit.db import RowId
from core.models import Role
from core.outbox.schemas import SubscriptionIn, SubscriptionPublic
from core.outbox.subscriptions import (
    create_subscription,
    delete_subscription,
    list_subscriptions,
    update_subscription,
)
from core.outbox.webhooks import WebhookPolicy

router = APIRouter(prefix="/subscriptions", tags=["alerts"])

managers = require_roles(Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[SubscriptionPublic], dependencies=[Depends(managers)])
def get_subscriptions(session: SessionDep) -> list[SubscriptionPublic]:
    """Every subscription; webhook secrets are never shown, only whether one is set."""
    return list_subscriptions(session)


@router.post(
    "",
    response_model=SubscriptionPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(managers)],
)
def post_subscription(
    data: SubscriptionIn, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> SubscriptionPublic:
    """Subscribe a user or a role to alerts of some areas (none: all), from a severity up, at
    a level (1: when an alert opens; 2, 3: when it escalates unacknowledged). A webhook must
    be https:// to a public address (422 otherwise, with the reason)."""
    return create_subscription(
        session,
        data,
        actor=principal,
        now=datetime.now(UTC),
        webhooks=WebhookPolicy.from_settings(settings.delivery),
    )


@router.put(
    "/{subscription_id}", response_model=SubscriptionPublic, dependencies=[Depends(managers)]
)
def put_subscription(
    subscription_id: RowId,
    data: SubscriptionIn,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> SubscriptionPublic:
    """Replace a subscription; a webhook keeps its secret when `secret` is left out."""
    return update_subscription(
        session,
        subscription_id,
        data,
        actor=principal,
        webhooks=WebhookPolicy.from_settings(settings.delivery),
    )


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(managers)],
)
def remove_subscription(
    subscription_id: RowId, session: SessionDep, principal: PrincipalDep
) -> Response:
    """Messages already in the outbox are still sent."""
    delete_subscription(session, subscription_id, actor=principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
