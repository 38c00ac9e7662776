"""`dustwatch mqtt-credentials …` as an administrator sets up a device for production: the
password printed once signs in to Mosquitto run with the files `write` generates."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.audit.service import list_audit_events
from core.devices.topics import INGEST_USER
from core.kit.db import make_engine
from tests.factories import make_station
from tests.support import Mosquitto, connect_answer, run_cli

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = re.compile(r"password \(shown this once\): (\S+)")


@pytest.fixture
def url(backend: str, fresh_database_url: str) -> str:
    """A migrated database of each backend with station npl-v01."""
    engine = make_engine(fresh_database_url)
    with Session(engine) as session, session.begin():
        make_station(session, code="npl-v01")
    engine.dispose()
    return fresh_database_url


def run(url: str, *args: str, mqtt_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"DUSTWATCH_DB__URL": url}
    if mqtt_url is not None:
        env["DUSTWATCH_MQTT__URL"] = mqtt_url
    return run_cli(["mqtt-credentials", *args], env=env)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_issued_password_signs_in_to_mosquitto_with_the_written_files(
    url: str, tmp_path: Path
) -> None:
    password = PASSWORD.findall(ok(run(url, "issue", "npl-v01")))[0]
    passwd, acl = tmp_path / "passwd", tmp_path / "acl"
    ingest_url = f"mqtt://{INGEST_USER}:ingest-secret@mqtt:1883"
    written = ok(run(url, "write", "--passwd", str(passwd), "--acl", str(acl), mqtt_url=ingest_url))
    assert "1 device(s)" in written
    assert password not in passwd.read_text()
    assert "topic write dustwatch/v1/readings/npl-v01" in acl.read_text()

    broker = Mosquitto.deployed(password_file=passwd.read_text(), acl_file=acl.read_text())
    try:
        signed_in = connect_answer(broker.port, username="npl-v01", password=password)
        refused = connect_answer(broker.port, username="npl-v01", password="guess")
    finally:
        broker.remove()
    assert not signed_in.is_failure
    assert refused.is_failure

    engine = make_engine(url)
    with Session(engine) as session:
        [event] = list_audit_events(session, entity="mqtt_credential")
    engine.dispose()
    assert event.action == "issue"
    assert event.actor_label.startswith("command line")
    assert password not in str(event.after)


def test_revoked_devices_are_left_out_of_the_files(url: str, tmp_path: Path) -> None:
    ok(run(url, "issue", "npl-v01"))
    ok(run(url, "revoke", "npl-v01"))
    passwd, acl = tmp_path / "passwd", tmp_path / "acl"
    ingest_url = f"mqtt://{INGEST_USER}:ingest-secret@mqtt:1883"
    ok(run(url, "write", "--passwd", str(passwd), "--acl", str(acl), mqtt_url=ingest_url))
    assert [line.split(":")[0] for line in passwd.read_text().splitlines()] == [INGEST_USER]
    assert "npl-v01" not in acl.read_text()


def test_write_says_what_is_missing_in_one_line(url: str, tmp_path: Path) -> None:
    files = ["--passwd", str(tmp_path / "passwd"), "--acl", str(tmp_path / "acl")]
    for mqtt_url, says in [
        (None, "Set DUSTWATCH_MQTT__URL"),
        ("mqtt://someone:pw@mqtt:1883", f"sign in as {INGEST_USER}"),
        (f"mqtt://{INGEST_USER}@mqtt:1883", f"sign in as {INGEST_USER}"),
    ]:
        result = run(url, "write", *files, mqtt_url=mqtt_url)
        assert result.returncode == 2
        assert says in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    unknown = run(url, "issue", "nobody")
    assert unknown.returncode == 2
    assert "no station 'nobody'" in unknown.stdout
