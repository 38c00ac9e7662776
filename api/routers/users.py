"""User accounts, managed by backbone staff and admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep
from core.accounts.schemas import UserCreate, UserPublic, UserUpdate
from core.accounts.users import create_user, list_users, update_user
from core.kit.db import RowId
from core.models import Role

router = APIRouter(prefix="/users", tags=["users"])

managers = require_roles(Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[UserPublic], dependencies=[Depends(managers)])
def get_users(
    session: SessionDep,
    principal: PrincipalDep,
    organisation_id: Annotated[RowId | None, Query()] = None,
) -> list[UserPublic]:
    users = list_users(session, actor=principal, organisation_id=organisation_id)
    return [UserPublic.model_validate(u) for u in users]


@router.post(
    "",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(managers)],
)
def post_user(data: UserCreate, session: SessionDep, principal: PrincipalDep) -> UserPublic:
    """Create an account; only an admin may create an admin. 409 when the e-mail is taken
    in any case."""
    return UserPublic.model_validate(create_user(session, actor=principal, data=data))


@router.patch("/{user_id}", response_model=UserPublic, dependencies=[Depends(managers)])
def patch_user(
    user_id: RowId, data: UserUpdate, session: SessionDep, principal: PrincipalDep
) -> UserPublic:
    """Change or disable an account (`{"disabled": true}` signs it out everywhere); only an
    admin may change an admin or make one."""
    user = update_user(session, actor=principal, user_id=user_id, data=data, now=datetime.now(UTC))
    return UserPublic.model_validate(user)
