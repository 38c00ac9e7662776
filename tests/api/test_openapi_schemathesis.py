"""Schemathesis against /openapi.json: for every operation, requests generated from the
document never get a server error, and every answer fits the document. Anonymous and as a
signed-in admin, on PostgreSQL (the stricter backend). Few examples, derandomised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from api.app import create_app
from core.kit.health import HealthRegistry
from core.models import Role
from core.settings import Settings
from tests.api.conftest import Api, make_api
from tests.factories import make_station, make_user

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_on_postgres(shared_engines: dict[str, Engine]) -> Iterator[Api]:
    yield from make_api(shared_engines["postgresql"])


@pytest.fixture
def admin_headers(api_on_postgres: Api) -> dict[str, str]:
    api = api_on_postgres
    make_station(api.session, code="npl-v01")
    return api.headers(make_user(api.session, role=Role.ADMIN))


def document() -> dict[str, Any]:
    """The OpenAPI document; building it touches no database."""
    app = create_app(
        settings=Settings(), session_factory=sessionmaker(), health_registry=HealthRegistry()
    )
    return app.openapi()


# Schemathesis's fixture-based loader does not run under pytest 9, so the operations come
# from the document up front and each call goes to the app of the test's own database.
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_fit_the_document(
    case: schemathesis.Case, api_on_postgres: Api, admin_headers: dict[str, str]
) -> None:
    app = api_on_postgres.client.app
    case.call_and_validate(checks=CHECKS, app=app)
    case.call_and_validate(checks=CHECKS, app=app, headers=admin_headers)
