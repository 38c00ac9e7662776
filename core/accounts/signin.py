"""Signing in: passwords checked with a lock-out, opaque tokens issued, refreshed, revoked,
and any presented credential (access token, API key, browser session) turned into a Principal.

Every token is 32 random bytes kept only as its SHA-256 hash: a stolen database copy signs
nobody in. Hashing without a salt is enough for secrets with 256 bits of entropy.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.accounts.api_keys import principal_for_api_key
from core.accounts.passwords import hash_password, needs_rehash, spend_verification_time
from core.accounts.passwords import verify_password as _verify
from core.accounts.schemas import MePublic, TokenPair, UserPublic
from core.accounts.users import find_user
from core.kit.errors import Forbidden, InvalidInput, Unauthenticated
from core.models import AuthToken, TokenKind, UserAccount
from core.settings import AuthSettings

DEFAULT_AUTH = AuthSettings()
API_KEY_START = "dw_"


class SignInRefused(Unauthenticated):
    """Wrong e-mail or password, or locked. The failure count must survive the rollback."""

    keeps_changes = True


class RefreshReused(Unauthenticated):
    """A refresh token presented twice: its family is revoked, and that must be kept."""

    keeps_changes = True


def _refused(policy: AuthSettings) -> SignInRefused:
    # One answer for an unknown e-mail, a wrong password and a locked account.
    return SignInRefused(
        "wrong e-mail or password; after "
        f"{policy.max_failed_sign_ins} failures in a row the account is locked for "
        f"{policy.lockout_minutes} minutes"
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    policy: AuthSettings = DEFAULT_AUTH,
) -> UserAccount:
    """The account for this e-mail and password, or SignInRefused.

    Each failure counts; `max_failed_sign_ins` in a row lock the account for
    `lockout_minutes`, during which even the right password is refused. Unknown e-mails
    cost the same hashing time. A disabled account is named as such, but only to someone
    who knows its password.
    """
    user = find_user(session, email=email)
    if user is None:
        spend_verification_time(password)
        raise _refused(policy)
    if user.locked_until is not None and user.locked_until > now:
        spend_verification_time(password)
        raise _refused(policy)
    if not _verify(user.password_hash, password):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= policy.max_failed_sign_ins:
            user.failed_sign_ins = 0
            user.locked_until = now + timedelta(minutes=policy.lockout_minutes)
        session.flush()
        raise _refused(policy)
    if user.disabled:
        raise Unauthenticated("this account is disabled; ask the backbone unit")
    user.failed_sign_ins, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def _new_token(
    session: Session,
    *,
    kind: TokenKind,
    user_id: int,
    family: str,
    now: datetime,
    lifetime: timedelta,
    csrf_secret: str | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            kind=kind,
            token_hash=hash_token(token),
            user_id=user_id,
            family=family,
            csrf_secret=csrf_secret,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def issue_tokens(
    session: Session, *, user: UserAccount, now: datetime, policy: AuthSettings = DEFAULT_AUTH
) -> TokenPair:
    """A new access token and refresh token, in a family of their own."""
    return _pair(session, user_id=user.id, family=secrets.token_hex(16), now=now, policy=policy)


def _pair(
    session: Session, *, user_id: int, family: str, now: datetime, policy: AuthSettings
) -> TokenPair:
    access_life = timedelta(minutes=policy.access_token_minutes)
    refresh_life = timedelta(days=policy.refresh_token_days)
    pair = TokenPair(
        access_token=_new_token(
            session,
            kind=TokenKind.ACCESS,
            user_id=user_id,
            family=family,
            now=now,
            lifetime=access_life,
        ),
        expires_in=int(access_life.total_seconds()),
        refresh_token=_new_token(
            session,
            kind=TokenKind.REFRESH,
            user_id=user_id,
            family=family,
            now=now,
            lifetime=refresh_life,
        ),
        refresh_expires_in=int(refresh_life.total_seconds()),
    )
    session.flush()
    return pair


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    policy: AuthSettings = DEFAULT_AUTH,
) -> TokenPair:
    """The OAuth2 password grant: authenticate, then issue an access and a refresh token."""
    user = authenticate(session, email=email, password=password, now=now, policy=policy)
    return issue_tokens(session, user=user, now=now, policy=policy)


def refresh_tokens(
    session: Session, *, refresh_token: str, now: datetime, policy: AuthSettings = DEFAULT_AUTH
) -> TokenPair:
    """Rotate: the refresh token is used up and a new pair is issued in the same family.

    A refresh token presented again was copied: the whole family is revoked, signing out
    both the thief and the user, who signs in again.
    """
    row = session.execute(
        select(AuthToken, UserAccount)
        .join(UserAccount, UserAccount.id == AuthToken.user_id)
        .where(
            AuthToken.token_hash == hash_token(refresh_token),
            AuthToken.kind == TokenKind.REFRESH,
        )
    ).one_or_none()
    if row is None:
        raise Unauthenticated("unknown refresh token; sign in again")
    token, user = row
    if token.revoked_at is not None:
        _revoke_family(session, family=token.family, now=now)
        raise RefreshReused("this refresh token was already used or revoked; sign in again")
    if token.expires_at <= now:
        raise Unauthenticated("the refresh token has expired; sign in again")
    if user.disabled:
        raise Unauthenticated("this account is disabled; ask the backbone unit")
    token.revoked_at = now
    _revoke_family(session, family=token.family, now=now, kind=TokenKind.ACCESS)
    return _pair(session, user_id=user.id, family=token.family, now=now, policy=policy)


def sign_out(
    session: Session,
    *,
    token: str,
    now: datetime,
    source: Literal["bearer", "cookie"] = "bearer",
) -> None:
    """End the sign-in this token belongs to: for an access or refresh token its whole
    family, for a cookie the browser session."""
    if source == "cookie":
        end_browser_session(session, token=token, now=now)
        return
    if token.startswith(API_KEY_START):
        raise InvalidInput("an API key is not signed in; revoke it with DELETE /api-keys/{id}")
    found = session.scalars(
        select(AuthToken).where(
            AuthToken.token_hash == hash_token(token),
            AuthToken.kind.in_([TokenKind.ACCESS, TokenKind.REFRESH]),
        )
    ).one_or_none()
    if found is None:
        raise Unauthenticated("unknown token")
    _revoke_family(session, family=found.family, now=now)


def _revoke_family(
    session: Session, *, family: str, now: datetime, kind: TokenKind | None = None
) -> None:
    query = (
        update(AuthToken)
        .where(AuthToken.family == family, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if kind is not None:
        query = query.where(AuthToken.kind == kind)
    session.execute(query)


def principal_for_user(user: UserAccount) -> Principal:
    return Principal(
        user_id=user.id,
        organisation_id=user.organisation_id,
        role=user.role,
        label=f"{user.email} ({user.role.value})",
    )


def principal_for_token(
    session: Session,
    *,
    token: str,
    now: datetime,
    source: Literal["bearer", "cookie"] = "bearer",
) -> Principal:
    """Who presents this credential, or Unauthenticated.

    From an `Authorization: Bearer` header ("bearer"): an access token or an API key
    (`dw_…`). From the session cookie ("cookie"): a browser session only, so that a
    cookie can never be replayed as a bearer token and the other way round.
    """
    if source == "bearer" and token.startswith(API_KEY_START):
        return principal_for_api_key(session, key=token, now=now)
    kind = TokenKind.ACCESS if source == "bearer" else TokenKind.BROWSER_SESSION
    found = _live_token(session, token=token, kind=kind, now=now)
    if found is None:
        raise Unauthenticated("invalid or expired token; sign in again")
    return principal_for_user(found[1])


def _live_token(
    session: Session, *, token: str, kind: TokenKind, now: datetime
) -> tuple[AuthToken, UserAccount] | None:
    row = session.execute(
        select(AuthToken, UserAccount)
        .join(UserAccount, UserAccount.id == AuthToken.user_id)
        .where(
            AuthToken.token_hash == hash_token(token),
            AuthToken.kind == kind,
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > now,
            UserAccount.disabled.is_(False),
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class BrowserSession:
    token: str
    """The value of the `dustwatch_session` cookie."""
    csrf_token: str
    """To put in every form (and the X-CSRF-Token header of scripts)."""
    expires_at: datetime


def start_browser_session(
    session: Session, *, user: UserAccount, now: datetime, policy: AuthSettings = DEFAULT_AUTH
) -> BrowserSession:
    """A cookie session for a user who has just authenticated, with its own CSRF secret."""
    csrf = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=policy.browser_session_hours)
    token = _new_token(
        session,
        kind=TokenKind.BROWSER_SESSION,
        user_id=user.id,
        family=secrets.token_hex(16),
        now=now,
        lifetime=lifetime,
        csrf_secret=csrf,
    )
    session.flush()
    return BrowserSession(token=token, csrf_token=csrf, expires_at=now + lifetime)


def end_browser_session(session: Session, *, token: str, now: datetime) -> None:
    """Sign out of the browser; an unknown or ended session is not an error."""
    session.execute(
        update(AuthToken)
        .where(
            AuthToken.token_hash == hash_token(token),
            AuthToken.kind == TokenKind.BROWSER_SESSION,
            AuthToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


def csrf_token_for(session: Session, *, token: str, now: datetime) -> str:
    """The CSRF token of a live browser session, to render into forms."""
    found = _live_token(session, token=token, kind=TokenKind.BROWSER_SESSION, now=now)
    if found is None or found[0].csrf_secret is None:
        raise Unauthenticated("the session has ended; sign in again")
    return found[0].csrf_secret


def check_csrf(session: Session, *, token: str, csrf_token: str | None, now: datetime) -> None:
    """Raises Forbidden unless `csrf_token` is the one of this live browser session."""
    try:
        expected = csrf_token_for(session, token=token, now=now)
    except Unauthenticated:
        raise Forbidden("the form has expired; reload the page and try again") from None
    if csrf_token is None or not secrets.compare_digest(expected.encode(), csrf_token.encode()):
        raise Forbidden("the form has expired; reload the page and try again")


def describe(session: Session, *, principal: Principal) -> MePublic:
    """The caller as `GET /auth/me` shows it."""
    user = session.get(UserAccount, principal.user_id) if principal.user_id is not None else None
    return MePublic(
        label=principal.label,
        role=principal.role,
        organisation_id=principal.organisation_id,
        user=UserPublic.model_validate(user) if user is not None else None,
        api_key_id=principal.api_key_id,
        station_id=principal.station_id,
    )
