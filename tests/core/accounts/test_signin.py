"""Signing in against the clock: lock-out, expiry, rotation, revocation, browser sessions."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.passwords import hash_password
from core.accounts.signin import (
    SignInRefused,
    authenticate,
    check_csrf,
    end_browser_session,
    issue_tokens,
    principal_for_token,
    refresh_tokens,
    sign_out,
    start_browser_session,
)
from core.kit.errors import Forbidden, InvalidInput, Unauthenticated
from core.models import AuthToken, Role
from core.settings import AuthSettings
from tests.factories import DEFAULT_PASSWORD, make_user

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_the_right_password_signs_in_whatever_the_case_of_the_email(session: Session) -> None:
    user = make_user(session, email="somchai@example.org")
    found = authenticate(session, email=" SomChai@Example.org", password=DEFAULT_PASSWORD, now=NOW)
    assert found.id == user.id


def test_unknown_email_and_wrong_password_get_the_same_answer(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(SignInRefused) as unknown:
        authenticate(session, email="nobody@example.org", password=DEFAULT_PASSWORD, now=NOW)
    with pytest.raises(SignInRefused) as wrong:
        authenticate(session, email=user.email, password="wrong password", now=NOW)
    assert str(unknown.value) == str(wrong.value)


def test_unknown_email_takes_about_as_long_as_a_wrong_password(session: Session) -> None:
    user = make_user(session)

    def seconds(email: str) -> float:
        start = time.perf_counter()
        with pytest.raises(SignInRefused):
            authenticate(session, email=email, password="wrong password", now=NOW)
        return time.perf_counter() - start

    policy_free = [(seconds(user.email), seconds("nobody@example.org")) for _ in range(3)]
    known = statistics.median(k for k, _ in policy_free)
    unknown = statistics.median(u for _, u in policy_free)
    assert unknown > known / 2  # both are dominated by one Argon2 verification


def test_five_failures_lock_the_account_for_a_while(session: Session) -> None:
    user = make_user(session)
    for attempt in range(5):
        with pytest.raises(SignInRefused):
            authenticate(
                session, email=user.email, password="wrong", now=NOW + timedelta(seconds=attempt)
            )
    assert user.locked_until == NOW + timedelta(seconds=4, minutes=15)
    with pytest.raises(SignInRefused):  # even the right password, while locked
        authenticate(
            session, email=user.email, password=DEFAULT_PASSWORD, now=NOW + timedelta(minutes=10)
        )
    after = NOW + timedelta(minutes=16)
    assert authenticate(session, email=user.email, password=DEFAULT_PASSWORD, now=after) is user
    assert (user.failed_sign_ins, user.locked_until) == (0, None)


def test_the_lock_out_policy_is_a_setting(session: Session) -> None:
    user = make_user(session)
    policy = AuthSettings(max_failed_sign_ins=2, lockout_minutes=1)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            authenticate(session, email=user.email, password="wrong", now=NOW, policy=policy)
    assert user.locked_until == NOW + timedelta(minutes=1)


def test_a_disabled_account_cannot_sign_in(session: Session) -> None:
    user = make_user(session, disabled=True)
    with pytest.raises(Unauthenticated, match="disabled"):
        authenticate(session, email=user.email, password=DEFAULT_PASSWORD, now=NOW)


def test_passwords_are_argon2id_and_never_stored_plain(session: Session) -> None:
    assert hash_password("a long enough password").startswith("$argon2id$")
    with pytest.raises(InvalidInput, match="at least 10"):
        hash_password("short")


def test_access_tokens_expire_and_are_stored_only_as_hashes(session: Session) -> None:
    user = make_user(session, role=Role.OPERATOR)
    pair = issue_tokens(session, user=user, now=NOW)
    principal = principal_for_token(session, token=pair.access_token, now=NOW)
    assert (principal.user_id, principal.role, principal.organisation_id) == (
        user.id,
        Role.OPERATOR,
        user.organisation_id,
    )
    stored = set(session.scalars(select(AuthToken.token_hash)))
    assert pair.access_token not in stored
    assert pair.refresh_token not in stored
    with pytest.raises(Unauthenticated):
        principal_for_token(session, token=pair.access_token, now=NOW + timedelta(minutes=60))
    with pytest.raises(Unauthenticated):  # a refresh token is not an access token
        principal_for_token(session, token=pair.refresh_token, now=NOW)


def test_refresh_rotates_and_a_reused_refresh_token_signs_everyone_out(session: Session) -> None:
    user = make_user(session)
    first = issue_tokens(session, user=user, now=NOW)
    later = NOW + timedelta(days=2)
    second = refresh_tokens(session, refresh_token=first.refresh_token, now=later)
    assert principal_for_token(session, token=second.access_token, now=later).user_id == user.id
    with pytest.raises(Unauthenticated):  # the old access token went with the rotation
        principal_for_token(session, token=first.access_token, now=later)
    with pytest.raises(Unauthenticated, match="already used"):
        refresh_tokens(session, refresh_token=first.refresh_token, now=later)
    with pytest.raises(Unauthenticated):  # the copy's use revoked the new pair too
        principal_for_token(session, token=second.access_token, now=later)
    with pytest.raises(Unauthenticated):
        refresh_tokens(session, refresh_token=second.refresh_token, now=later)


def test_refresh_tokens_expire_after_30_days(session: Session) -> None:
    pair = issue_tokens(session, user=make_user(session), now=NOW)
    with pytest.raises(Unauthenticated, match="expired"):
        refresh_tokens(session, refresh_token=pair.refresh_token, now=NOW + timedelta(days=30))


def test_sign_out_revokes_the_access_and_refresh_token(session: Session) -> None:
    pair = issue_tokens(session, user=make_user(session), now=NOW)
    other = issue_tokens(session, user=make_user(session), now=NOW)
    sign_out(session, token=pair.access_token, now=NOW)
    with pytest.raises(Unauthenticated):
        principal_for_token(session, token=pair.access_token, now=NOW)
    with pytest.raises(Unauthenticated):
        refresh_tokens(session, refresh_token=pair.refresh_token, now=NOW)
    assert principal_for_token(session, token=other.access_token, now=NOW).user_id is not None


def test_browser_sessions_need_their_csrf_token_and_end_on_sign_out(session: Session) -> None:
    user = make_user(session)
    browser = start_browser_session(session, user=user, now=NOW)
    principal = principal_for_token(session, token=browser.token, now=NOW, source="cookie")
    assert principal.user_id == user.id
    with pytest.raises(Unauthenticated):  # a cookie is not a bearer token
        principal_for_token(session, token=browser.token, now=NOW)
    check_csrf(session, token=browser.token, csrf_token=browser.csrf_token, now=NOW)
    with pytest.raises(Forbidden):
        check_csrf(session, token=browser.token, csrf_token="forged", now=NOW)
    with pytest.raises(Forbidden):
        check_csrf(session, token=browser.token, csrf_token=None, now=NOW)
    end_browser_session(session, token=browser.token, now=NOW)
    with pytest.raises(Unauthenticated):
        principal_for_token(session, token=browser.token, now=NOW, source="cookie")
    expired = start_browser_session(session, user=user, now=NOW)
    with pytest.raises(Unauthenticated):
        principal_for_token(
            session, token=expired.token, now=NOW + timedelta(hours=12), source="cookie"
        )
