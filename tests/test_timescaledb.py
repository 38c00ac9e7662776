"""The TimescaleDB path: reading becomes a compressed hypertable and ingest stays exactly-once.

Runs where DUSTWATCH_TEST_TIMESCALE_URL points at a server with the extension preloaded
(the docker-compose database, or a hand-built one); skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from core.kit.db import make_engine, make_session_factory
from core.kit.schema import check_no_drift, is_hypertable, timescaledb_usable, upgrade_to_head
from core.models import HourlyAggregate, Reading
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station

TIMESCALE_URL = os.environ.get("DUSTWATCH_TEST_TIMESCALE_URL")
pytestmark = pytest.mark.timescaledb


@pytest.fixture(scope="module")
def timescale_database() -> Iterator[str]:
    if not TIMESCALE_URL:
        pytest.skip("DUSTWATCH_TEST_TIMESCALE_URL is not set: no TimescaleDB server to test")
    admin = create_engine(TIMESCALE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if not timescaledb_usable(connection):
                pytest.skip(
                    "the server at DUSTWATCH_TEST_TIMESCALE_URL lacks a preloaded timescaledb"
                )
            name = f"dustwatch_ts_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except pytest.skip.Exception:
        admin.dispose()
        raise
    url = make_url(TIMESCALE_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_reading_is_a_compressed_hypertable_without_drift(timescale_database: str) -> None:
    upgrade_to_head(timescale_database)
    check_no_drift(timescale_database)
    engine = make_engine(timescale_database)
    with engine.connect() as connection:
        assert is_hypertable(connection, "reading")
        compression = connection.execute(
            text(
                "SELECT compression_enabled FROM timescaledb_information.hypertables "
                "WHERE hypertable_name = 'reading'"
            )
        ).scalar_one()
        policies = connection.execute(
            text(
                "SELECT count(*) FROM timescaledb_information.jobs "
                "WHERE hypertable_name = 'reading' AND proc_name = 'policy_compression'"
            )
        ).scalar_one()
    engine.dispose()
    assert compression is True
    assert policies == 1


def test_duplicates_are_stored_once_on_the_hypertable(timescale_database: str) -> None:
    upgrade_to_head(timescale_database)
    engine = make_engine(timescale_database)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        station = make_station(session)
        code = station.code
    readings = [
        {"parameter": "pm10", "value": 100 + h, "time": f"2026-11-01T{h:02d}:00:00Z"}
        for h in range(24)
    ]
    message = IncomingMessage(
        f"dustwatch/v1/readings/{code}", json.dumps(readings).encode(), datetime.now(UTC)
    )
    for _ in range(2):
        with factory.begin() as session:
            ingest_messages(
                session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone()
            )
    with factory() as session:
        stored = session.scalar(select(func.count()).select_from(Reading))
        counted = session.scalar(select(func.sum(HourlyAggregate.reading_count)))
    engine.dispose()
    assert (stored, counted) == (24, 24)
