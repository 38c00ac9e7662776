"""Ingest throughput: dustwatch's validated, exactly-once batch write against a plain INSERT.

Both write the same readings into a fresh migrated database in batches of 500, in the
same run, so the ratio shows what validation, ON CONFLICT, the hourly aggregates and the
latest-reading upsert cost. Usage:

    .venv/bin/python bench/ingest_throughput.py [--url postgresql+psycopg://…/db] [--readings N]

With --url (a server database to create scratch databases in) it measures PostgreSQL;
without, SQLite files in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from core.kit.db import make_engine, make_session_factory
from core.kit.schema import upgrade_to_head
from core.models import (
    Organisation,
    Reading,
    ReadingSource,
    StakeholderGroup,
    Station,
    StationKind,
)
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from core.standards.parameters import BY_CODE, to_milli

BATCH = 500
PER_MESSAGE = 10
STATIONS = 10
START = datetime(2026, 10, 1, tzinfo=UTC)


@contextmanager
def scratch_database(server_url: str | None) -> Iterator[str]:
    if server_url is None:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"dustwatch_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def readings(count: int) -> list[tuple[str, dict[str, object]]]:
    """(station code, reading) pairs: each station one pm10 reading a minute; dated in the
    past, so declared backfill, or quality control would grade every one "too old"."""
    return [
        (
            f"bench-{i % STATIONS}",
            {
                "parameter": "pm10",
                "value": 40 + (i % 97) / 10,
                "time": (START + timedelta(minutes=i // STATIONS)).isoformat(),
                "backfill": True,
            },
        )
        for i in range(count)
    ]


def bench_stations(session: Session, areas: dict[str, str]) -> list[Station]:
    """Public volunteer stations (code -> area) of one "bench" organisation, flushed."""
    owner = Organisation(
        name_th="bench",
        name_en="bench",
        stakeholder_group=StakeholderGroup.OTHER,
        areas=[],
        created_at=datetime.now(UTC),
    )
    session.add(owner)
    session.flush()
    stations = [
        Station(
            code=code,
            name=code.replace("-", " ").title(),
            kind=StationKind.VOLUNTEER,
            organisation_id=owner.id,
            latitude=14.7,
            longitude=100.9,
            area=area,
            public=True,
            created_at=datetime.now(UTC),
        )
        for code, area in areas.items()
    ]
    session.add_all(stations)
    session.flush()
    return stations


def add_stations(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory.begin() as session:
        stations = bench_stations(session, {f"bench-{i}": "bench" for i in range(STATIONS)})
        return {s.code: s.id for s in stations}


def plain_insert(factory: sessionmaker[Session], data: list[tuple[str, dict[str, object]]]) -> None:
    ids = add_stations(factory)
    pm10 = BY_CODE["pm10"].id
    for start in range(0, len(data), BATCH):
        rows = [
            {
                "station_id": ids[code],
                "parameter_id": pm10,
                "time": datetime.fromisoformat(str(r["time"])),
                "value_milli": to_milli(Decimal(repr(r["value"]))),
                "quality_flag": 0,
                "source": int(ReadingSource.MQTT),
            }
            for code, r in data[start : start + BATCH]
        ]
        with factory.begin() as session:
            session.execute(insert(Reading), rows)


def dustwatch_ingest(
    factory: sessionmaker[Session], data: list[tuple[str, dict[str, object]]]
) -> None:
    add_stations(factory)
    now = datetime.now(UTC)
    for start in range(0, len(data), BATCH):
        chunk = data[start : start + BATCH]
        messages = [
            IncomingMessage(
                f"dustwatch/v1/readings/{chunk[m][0]}",
                json.dumps([r for _, r in chunk[m : m + PER_MESSAGE]]).encode(),
                now,
            )
            for m in range(0, len(chunk), PER_MESSAGE)
        ]
        with factory.begin() as session:
            outcome = ingest_messages(
                session, messages=messages, topic_prefix="dustwatch/v1", zone=default_zone()
            )
            assert outcome.rejected == 0, outcome.rejections[:3]


def measure(
    name: str,
    server_url: str | None,
    data: list[tuple[str, dict[str, object]]],
    write: Callable[[sessionmaker[Session], list[tuple[str, dict[str, object]]]], None],
) -> float:
    with scratch_database(server_url) as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        began = time.perf_counter()
        write(factory, data)
        seconds = time.perf_counter() - began
        engine.dispose()
    rate = len(data) / seconds
    print(f"{name:<34} {len(data):>8} readings in {seconds:6.2f} s = {rate:9.0f} readings/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="server URL to create scratch databases in (default: SQLite)")
    parser.add_argument("--readings", type=int, default=20_000)
    args = parser.parse_args()
    data = readings(args.readings)
    backend = make_url(args.url).get_backend_name() if args.url else "sqlite"
    print(f"backend: {backend}; batches of {BATCH}, {PER_MESSAGE} readings per message")
    baseline = measure("baseline: plain INSERT (no checks)", args.url, data, plain_insert)
    ours = measure("dustwatch ingest_messages", args.url, data, dustwatch_ingest)
    print(f"ratio dustwatch / baseline: {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
