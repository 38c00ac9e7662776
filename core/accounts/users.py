"""User accounts: created and changed by backbone staff and admins (or the command line)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, Principal
from core.accounts.passwords import hash_password
from core.accounts.schemas import UserCreate, UserPublic, UserUpdate
from core.audit.service import record_change
from core.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import AuthToken, Role, UserAccount
from core.organisations.service import get_organisation


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _snapshot(user: UserAccount) -> dict[str, Any]:
    """Without the password hash; the audit log never holds a secret."""
    return UserPublic.model_validate(user).model_dump(mode="json", exclude={"locked_until"})


def _ensure_may_manage(actor: Principal, *roles: Role) -> None:
    """Backbone staff manage accounts, except admins: only an admin creates or edits one."""
    actor.require_role(*MANAGERS)
    if Role.ADMIN in roles and not actor.has_role(Role.ADMIN):
        raise Forbidden("only an admin may create or change an admin account")


def create_user(session: Session, *, actor: Principal, data: UserCreate) -> UserAccount:
    _ensure_may_manage(actor, data.role)
    _ensure_organisation(session, data.organisation_id)
    email = normalise_email(data.email)
    if find_user(session, email=email) is not None:
        raise Conflict(f"an account for {email} already exists")
    user = UserAccount(
        email=email,
        display_name=data.display_name,
        role=data.role,
        organisation_id=data.organisation_id,
        password_hash=hash_password(data.password),
        disabled=False,
        failed_sign_ins=0,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=str(user.id),
        before=None,
        after=_snapshot(user),
    )
    return user


def update_user(
    session: Session, *, actor: Principal, user_id: int, data: UserUpdate, now: datetime
) -> UserAccount:
    user = get_user(session, user_id=user_id)
    changes = data.model_dump(exclude_unset=True, exclude={"password"})
    _ensure_may_manage(actor, user.role, *([changes["role"]] if changes.get("role") else []))
    if changes.get("organisation_id") is not None:
        _ensure_organisation(session, changes["organisation_id"])
    before = _snapshot(user)
    for field, value in changes.items():
        if value is None:
            raise InvalidInput(f"{field} cannot be empty")
        setattr(user, field, value)
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.password is not None or user.disabled:
        revoke_all_tokens(session, user_id=user.id, now=now)
    if not user.disabled and before["disabled"]:
        user.failed_sign_ins, user.locked_until = 0, None
    session.flush()
    after = _snapshot(user)
    if data.password is not None:
        after["password"] = "changed"  # that it changed, never what to
    record_change(
        session,
        actor=actor,
        action="update",
        entity="user",
        entity_id=str(user.id),
        before=before,
        after=after,
    )
    return user


def disable_user(session: Session, *, actor: Principal, email: str, now: datetime) -> UserAccount:
    """Disable an account and sign it out everywhere (for the command line)."""
    user = find_user(session, email=email)
    if user is None:
        raise NotFound(f"no account for {normalise_email(email)}")
    return update_user(
        session, actor=actor, user_id=user.id, data=UserUpdate(disabled=True), now=now
    )


def revoke_all_tokens(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def get_user(session: Session, *, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def find_user(session: Session, *, email: str) -> UserAccount | None:
    query = select(UserAccount).where(UserAccount.email == normalise_email(email))
    return session.scalars(query).one_or_none()


def list_users(
    session: Session, *, actor: Principal, organisation_id: int | None = None
) -> list[UserAccount]:
    actor.require_role(*MANAGERS)
    query = select(UserAccount).order_by(UserAccount.email)
    if organisation_id is not None:
        query = query.where(UserAccount.organisation_id == organisation_id)
    return list(session.scalars(query))


def _ensure_organisation(session: Session, organisation_id: int) -> None:
    try:
        get_organisation(session, organisation_id=organisation_id)
    except NotFound:
        raise InvalidInput(f"organisation_id: no organisation {organisation_id}") from None
