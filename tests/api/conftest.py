"""An app on one connection whose transaction is rolled back after each test, with a session
on the same connection for arranging data."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretBytes, SecretStr
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.limits import SubmissionRate
from core.kit.health import HealthRegistry
from core.models import UserAccount
from core.settings import Settings
from tests.factories import bearer_for


@dataclass
class Api:
    client: TestClient
    session: Session
    """For arranging and checking data: call `commit()` before requests should see it."""
    factory: sessionmaker[Session]
    connection: Connection
    """The connection under both: `begin_nested()` on it undoes what a request did."""

    def headers(self, user: UserAccount) -> dict[str, str]:
        """A fresh sign-in of `user` as an Authorization header."""
        headers = bearer_for(self.session, user)
        self.session.commit()
        return headers


_APPS: dict[Hashable, FastAPI] = {}
APPS_KEPT = 8


def _key(value: Any) -> Hashable:
    """Settings as a hashable value, secrets included (their JSON hides them)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_key(v) for v in value)
    if isinstance(value, SecretStr | SecretBytes):
        return ("secret", value.get_secret_value())
    return repr(value)


def _app_for(settings: Settings) -> FastAPI:
    """One app per worker and settings: FastAPI prepares each route's dependencies on its
    first request, which costs more than most tests; the state a test may change is set
    afresh by `make_api`."""
    key = _key(settings.model_dump())
    if key not in _APPS:
        if len(_APPS) >= APPS_KEPT:
            del _APPS[next(iter(_APPS))]
        _APPS[key] = create_app(
            settings=settings, session_factory=_unset, health_registry=HealthRegistry()
        )
    return _APPS[key]


def _unset() -> Session:
    raise AssertionError("make_api sets the session factory of each test")


def make_api(engine: Engine, settings: Settings | None = None) -> Iterator[Api]:
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    settings = settings or Settings()
    app = _app_for(settings)
    app.state.session_factory = factory
    app.state.health = HealthRegistry()
    app.state.submission_rate = SubmissionRate(settings.api.anonymous_submissions_per_hour)
    app.state.test_session_factory = factory
    session = factory()
    with TestClient(app, raise_server_exceptions=True) as client:
        yield Api(client, session, factory, connection)
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine)
