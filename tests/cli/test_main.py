"""The `dustwatch` command as a newcomer runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import free_port, wait_for


def dustwatch(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args],
        cwd=cwd,
        env=(env or {})
        | {k: v for k, v in os.environ.items() if not k.startswith("DUSTWATCH_")}
        | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """`dustwatch demo` on free ports, with the default SQLite file in an empty directory."""
    port, mqtt_port = free_port(), free_port()
    process = dustwatch(
        "demo",
        "--port",
        str(port),
        "--mqtt-port",
        str(mqtt_port),
        "--interval",
        "2",
        cwd=tmp_path,
        env={"DUSTWATCH_SCHEDULER__ALERT_CHECK_SECONDS": "5"},
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert (tmp_path / "dustwatch.db").exists()


@pytest.mark.slow
def test_demo_fills_the_status_page_and_opens_an_alert(demo: str) -> None:
    def live_status() -> list[dict[str, object]]:
        try:
            stations = httpx.get(f"{demo}/status", timeout=5).json()["stations"]
        except httpx.HTTPError:
            return []
        complete = [
            s for s in stations if any(p["average_24h"] is not None for p in s["parameters"])
        ]
        return stations if len(complete) == len(stations) >= 4 else []

    stations = wait_for(live_status, timeout=90, what="every demo station with a 24-hour average")
    assert all(s["band"]["label_th"] for s in stations)
    assert "npl-f01" not in {s["code"] for s in stations}  # the factory's data stays private

    def open_alerts() -> list[dict[str, object]]:
        alerts: list[dict[str, object]] = httpx.get(
            f"{demo}/alerts", params={"status": "open"}, timeout=5
        ).json()
        return alerts

    alerts = wait_for(open_alerts, timeout=60, what="an open alert")
    assert {a["station_code"] for a in alerts} >= {"npl-v01"}


def test_a_taken_port_gives_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = dustwatch(
            "serve", "--port", str(free_port()), "--mqtt-port", str(port), cwd=tmp_path
        )
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"127.0.0.1:{port}" in output
    assert "already in use" in output
    assert "Traceback" not in output


def test_an_unreachable_database_gives_a_clear_message(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://dustwatch:secret-pw@127.0.0.1:{free_port()}/dustwatch"
    process = dustwatch("migrate", cwd=tmp_path, env={"DUSTWATCH_DB__URL": url})
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "Cannot use the database at" in output
    assert "secret-pw" not in output
    assert "Traceback" not in output
