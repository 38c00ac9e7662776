"""Indicators at scale: a one-year indicator from the rollups, for one area and for all areas,
against the same query over raw readings, at 1x (20 stations, one area) and 10x (200 stations
in 10 areas of 20, the full case) in the same run: a one-area query should not grow with the
rest of the data.

The full case is one year of 1-minute PM10 readings for 200 stations in 10 areas (about 105
million readings). Writing those through the ingest would take hours on this machine, so the
benchmark loads what the ingest would have left: the hourly and daily rollups of that year,
computed here from the same 1-minute series and bulk-inserted, and the raw readings only for a
fraction (2 stations x 30 days). The raw query is timed on that fraction and extrapolated
linearly to one area-year (it reads every reading, so it grows with them).

    .venv/bin/python bench/indicators.py [--backend postgresql|sqlite|both]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

The PostgreSQL URL may also come from DUSTWATCH_BENCH_PG_URL; a scratch database is created
and dropped.

"Every area in turn" loops over the areas, so it grows with their number; the whole deployment
is also timed as one call. Each measure's 10x / 1x ratio is printed, and raw / rollups.

Figures (2 CPUs shared with other work, so +-30 %; median ms, 10x unless said):

                                      PostgreSQL          SQLite
                                   before   after     before   after
    one area (1x / 10x)           121/143   41/48    226/163   83/49
    every area in turn (10 areas)    1484     814       1794     555
    whole deployment, one call       1183     350       1294     271
    ratio 10x / 1x, one area         1.18    1.17       0.72    0.58
    raw / rollups, one area-year     356x   1321x       404x   2197x

"Before" read a DailyMean, a 50-digit Decimal and a quantized verdict per station-day; "after"
compares means by integer cross-multiplication and builds Decimals only for reported figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, make_url, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_throughput import bench_stations  # noqa: E402
from core.access.scope import StationScope
from core.indicators.service import compute_indicators
from core.kit.db import make_engine
from core.kit.means import hourly_mean_milli
from core.kit.schema import upgrade_to_head
from core.models import (
    DailyAggregate,
    HourlyAggregate,
    Reading,
)
from core.readings.rollups import record_rollup_zone
from core.settings import default_zone
from core.standards.aqi import reduce_to_precision
from core.standards.catalogue import standard_in_force, thai_aqi_scale
from core.standards.parameters import BY_CODE

PER_AREA = 20
YEAR = 2025
DAYS = 365
RAW_STATIONS = 2
RAW_DAYS = 30
MINUTES = 60
PM10 = BY_CODE["pm10"]
ZONE = default_zone()
EVERYTHING = StationScope(all_private=True)
START_UTC = datetime(YEAR, 1, 1, tzinfo=ZONE).astimezone(UTC)
WIGGLE = [(m % 7) * 10 for m in range(MINUTES)]
"""Each minute's value is the hour's base plus this, so an hour's sum is known without
generating its 60 readings."""


def base_milli(station: int, hour: int) -> int:
    """A PM10 level that swings over the year and between stations, so some days exceed."""
    season = (hour // 24 * 4111 + station * 1013) % 150_000
    return 20_000 + season + (hour * 7919 + station * 31) % 9_000


def has_data(station: int, hour: int) -> bool:
    return (station * 13 + hour) % 53 != 0  # about 2 % of hours missing


@contextmanager
def scratch(backend: str, pg_url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    name = f"dustwatch_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bulk(engine: Engine, table: Any, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """COPY on PostgreSQL, executemany in chunks on SQLite."""
    count = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(
                f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN"
            ) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
            raw.commit()
        finally:
            raw.close()
        return count
    chunk: list[dict[str, Any]] = []
    with Session(engine) as session, session.begin():
        for row in rows:
            chunk.append(dict(zip(columns, row, strict=True)))
            if len(chunk) == 50_000:
                session.execute(insert(table), chunk)
                count += len(chunk)
                chunk.clear()
        if chunk:
            session.execute(insert(table), chunk)
            count += len(chunk)
    return count


def load(url: str, stations: int) -> tuple[Engine, list[int], dict[int, str]]:
    upgrade_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        rows = bench_stations(
            session, {f"bench-{i:03d}": f"area-{i // PER_AREA}" for i in range(stations)}
        )
        ids = [s.id for s in rows]
        areas = {s.id: s.area for s in rows}
        record_rollup_zone(session, ZONE)
    wiggle = sum(WIGGLE)
    hours = DAYS * 24

    def hourly() -> Iterator[tuple[Any, ...]]:
        for index, station_id in enumerate(ids):
            for h in range(hours):
                if has_data(index, h):
                    value_sum = MINUTES * base_milli(index, h) + wiggle
                    yield (station_id, PM10.id, START_UTC + timedelta(hours=h), value_sum, MINUTES)

    def daily() -> Iterator[tuple[Any, ...]]:
        for index, station_id in enumerate(ids):
            for d in range(DAYS):
                total = count = 0
                for h in range(d * 24, d * 24 + 24):
                    if has_data(index, h):
                        total += hourly_mean_milli(MINUTES * base_milli(index, h) + wiggle, MINUTES)
                        count += 1
                yield (station_id, PM10.id, date(YEAR, 1, 1) + timedelta(days=d), total, count)

    def raw() -> Iterator[tuple[Any, ...]]:
        for index, station_id in enumerate(ids[:RAW_STATIONS]):
            for h in range(RAW_DAYS * 24):
                if has_data(index, h):
                    base = base_milli(index, h)
                    moment = START_UTC + timedelta(hours=h)
                    for minute in range(MINUTES):
                        yield (
                            moment + timedelta(minutes=minute),
                            base + WIGGLE[minute],
                            station_id,
                            PM10.id,
                            0,
                            1,
                        )

    began = time.perf_counter()
    n_hourly = bulk(
        engine,
        HourlyAggregate,
        ["station_id", "parameter_id", "hour", "value_sum_milli", "reading_count"],
        hourly(),
    )
    n_daily = bulk(
        engine,
        DailyAggregate,
        ["station_id", "parameter_id", "day", "hour_mean_sum_milli", "hours_with_data"],
        daily(),
    )
    n_raw = bulk(
        engine,
        Reading,
        ["time", "value_milli", "station_id", "parameter_id", "quality_flag", "source"],
        raw(),
    )
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    print(
        f"  loaded {stations} stations: {n_hourly:,} hourly rows, {n_daily:,} daily rows, "
        f"{n_raw:,} raw readings ({RAW_STATIONS} stations x {RAW_DAYS} days) "
        f"in {time.perf_counter() - began:.1f} s; the full year would be "
        f"{stations * DAYS * 24 * MINUTES:,} readings"
    )
    return engine, ids, areas


def timed(action: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time in ms of `repeat` runs after one warm-up."""
    action()
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs)


def raw_exceedance_days(session: Session, station_ids: list[int], start: date, end: date) -> int:
    """The one-area indicator (exceedance days by the area's worst valid station) computed by
    reading every raw reading: what the rollups avoid."""
    first = datetime(start.year, start.month, start.day, tzinfo=ZONE).astimezone(UTC)
    last = datetime(end.year, end.month, end.day, tzinfo=ZONE).astimezone(UTC) + timedelta(days=1)
    hours: dict[tuple[int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(Reading.station_id, Reading.time, Reading.value_milli).where(
            Reading.station_id.in_(station_ids),
            Reading.parameter_id == PM10.id,
            Reading.time >= first,
            Reading.time < last,
        )
    )
    for station_id, moment, value in rows:
        total = hours[(station_id, moment.replace(minute=0, second=0, microsecond=0))]
        total[0] += value
        total[1] += 1
    days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for (station_id, hour), (value_sum, count) in hours.items():
        day = days[(station_id, hour.astimezone(ZONE).date())]
        day[0] += hourly_mean_milli(value_sum, count)
        day[1] += 1
    worst: dict[date, Fraction] = {}
    for (_, day), (mean_sum, count) in days.items():
        if count >= 18:
            mean = Fraction(mean_sum, count * 1000)
            worst[day] = max(worst.get(day, mean), mean)
    over = 0
    for day, mean in worst.items():
        standard = standard_in_force("th-pm10-24h", on=day)
        scale = thai_aqi_scale("pm10", on=day)
        assert standard is not None
        assert scale is not None
        exact = reduce_to_precision(scale, to_decimal(mean))
        over += exact > standard.limit
    return over


def to_decimal(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return Decimal(value.numerator) / Decimal(value.denominator)


RATIOS = [
    ("one_area", "one area (the same 20 stations)"),
    ("per_area_in_loop", "an area, in a loop over every area"),
    ("all_areas", "every area in turn (1 area at 1x, 10 at 10x)"),
    ("deployment", "whole deployment, one call (20 / 200 st.)"),
    ("rollup_fraction", "rollups, one station x 30 days"),
    ("raw_fraction", "raw readings, 2 stations x 30 days"),
]
"""The 10x / 1x ratios printed: the first two and the last two should stay near 1; the whole
deployment and every area read ten times the station-days, so they grow with them."""


def run(backend: str, pg_url: str, stations: int) -> dict[str, float]:
    with scratch(backend, pg_url) as url:
        engine, ids, areas = load(url, stations)
        start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
        results: dict[str, float] = {}
        with Session(engine) as session:

            def one_area() -> object:
                return compute_indicators(
                    session,
                    scope=EVERYTHING,
                    area="area-0",
                    parameter="pm10",
                    start=start,
                    end=end,
                    zone=ZONE,
                )

            def every_area() -> object:
                return [
                    compute_indicators(
                        session,
                        scope=EVERYTHING,
                        area=f"area-{a}",
                        parameter="pm10",
                        start=start,
                        end=end,
                        zone=ZONE,
                    )
                    for a in range(len(set(areas.values())))
                ]

            def deployment() -> object:
                return compute_indicators(
                    session, scope=EVERYTHING, parameter="pm10", start=start, end=end, zone=ZONE
                )

            raw_ids = ids[:RAW_STATIONS]
            raw_end = start + timedelta(days=RAW_DAYS - 1)

            def raw_fraction() -> object:
                return raw_exceedance_days(session, raw_ids, start, raw_end)

            def rollup_fraction() -> object:
                return compute_indicators(
                    session,
                    scope=EVERYTHING,
                    station_code="bench-000",
                    parameter="pm10",
                    start=start,
                    end=raw_end,
                    zone=ZONE,
                )

            area_result = compute_indicators(
                session,
                scope=EVERYTHING,
                area="area-0",
                parameter="pm10",
                start=start,
                end=end,
                zone=ZONE,
            )
            results["one_area"] = timed(one_area)
            results["all_areas"] = timed(every_area, repeat=3)
            results["deployment"] = timed(deployment, repeat=3)
            results["raw_fraction"] = timed(raw_fraction, repeat=3)
            results["rollup_fraction"] = timed(rollup_fraction)
        engine.dispose()
    in_area = sum(1 for a in areas.values() if a == "area-0")
    scale = in_area / RAW_STATIONS * DAYS / RAW_DAYS
    results["raw_one_area_extrapolated"] = results["raw_fraction"] * scale
    print(
        f"  one area ({in_area} stations, {DAYS} days): exceedance days "
        f"{area_result.exceedances.days}, valid days {area_result.valid_days.valid_days}"
    )
    count = len(set(areas.values()))
    results["per_area_in_loop"] = results["all_areas"] / count
    print(
        f"  one-year indicator, one area ({in_area} stations):      {results['one_area']:9.1f} ms"
    )
    print(
        f"  one-year indicator, each of the {count} areas in turn:  {results['all_areas']:9.1f} ms "
        f"({results['per_area_in_loop']:.1f} ms an area)"
    )
    print(
        f"  one-year indicator, whole deployment, one call:  {results['deployment']:9.1f} ms "
        f"({stations} stations)"
    )
    print(
        f"  raw readings, {RAW_STATIONS} stations x {RAW_DAYS} days: "
        f"{results['raw_fraction']:9.1f} ms; rollups, same days: "
        f"{results['rollup_fraction']:.1f} ms; raw / rollups = "
        f"{results['raw_fraction'] / results['rollup_fraction']:.0f}"
    )
    print(
        f"  raw readings, one area-year (x{scale:.0f}, extrapolated): "
        f"{results['raw_one_area_extrapolated']:9.0f} ms; raw / rollups (one area) = "
        f"{results['raw_one_area_extrapolated'] / results['one_area']:.0f}"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "DUSTWATCH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--stations", type=int, default=20, help="stations at 1x (10x is ten times)"
    )
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(f"backend: {backend}")
        small = run(backend, args.pg_url, args.stations)
        large = run(backend, args.pg_url, args.stations * 10)
        print(f"  ratio 10x / 1x ({backend}):")
        for key, label in RATIOS:
            print(f"    {label:44s} {large[key] / small[key]:5.2f}")


if __name__ == "__main__":
    main()
