"""`dustwatch orgs …` and `dustwatch users …` as an administrator types them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.accounts.signin import authenticate
from core.kit.db import make_engine, make_session_factory
from core.kit.errors import Unauthenticated
from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bootstrap password 1"


@pytest.fixture
def url(backend: str, fresh_database_url: str) -> str:
    """A migrated database of each backend."""
    return fresh_database_url


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), env={"DUSTWATCH_DB__URL": url}, stdin=stdin)


def run_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in its own Python process, for what only a process shows (tracebacks)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUSTWATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=env | {"DUSTWATCH_DB__URL": url, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        timeout=60,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_bootstrap_the_first_admin_and_manage_accounts(url: str) -> None:
    created = ok(
        run(
            url,
            "orgs",
            "add",
            "--name-th",
            "หน่วยประสานงาน",
            "--name-en",
            "Backbone unit",
            "--group",
            "backbone",
            "--area",
            "Na Phra Lan",
            "--area",
            "Huai Bong",
        )
    )
    assert "organisation 1 created: Backbone unit" in created
    listed = ok(run(url, "orgs", "list"))
    assert "หน่วยประสานงาน" in listed
    assert "Na Phra Lan, Huai Bong" in listed

    added = run(
        url,
        "users",
        "add",
        "--email",
        "Admin@Example.org",
        "--role",
        "admin",
        "--organisation",
        "backbone UNIT",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    output = ok(added) + added.stderr
    assert "created: admin@example.org (admin) in Backbone unit" in output
    assert PASSWORD not in output
    assert "argon2" not in output

    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        user = authenticate(
            session, email="admin@example.org", password=PASSWORD, now=datetime.now(UTC)
        )
        assert user.role == "admin"

    users = ok(run(url, "users", "list"))
    assert "admin@example.org" in users
    assert "active" in users
    assert "disabled: admin@example.org" in ok(
        run(url, "users", "disable", "--email", "ADMIN@example.org")
    )
    assert "disabled" in ok(run(url, "users", "list"))
    with (
        make_session_factory(engine).begin() as session,
        pytest.raises(Unauthenticated, match="disabled"),
    ):
        authenticate(session, email="admin@example.org", password=PASSWORD, now=datetime.now(UTC))
    engine.dispose()


def test_the_password_can_be_typed_at_a_hidden_prompt(url: str) -> None:
    ok(
        run(
            url,
            "orgs",
            "add",
            "--name-th",
            "ก",
            "--name-en",
            "A",
            "--group",
            "other",
        )
    )
    typed = run(
        url,
        "users",
        "add",
        "--email",
        "a@example.org",
        "--role",
        "backbone",
        "--organisation",
        "1",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert "created: a@example.org (backbone)" in ok(typed)
    assert PASSWORD not in typed.stdout + typed.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--organisation", "1"], "short\n", "at least 10 characters"),
        (["--organisation", "Nobody"], PASSWORD + "\n", "no organisation named 'Nobody'"),
        (
            ["--organisation", "1", "--email", "again@example.org"],
            PASSWORD + "\n",
            "already exists",
        ),
    ],
)
def test_mistakes_get_one_clear_line(url: str, args: list[str], stdin: str, message: str) -> None:
    ok(run(url, "orgs", "add", "--name-th", "ก", "--name-en", "A", "--group", "other"))
    first = ["users", "add", "--role", "volunteer", "--password-stdin"]
    ok(run(url, *first, "--email", "again@example.org", "--organisation", "1", stdin=PASSWORD))
    email = [] if "--email" in args else ["--email", "new@example.org"]
    result = run(url, *first, *email, *args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_an_unmigrated_database_is_named_not_a_traceback(tmp_path: Path) -> None:
    result = run_process(f"sqlite:///{tmp_path / 'empty.db'}", "users", "list")
    assert result.returncode == 2
    assert "dustwatch migrate" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
