"""The alert check at scale: one run of every rule kind (value over a threshold, NowCast, AQI
band, 24-hour standard, silent station, late report, report breach, observation cluster,
backlog) against the baseline of the one default rule (the 24-hour standard, all issue 7
had), over the same stations and data in the same run.

    .venv/bin/python bench/alert_rules.py [--stations 50] [--backend postgresql|sqlite|both]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Each station has 48 hours of PM2.5 and PM10 (two readings an hour), half of them over the
limits, so that the rules open alerts on the first run and update them on the next: both are
timed (median of 5 runs at later moments, each its own transaction, rolled back). The
PostgreSQL URL may also come from DUSTWATCH_BENCH_PG_URL; a scratch database is created and
dropped. Prints the milliseconds of each and the ratio of all rules to the default rule.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_throughput import bench_stations  # noqa: E402
from core.access.principal import system_principal  # noqa: E402
from core.alerts.detectors.table import rule_detectors  # noqa: E402
from core.alerts.engine import evaluate_rules  # noqa: E402
from core.alerts.rule_schemas import AlertRuleIn  # noqa: E402
from core.alerts.rules import create_rule  # noqa: E402
from core.kit.db import make_engine, make_session_factory  # noqa: E402
from core.kit.schema import upgrade_to_head  # noqa: E402
from core.models import AlertKind  # noqa: E402
from core.readings.ingest import IncomingMessage, ingest_messages  # noqa: E402
from core.settings import default_zone  # noqa: E402

ZONE = default_zone()
START = datetime(2026, 11, 1, tzinfo=UTC)
NOW = START + timedelta(hours=48, minutes=5)
PREFIX = "dustwatch/v1"
RULES = [
    {"kind": AlertKind.VALUE_OVER, "parameter": "pm25", "threshold": 50, "averaging": "hourly"},
    {"kind": AlertKind.VALUE_OVER, "parameter": "pm25", "threshold": 50, "averaging": "nowcast"},
    {"kind": AlertKind.AQI_BAND, "aqi_band": 4},
    {"kind": AlertKind.STATION_SILENT, "minutes": 60},
    {"kind": AlertKind.REPORT_LATE},
    {"kind": AlertKind.REPORT_BREACH},
    {"kind": AlertKind.OBSERVATION_CLUSTER, "count": 3, "radius_m": 500, "window_minutes": 60},
    {"kind": AlertKind.BACKLOG},
]


@contextmanager
def database(backend: str, pg_url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"dustwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(session: Session, stations: int) -> None:
    """`stations` public stations, 48 hours each; every other one over both limits."""
    areas = {f"bench-{n:03d}": f"area {n % 5}" for n in range(stations)}
    for n, station in enumerate(bench_stations(session, areas)):
        value = {"pm25": 80.0, "pm10": 200.0} if n % 2 else {"pm25": 20.0, "pm10": 40.0}
        readings = [
            {"parameter": parameter, "value": level, "time": moment.isoformat()}
            for hour in range(48)
            for minutes in (0, 30)
            for parameter, level in value.items()
            if (moment := START + timedelta(hours=hour, minutes=minutes))
        ]
        message = IncomingMessage(
            f"{PREFIX}/readings/{station.code}", json.dumps(readings).encode(), NOW
        )
        ingest_messages(session, messages=[message], topic_prefix=PREFIX, zone=ZONE)


def add_rules(session: Session) -> None:
    for settings in RULES:
        kind = settings["kind"]
        assert isinstance(kind, AlertKind)
        create_rule(
            session,
            AlertRuleIn.model_validate(
                {
                    "name": f"bench {kind.value}",
                    "title_th": "แจ้งเตือน {area}",
                    "title_en": "Alert {area}",
                    "message_th": "ค่า {value}",
                    "message_en": "value {value}",
                    **settings,
                }
            ),
            actor=system_principal("bench"),
            now=NOW,
        )


def timed(url: str, kinds: frozenset[AlertKind] | None) -> tuple[float, float, int]:
    """Median ms of the first run (alerts open) and of the next one (they are updated)."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    detectors = rule_detectors(ZONE, heartbeats_within=timedelta(seconds=30))
    first, again, opened = [], [], 0
    for n in range(5):
        moment = NOW + timedelta(minutes=n)
        with factory() as session:
            started = time.perf_counter()
            run = evaluate_rules(session, now=moment, zone=ZONE, detectors=detectors, kinds=kinds)
            first.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            evaluate_rules(
                session,
                now=moment + timedelta(seconds=30),
                zone=ZONE,
                detectors=detectors,
                kinds=kinds,
            )
            again.append((time.perf_counter() - started) * 1000)
            opened = len(run.opened)
            session.rollback()
    engine.dispose()
    return statistics.median(first), statistics.median(again), opened


def bench(backend: str, pg_url: str, stations: int) -> None:
    with database(backend, pg_url) as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            seed(session, stations)
            add_rules(session)
        engine.dispose()
        base_first, base_again, base_opened = timed(url, frozenset({AlertKind.EXCEEDANCE_24H}))
        all_first, all_again, all_opened = timed(url, None)
    print(f"{backend}, {stations} stations:")
    for label, first, again, opened in (
        ("default rule only", base_first, base_again, base_opened),
        (f"all {len(RULES) + 1} rules", all_first, all_again, all_opened),
    ):
        print(f"  {label:<18} open {first:8.1f} ms  update {again:8.1f} ms  ({opened} alerts)")
    print(
        f"  ratio all / default  open {all_first / base_first:.2f}x"
        f"  update {all_again / base_again:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "DUSTWATCH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        bench(backend, args.pg_url, args.stations)


if __name__ == "__main__":
    main()
