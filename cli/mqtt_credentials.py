"""`dustwatch mqtt-credentials …`: devices' MQTT passwords, and Mosquitto's password and ACL
files written from the stations table for production. Changes are made as the machine's
operator (an admin) and written to the audit log as "command line"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit

import typer

from cli.shell import command_line_actor, console, fail, load_settings, transaction
from core.devices.credentials import issue_credential, mosquitto_files, revoke_credential
from core.devices.topics import ALERTS_USER, INGEST_USER
from ingest.mqtt import broker_address

mqtt_credentials_app = typer.Typer(
    help="Devices' MQTT passwords, and Mosquitto's password and ACL files.",
    no_args_is_help=True,
)

FILE_MODE = 0o644
"""Mosquitto reads its files after dropping root to its own user. The password file holds
only PBKDF2 hashes of random 192-bit passwords."""


StationCode = Annotated[str, typer.Argument(help="The station code, e.g. npl-v01.")]
WRITE_AGAIN = (
    "On Mosquitto this takes effect once the files are written again "
    "(dustwatch mqtt-credentials write) and Mosquitto reloads them."
)


@mqtt_credentials_app.command("issue")
def issue(code: StationCode) -> None:
    """Give the station's device a new MQTT password, printed once; the old one stops working."""
    with transaction(load_settings()) as session:
        issued = issue_credential(
            session, actor=command_line_actor(), code=code, now=datetime.now(UTC)
        )
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
    with transaction(load_settings()) as session:
        revoke_credential(session, actor=command_line_actor(), code=code, now=datetime.now(UTC))
    console.print(f"MQTT credential of {code} revoked.", soft_wrap=True)
    console.print(WRITE_AGAIN, soft_wrap=True)


def _alerts_password(url: str | None) -> str | None:
    """The password of DUSTWATCH_DELIVERY__MQTT_URL, which must sign in as the alerts user."""
    if url is None:
        return None
    parts = urlsplit(url)
    if unquote(parts.username or "") != ALERTS_USER or not parts.password:
        raise fail(
            f"DUSTWATCH_DELIVERY__MQTT_URL must sign in as {ALERTS_USER} with a password "
            f"(mqtt://{ALERTS_USER}:<password>@<host>:1883)."
        )
    return unquote(parts.password)


@mqtt_credentials_app.command("write")
def write(
    passwd: Annotated[Path, typer.Option(help="Mosquitto's password_file to write.")],
    acl: Annotated[Path, typer.Option(help="Mosquitto's acl_file to write.")],
) -> None:
    """Write Mosquitto's password and ACL files from the stations table.

    They list every device whose credential is not revoked, the ingest with the password in
    DUSTWATCH_MQTT__URL, and, when DUSTWATCH_DELIVERY__MQTT_URL is set, the user that
    publishes alert messages with its password. Reload Mosquitto (SIGHUP) afterwards.
    """
    settings = load_settings()
    if settings.mqtt.url is None:
        raise fail(
            f"Set DUSTWATCH_MQTT__URL=mqtt://{INGEST_USER}:<password>@<host>:1883: "
            "the ingest signs in to Mosquitto with that password."
        )
    try:
        address = broker_address(settings.mqtt)
    except ValueError as error:
        raise fail(str(error)) from None
    if address.username != INGEST_USER or not address.password:
        raise fail(
            f"DUSTWATCH_MQTT__URL must sign in as {INGEST_USER} with a password "
            f"(mqtt://{INGEST_USER}:<password>@<host>:1883)."
        )
    alerts_password = _alerts_password(settings.delivery.mqtt_url)
    with transaction(settings) as session:
        files = mosquitto_files(
            session,
            ingest_password=address.password,
            prefix=settings.mqtt.topic_prefix,
            alerts_password=alerts_password,
        )
    for path, text in ((passwd, files.password_file), (acl, files.acl_file)):
        # Rewritten in place, not replaced: docker-compose mounts each file by its inode.
        path.write_text(text)
        path.chmod(FILE_MODE)
    devices = len(files.password_file.splitlines()) - (2 if alerts_password else 1)
    console.print(
        f"wrote {passwd} and {acl}: the ingest and {devices} device(s). "
        "Reload Mosquitto to use them: docker compose kill -s HUP mqtt",
        soft_wrap=True,
    )
