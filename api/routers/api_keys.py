"""API keys for organisations and devices."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep
from core.accounts.api_keys import create_api_key, list_api_keys, revoke_api_key
from core.accounts.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic
from core.kit.db import RowId
from core.models import Role

router = APIRouter(prefix="/api-keys", tags=["api keys"])

key_holders = require_roles(Role.VOLUNTEER, Role.OPERATOR, Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[ApiKeyPublic], dependencies=[Depends(key_holders)])
def get_api_keys(session: SessionDep, principal: PrincipalDep) -> list[ApiKeyPublic]:
    """The keys the caller manages, newest first; never the secret."""
    return [ApiKeyPublic.model_validate(k) for k in list_api_keys(session, actor=principal)]


@router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(key_holders)],
)
def post_api_key(data: ApiKeyCreate, session: SessionDep, principal: PrincipalDep) -> ApiKeyCreated:
    """Create a key for a device (`station_code`: backbone staff and admins, the station's
    operators and keepers) or an organisation (backbone staff and admins). The key is in
    this response only."""
    return create_api_key(session, actor=principal, data=data, now=datetime.now(UTC))


@router.delete("/{key_id}", response_model=ApiKeyPublic, dependencies=[Depends(key_holders)])
def delete_api_key(key_id: RowId, session: SessionDep, principal: PrincipalDep) -> ApiKeyPublic:
    """Revoke a key: it stops working at once. The record stays, for the audit log."""
    key = revoke_api_key(session, actor=principal, key_id=key_id, now=datetime.now(UTC))
    return ApiKeyPublic.model_validate(key)
