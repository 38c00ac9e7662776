"""The harness: a migrated PostgreSQL database and a SQLite file for the run, each test in a
rolled-back transaction; a throwaway Mosquitto (dustwatch's embedded broker is started by
the tests that use it, with the runtime's credentials)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from core.kit.db import make_engine
from core.kit.schema import upgrade_to_head
from core.readings.rollups import ensure_daily_rollups
from core.settings import default_zone
from tests.support import Mosquitto

PG_ADMIN_URL = os.environ.get(
    "DUSTWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["postgresql", "sqlite"]

# Tests may reach only this machine, so every webhook receiver is a loopback http:// server:
# settings read from the environment allow that; tests of the refusals set both to false.
os.environ.setdefault("DUSTWATCH_DELIVERY__ALLOW_HTTP_WEBHOOKS", "true")
os.environ.setdefault("DUSTWATCH_DELIVERY__ALLOW_PRIVATE_WEBHOOKS", "true")


def migrate(url: str) -> None:
    """Migrated to head with the (empty) daily rollups built in the default zone, as start-up
    leaves a new database."""
    upgrade_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        ensure_daily_rollups(session, default_zone())
    engine.dispose()


class PostgresDatabases:
    """Creates databases named dustwatch_test_* on the test server, and drops them after."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self.template: str | None = None
        try:
            with self.admin.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            raise pytest.UsageError(
                f"the tests need PostgreSQL at {admin_url} (DUSTWATCH_TEST_PG_URL): {error}"
            ) from error

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool = True) -> str:
        """A new database; migrated ones are cloned from a template migrated once per run."""
        name = f"dustwatch_test_{uuid.uuid4().hex[:12]}"
        if migrated and self.template is None:
            self.template = f"dustwatch_test_tpl_{uuid.uuid4().hex[:8]}"
            self._execute(f'CREATE DATABASE "{self.template}"')
            self.created.append(self.template)
            migrate(self.url(self.template))
        source = f' TEMPLATE "{self.template}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{source}')
        self.created.append(name)
        return self.url(name)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(PG_ADMIN_URL)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path.read_bytes()


@pytest.fixture
def fresh_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A new migrated database of the backend named by the test's `backend` parameter."""
    backend = request.getfixturevalue("backend")
    if backend == "postgresql":
        return request.getfixturevalue("postgres").create()
    path = tmp_path_factory.mktemp("sqlite") / "dustwatch.db"
    path.write_bytes(request.getfixturevalue("sqlite_template"))
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def shared_engines(
    postgres: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory, sqlite_template: bytes
) -> Iterator[dict[str, Engine]]:
    """One migrated database per backend for the rolled-back tests."""
    path = tmp_path_factory.mktemp("sqlite-shared") / "dustwatch.db"
    path.write_bytes(sqlite_template)
    engines = {
        "postgresql": make_engine(postgres.create()),
        "sqlite": make_engine(f"sqlite:///{path}"),
    }
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def engine(backend: str, shared_engines: dict[str, Engine]) -> Engine:
    return shared_engines[backend]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits become savepoints of one transaction rolled back at the end."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="session")
def mosquitto() -> Iterator[Mosquitto]:
    if not Mosquitto.available():
        raise pytest.UsageError(
            "the mosquitto binary is needed for the tests (apt-get install mosquitto)"
        )
    broker = Mosquitto.create()
    yield broker
    broker.remove()


@pytest.fixture
def topic_prefix() -> str:
    """Topics of this test's own, so tests never see each other's messages."""
    return f"test-{uuid.uuid4().hex[:10]}/dustwatch/v1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files holding slow tests first (the longest, the outage and the demo, at the
    very front): the workers take files in this order, so no worker is left at the end
    with a two-minute test while the other waits."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    first = ("test_outage.py", "test_main.py")

    def order(item: pytest.Item) -> tuple[int, int]:
        name = item.path.name
        return (0 if item.path in slow else 1, first.index(name) if name in first else len(first))

    items.sort(key=order)
