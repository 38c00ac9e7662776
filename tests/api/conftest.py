"""An app on one connection whose transaction is rolled back after each test, with a session
on the same connection for arranging data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
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


def make_api(engine: Engine, settings: Settings | None = None) -> Iterator[Api]:
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    app = create_app(
        settings=settings or Settings(), session_factory=factory, health_registry=HealthRegistry()
    )
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
