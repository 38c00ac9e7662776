"""The `dustwatch` command as a newcomer runs it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import free_port, run_cli, wait_for


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


@dataclass
class Demo:
    url: str
    accounts: dict[str, str]
    """e-mail -> password, as the demo printed them."""


DEMO_ACCOUNT = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+password: (\S+)", re.MULTILINE)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
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
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    wait_for(lambda: any("dustwatch is up" in line for line in lines), timeout=60, what="start")
    accounts = {email: password for _, email, password in DEMO_ACCOUNT.findall("".join(lines))}
    yield Demo(f"http://127.0.0.1:{port}", accounts)
    process.terminate()
    process.wait(timeout=30)
    reader.join(timeout=10)
    process.stdout.close()
    output = "".join(lines)
    assert process.returncode == 0, output
    assert (tmp_path / "dustwatch.db").exists()


@pytest.mark.slow
def test_demo_fills_the_status_page_and_opens_an_alert(demo: Demo) -> None:
    def live_status() -> list[dict[str, object]]:
        try:
            stations = httpx.get(f"{demo.url}/status", timeout=5).json()["stations"]
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
            f"{demo.url}/alerts", params={"status": "open"}, timeout=5
        ).json()
        return alerts

    alerts = wait_for(open_alerts, timeout=60, what="an open alert")
    assert {a["station_code"] for a in alerts} >= {"npl-v01"}

    # One account per role, each able to sign in; factory A's operator sees A's private
    # fence-line station and not factory B's.
    headers: dict[str, dict[str, str]] = {}
    for email, password in demo.accounts.items():
        signed_in = httpx.post(
            f"{demo.url}/auth/token", data={"username": email, "password": password}, timeout=10
        )
        assert signed_in.status_code == 200, signed_in.text
        headers[email.split("@")[0]] = {
            "Authorization": f"Bearer {signed_in.json()['access_token']}"
        }
    roles = {
        httpx.get(f"{demo.url}/auth/me", headers=h, timeout=5).json()["role"]
        for h in headers.values()
    }
    assert roles == {"volunteer", "operator", "official", "backbone", "admin"}
    seen_by_a = httpx.get(f"{demo.url}/stations", headers=headers["operator-a"], timeout=5)
    codes = {s["code"] for s in seen_by_a.json()}
    assert "npl-f01" in codes
    assert "npl-f02" not in codes

    # Once the simulated history is stored, yesterday's bulletin is published for the public.
    def bulletins() -> list[dict[str, object]]:
        try:  # the demo is busy storing its history meanwhile: a slow answer is no answer yet
            listed: list[dict[str, object]] = httpx.get(
                f"{demo.url}/bulletins", params={"kind": "daily"}, timeout=10
            ).json()
        except httpx.HTTPError:
            return []
        return listed

    daily = wait_for(bulletins, timeout=180, what="the demo's daily bulletins")
    assert {b["status"] for b in daily} == {"published"}
    [village] = [b for b in daily if b["area"] == "Na Phra Lan"]
    page = httpx.get(f"{demo.url}/air-bulletins/{village['id']}", timeout=10)
    assert page.status_code == 200
    assert f"/bulletins/{village['id']}/chart.png" in page.text

    # Then the common agenda: agreed targets counted on the days the backbone certified.
    def agreed_targets() -> list[dict[str, object]]:
        try:
            listed: list[dict[str, object]] = httpx.get(f"{demo.url}/targets", timeout=10).json()
        except httpx.HTTPError:
            return []
        return listed if len(listed) >= 2 else []

    targets = wait_for(agreed_targets, timeout=120, what="the demo's agreed targets")
    assert {t["status"] for t in targets} == {"agreed"}
    detail = httpx.get(f"{demo.url}/targets/{targets[0]['id']}", timeout=10).json()
    assert detail["progress"]["counted"] is not None

    # The factories' actions towards them, the haul-road watering with its measured change
    # (and wind sectors: the haul-road station measures wind); the truck covers overdue.
    actions = {a["kind"]: a for a in httpx.get(f"{demo.url}/actions", timeout=10).json()}
    assert actions["truck_covers"]["overdue"] is True
    watering = actions["road_watering"]
    change = httpx.get(f"{demo.url}/actions/{watering['id']}/change", timeout=30).json()
    assert change["available"] is True, change
    assert change["before"]["valid_days"] > 0
    assert change["after"]["valid_days"] > 0
    assert change["by_wind"], "no wind sector although npl-v01 measures wind"

    # The forum's decision on truck speed signs serves the PM10 target: a tracked action.
    decisions = httpx.get(f"{demo.url}/decisions", timeout=10).json()
    tracked = [d for d in decisions if d["action_id"] is not None]
    assert [d["action_status"] for d in tracked] == ["planned"]


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


def test_serve_without_migrating_an_empty_database_refuses_to_start(tmp_path: Path) -> None:
    port = free_port()
    process = dustwatch(
        "serve", "--no-migrate", "--port", str(port), "--mqtt-port", str(free_port()), cwd=tmp_path
    )
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2, output
    assert "run `dustwatch migrate` first" in output
    assert "empty" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1, output


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("serve", "--port", "70000"), {}, "'--port'"),
        (("serve", "--mqtt-port", "0"), {}, "'--mqtt-port'"),
        (("demo", "--interval", "0"), {}, "'--interval'"),
        (("serve",), {"DUSTWATCH_API__PORT": "70000"}, "DUSTWATCH_API__PORT: Input should be"),
        (("migrate",), {"DUSTWATCH_DB__URL": "not a url"}, "DUSTWATCH_DB__URL: not a database"),
        (("serve",), {"DUSTWATCH_MQTT__URL": "http://broker:1883"}, "DUSTWATCH_MQTT__URL:"),
    ],
)
def test_wrong_settings_and_options_are_refused_before_anything_starts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(list(args), env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert expected in output
    assert list(tmp_path.iterdir()) == []  # no database, nothing started


def test_a_misspelt_variable_is_named_with_the_closest_known_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(["migrate"], env={"DUSTWATCH_DB_URL": "sqlite:///other.db"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert (
        "Warning: unknown setting DUSTWATCH_DB_URL is ignored; did you mean DUSTWATCH_DB__URL?"
        in output
    )
