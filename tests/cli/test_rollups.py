"""`dustwatch rollups rebuild` and the start-up rebuild: daily rollups follow the zone setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.runtime import Runtime
from core.kit.db import make_engine
from core.models import DailyAggregate
from core.readings.ingest import IncomingMessage, ingest_messages
from core.readings.rollups import rollup_zone
from core.settings import DatabaseSettings, SchedulerSettings, Settings, default_zone
from tests.factories import make_station

ROOT = Path(__file__).resolve().parents[2]


def seed(url: str) -> None:
    """Readings at 16:30 and 17:30 UTC on the 22nd, ingested in Bangkok time."""
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        station = make_station(session, code="npl-v01")
        items = [
            {"parameter": "pm10", "value": 50, "time": "2026-11-22T16:30:00+00:00"},
            {"parameter": "pm10", "value": 70, "time": "2026-11-22T17:30:00+00:00"},
        ]
        message = IncomingMessage(
            f"dustwatch/v1/readings/{station.code}",
            json.dumps(items).encode(),
            datetime(2026, 11, 25, tzinfo=UTC),
        )
        ingest_messages(
            session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone()
        )
    engine.dispose()


def days(url: str) -> tuple[str | None, list[tuple[str, int]]]:
    engine = make_engine(url)
    with Session(engine) as session:
        zone = rollup_zone(session)
        rows = session.execute(
            select(DailyAggregate.day, DailyAggregate.hours_with_data).order_by(DailyAggregate.day)
        )
        found = [(row.day.isoformat(), row.hours_with_data) for row in rows]
    engine.dispose()
    return zone, found


def test_rebuild_from_the_command_line_uses_the_zone_setting(
    backend: str, fresh_database_url: str
) -> None:
    seed(fresh_database_url)
    # 16:30 and 17:30 UTC are 23:30 on the 22nd and 00:30 on the 23rd in Bangkok.
    assert days(fresh_database_url) == ("Asia/Bangkok", [("2026-11-22", 1), ("2026-11-23", 1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUSTWATCH_")}
    env |= {
        "DUSTWATCH_DB__URL": fresh_database_url,
        "DUSTWATCH_TIME_ZONE": "Europe/London",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "rollups", "rebuild"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "rebuilt in Europe/London (were Asia/Bangkok): 2 hourly rows into 1 days" in result.stdout
    )
    assert days(fresh_database_url) == ("Europe/London", [("2026-11-22", 2)])


def test_start_up_rebuilds_when_the_zone_setting_changed(
    backend: str, fresh_database_url: str
) -> None:
    seed(fresh_database_url)
    settings = Settings(
        time_zone="Asia/Tokyo",
        db=DatabaseSettings(url=fresh_database_url),
        scheduler=SchedulerSettings(enabled=False),
    )
    runtime = Runtime(settings)
    runtime.start(migrate=False, embedded_broker=False, ingest=False, scheduler=False)
    runtime.stop()
    assert days(fresh_database_url) == ("Asia/Tokyo", [("2026-11-23", 2)])
