"""Recording and reading the audit log. Callers pass snapshots without secrets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.schemas import AuditEventPublic
from core.models import AuditEvent


def record_change(
    session: Session,
    *,
    actor: Principal,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent | None:
    """Adds one event in the caller's transaction; nothing when before and after are equal."""
    if before is not None and before == after:
        return None
    event = AuditEvent(
        at=datetime.now(UTC),
        actor_label=actor.label[:400],
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    session.add(event)
    session.flush()
    return event


def list_audit_events(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int = 200,
) -> list[AuditEventPublic]:
    """Newest first."""
    query = select(AuditEvent)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    query = query.order_by(AuditEvent.id.desc()).limit(limit)
    return [AuditEventPublic.model_validate(e) for e in session.scalars(query)]
