"""`dustwatch mqtt-credentials …`: devices' MQTT passwords, and Mosquitto's password and ACL
files written from the stations table for production. Changes are made as the machine's
operator (an admin) and written to the audit log as "command line"."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.access.principal import Principal, system_principal
from core.devices.credentials import issue_credential, mosquitto_files, revoke_credential
from core.devices.topics import INGEST_USER
from core.kit.db import make_engine, make_session_factory
from core.kit.errors import DustwatchError
from core.settings import Settings
from ingest.mqtt import broker_address

mqtt_credentials_app = typer.Typer(
    help="Devices' MQTT passwords, and Mosquitto's password and ACL files.",
    no_args_is_help=True,
)
console = Console()

FILE_MODE = 0o644
"""Mosquitto reads its files after dropping root to its own user. The password file holds
only PBKDF2 hashes of random 192-bit passwords."""


def _actor() -> Principal:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return system_principal(f"command line ({who})")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]", soft_wrap=True)
    return typer.Exit(2)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise _fail(f"Configuration error: {error}") from None


@contextmanager
def _transaction(settings: Settings) -> Iterator[Session]:
    """One committed transaction; domain errors and an unusable database become one line."""
    engine = make_engine(settings.db.url)
    safe_url = make_url(settings.db.url).render_as_string(hide_password=True)
    try:
        with make_session_factory(engine).begin() as session:
            yield session
    except DustwatchError as error:
        raise _fail(str(error)) from None
    except (OperationalError, ProgrammingError) as error:
        raise _fail(
            f"Cannot use the database at {safe_url} (run `dustwatch migrate` first?): {error.orig}"
        ) from None
    finally:
        engine.dispose()


StationCode = Annotated[str, typer.Argument(help="The station code, e.g. npl-v01.")]
WRITE_AGAIN = (
    "On Mosquitto this takes effect once the files are written again "
    "(dustwatch mqtt-credentials write) and Mosquitto reloads them."
)


@mqtt_credentials_app.command("issue")
def issue(code: StationCode) -> None:
    """Give the station's device a new MQTT password, printed once; the old one stops working."""
    with _transaction(_settings()) as session:
        issued = issue_credential(session, actor=_actor(), code=code, now=datetime.now(UTC))
    console.print(
        f"MQTT user name and client id: {issued.username}\n"
        f"password (shown this once): {issued.password}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(WRITE_AGAIN, soft_wrap=True)


@mqtt_credentials_app.command("revoke")
def revoke(code: StationCode) -> None:
    """The station's device may no longer sign in to the broker."""
    with _transaction(_settings()) as session:
        revoke_credential(session, actor=_actor(), code=code, now=datetime.now(UTC))
    console.print(f"MQTT credential of {code} revoked.", soft_wrap=True)
    console.print(WRITE_AGAIN, soft_wrap=True)


@mqtt_credentials_app.command("write")
def write(
    passwd: Annotated[Path, typer.Option(help="Mosquitto's password_file to write.")],
    acl: Annotated[Path, typer.Option(help="Mosquitto's acl_file to write.")],
) -> None:
    """Write Mosquitto's password and ACL files from the stations table.

    They list every device whose credential is not revoked, and the ingest with the password
    in DUSTWATCH_MQTT__URL. Reload Mosquitto (SIGHUP) afterwards.
    """
    settings = _settings()
    if settings.mqtt.url is None:
        raise _fail(
            f"Set DUSTWATCH_MQTT__URL=mqtt://{INGEST_USER}:<password>@<host>:1883: "
            "the ingest signs in to Mosquitto with that password."
        )
    try:
        address = broker_address(settings.mqtt)
    except ValueError as error:
        raise _fail(str(error)) from None
    if address.username != INGEST_USER or not address.password:
        raise _fail(
            f"DUSTWATCH_MQTT__URL must sign in as {INGEST_USER} with a password "
            f"(mqtt://{INGEST_USER}:<password>@<host>:1883)."
        )
    with _transaction(settings) as session:
        files = mosquitto_files(
            session, ingest_password=address.password, prefix=settings.mqtt.topic_prefix
        )
    for path, text in ((passwd, files.password_file), (acl, files.acl_file)):
        # Rewritten in place, not replaced: docker-compose mounts each file by its inode.
        path.write_text(text)
        path.chmod(FILE_MODE)
    devices = len(files.password_file.splitlines()) - 1
    console.print(
        f"wrote {passwd} and {acl}: the ingest and {devices} device(s). "
        "Reload Mosquitto to use them: docker compose kill -s HUP mqtt",
        soft_wrap=True,
    )
