"""The audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import require_roles
from api.deps import SessionDep
from core.audit.schemas import AuditEventPublic
from core.audit.service import list_audit_events
from core.models import Role

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "",
    response_model=list[AuditEventPublic],
    dependencies=[Depends(require_roles(Role.BACKBONE, Role.ADMIN))],
)
def get_audit(
    session: SessionDep,
    entity: Annotated[
        str | None, Query(max_length=64, description="station, organisation, user, api_key, …")
    ] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEventPublic]:
    """Every change, newest first: who, when, what, before and after."""
    return list_audit_events(session, entity=entity, entity_id=entity_id, limit=limit)
