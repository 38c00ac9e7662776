from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from core.accounts.passwords import hash_password
from core.accounts.schemas import TokenPair
from core.accounts.signin import issue_tokens
from core.models import Organisation, Role, UserAccount
from tests.factories.organisations import make_organisation

DEFAULT_PASSWORD = "correct horse battery"


@cache
def _hashed(password: str) -> str:
    """Argon2 is slow on purpose; tests hash each password once."""
    return hash_password(password)


def make_user(
    session: Session,
    *,
    role: Role = Role.VOLUNTEER,
    organisation: Organisation | None = None,
    password: str = DEFAULT_PASSWORD,
    **overrides: Any,
) -> UserAccount:
    values: dict[str, Any] = {
        "email": f"user-{uuid.uuid4().hex[:8]}@example.org",
        "display_name": f"Test {role.value}",
        "role": role,
        "organisation_id": (organisation or make_organisation(session)).id,
        "password_hash": _hashed(password),
        "disabled": False,
        "failed_sign_ins": 0,
        "created_at": datetime.now(UTC),
    }
    values.update(overrides)
    user = UserAccount(**values)
    session.add(user)
    session.flush()
    return user


def tokens_for(session: Session, user: UserAccount, *, now: datetime | None = None) -> TokenPair:
    return issue_tokens(session, user=user, now=now or datetime.now(UTC))


def bearer_for(session: Session, user: UserAccount) -> dict[str, str]:
    """The Authorization header of a fresh sign-in of this user."""
    return {"Authorization": f"Bearer {tokens_for(session, user).access_token}"}
