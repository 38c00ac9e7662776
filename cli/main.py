"""`dustwatch serve | demo | migrate | scheduler | orgs … | users … | mqtt-credentials …`."""

from __future__ import annotations

import enum
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from cli.accounts import orgs_app, users_app
from cli.aqi import aqi_app
from cli.mqtt_credentials import mqtt_credentials_app
from cli.rollups import rollups_app
from cli.scheduler import scheduler_app
from cli.shell import configure_logging, console, fail
from core.kit.ports import PortInUse, ensure_port_free
from core.kit.schema import SchemaNotCurrent, upgrade_to_head
from core.settings import Settings, describe_error, unknown_variables

if TYPE_CHECKING:
    from cli.demo.people import DemoAccount

app = typer.Typer(
    help="dustwatch: shared air-quality measurement, alerts and bulletins.", no_args_is_help=True
)
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")
app.add_typer(mqtt_credentials_app, name="mqtt-credentials")
app.add_typer(aqi_app, name="aqi")
app.add_typer(rollups_app, name="rollups")
app.add_typer(scheduler_app, name="scheduler")


class DemoCaseName(enum.StrEnum):
    DUST = "dust"
    WATER = "water"


HostOption = Annotated[str | None, typer.Option(help="HTTP address (DUSTWATCH_API__HOST).")]
PortOption = Annotated[
    int | None, typer.Option(min=1, max=65535, help="HTTP port (DUSTWATCH_API__PORT).")
]
MqttPortOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=65535,
        help="Port of the embedded MQTT broker (DUSTWATCH_MQTT__EMBEDDED_PORT).",
    ),
]
MIN_DEMO_INTERVAL = 1.0


def _settings(
    *, host: str | None = None, port: int | None = None, mqtt_port: int | None = None
) -> Settings:
    """Settings from the environment, with command-line options taking precedence; a
    warning for each DUSTWATCH_… variable that no setting reads."""
    for warning in unknown_variables(os.environ):
        console.print(f"[yellow]Warning: {warning}[/yellow]", soft_wrap=True)
    try:
        settings = Settings()
    except ValidationError as error:
        raise fail(f"Configuration error: {describe_error(error)}") from None
    api_changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    mqtt_changes = {"embedded_port": mqtt_port} if mqtt_port is not None else {}
    return settings.model_copy(
        update={
            "api": settings.api.model_copy(update=api_changes),
            "mqtt": settings.mqtt.model_copy(update=mqtt_changes),
        }
    )


def _run(
    settings: Settings,
    *,
    migrate: bool,
    ingest: bool = True,
    scheduler: bool = True,
    demo_interval: float | None = None,
    demo_case: str = "dust",
) -> None:
    from cli.runtime import Runtime  # imported here so `dustwatch migrate` stays light

    configure_logging()
    try:
        ensure_port_free(
            settings.api.host,
            settings.api.port,
            what="The HTTP API",
            hint="Choose another with --port (DUSTWATCH_API__PORT).",
        )
        runtime = Runtime(settings)
        runtime.start(migrate=migrate, ingest=ingest, scheduler=scheduler)
    except PortInUse as error:
        raise fail(str(error)) from None
    except SchemaNotCurrent as error:
        raise fail(f"Cannot start on {_safe(settings.db.url)}: {error}") from None
    except OperationalError as error:
        raise fail(f"Cannot use the database at {_safe(settings.db.url)}: {error.orig}") from None
    publisher = None
    try:
        if demo_interval is not None:
            from cli.demo.bulletins import once_stored
            from cli.demo.cases import CASES
            from cli.demo.devices import issue_demo_device_passwords
            from cli.demo.people import ensure_demo
            from cli.demo.publisher import DemoPublisher

            case = CASES[demo_case]
            with runtime.session_factory.begin() as session:
                accounts = ensure_demo(session, case)
                device_passwords = issue_demo_device_passwords(session, case)
            _print_demo_accounts(accounts, base=f"http://{settings.api.host}:{settings.api.port}")
            host, port = settings.mqtt.embedded_host, settings.mqtt.embedded_port
            if not settings.mqtt.embedded:
                from ingest.mqtt import broker_address

                address = broker_address(settings.mqtt)
                host, port = address.host, address.port
            publisher = DemoPublisher(
                host=host,
                port=port,
                topic_prefix=settings.mqtt.topic_prefix,
                interval=demo_interval,
                passwords=device_passwords,
                stations=case.stations,
                after_history=once_stored(runtime.health, runtime.session_factory, settings, case),
            )
            publisher.start()
        base = f"http://{settings.api.host}:{settings.api.port}"
        console.print(f"dustwatch is up: status {base}/status, API docs {base}/docs")
        # uvicorn shuts down gracefully on SIGTERM, then re-raises it to the handler it found:
        # make that handler a normal exit so the parts below are stopped in order too.
        signal.signal(signal.SIGTERM, _exit_normally)
        uvicorn.run(
            runtime.app, host=settings.api.host, port=settings.api.port, log_level="warning"
        )
    finally:
        if publisher is not None:
            publisher.stop()
        runtime.stop()


def _print_demo_accounts(accounts: list[DemoAccount], *, base: str) -> None:
    """Demo only: the accounts and their new passwords, so that each role can sign in."""
    console.print("Demo accounts (new passwords at every demo start; demo only):")
    for account in accounts:
        console.print(
            f"  {account.role.value:<10} {account.email:<34} password: {account.password}"
            f"  ({account.organisation})",
            soft_wrap=True,
            highlight=False,
        )
    console.print(f"Sign in at {base}/docs with Authorize (the e-mail is the username).")


def _exit_normally(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


@app.command()
def serve(
    host: HostOption = None,
    port: PortOption = None,
    mqtt_port: MqttPortOption = None,
    migrate: Annotated[bool, typer.Option(help="Apply migrations first.")] = True,
    ingest: Annotated[
        bool, typer.Option(help="Run the MQTT ingest; exactly one process per client id may.")
    ] = True,
    scheduler: Annotated[bool, typer.Option(help="Run the alert scheduler.")] = True,
) -> None:
    """Run the API, MQTT ingest, scheduler (and the embedded broker when no MQTT URL is set)."""
    settings = _settings(host=host, port=port, mqtt_port=mqtt_port)
    _run(settings, migrate=migrate, ingest=ingest, scheduler=scheduler)


@app.command()
def demo(
    host: HostOption = None,
    port: PortOption = None,
    mqtt_port: MqttPortOption = None,
    interval: Annotated[
        float,
        typer.Option(
            min=MIN_DEMO_INTERVAL, help="Seconds between live demo readings (at least 1)."
        ),
    ] = 10.0,
    case: Annotated[
        DemoCaseName,
        typer.Option(
            help="dust: quarry dust in Na Phra Lan, Saraburi; water: the Lam Takhong river in "
            "Nakhon Ratchasima, against the Thai surface water standard."
        ),
    ] = DemoCaseName.DUST,
) -> None:
    """Like serve, plus simulated stations of a case publishing over MQTT, and its agreed
    targets, certified data and (water) commitment and complaints."""
    settings = _settings(host=host, port=port, mqtt_port=mqtt_port)
    settings = settings.model_copy(update={"mode": "demo"})
    _run(settings, migrate=True, demo_interval=interval, demo_case=case.value)


@app.command()
def migrate() -> None:
    """Apply the database migrations up to the newest."""
    settings = _settings()
    try:
        upgrade_to_head(settings.db.url)
    except OperationalError as error:
        raise fail(f"Cannot use the database at {_safe(settings.db.url)}: {error.orig}") from None
    console.print("database is at the newest schema")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(app())
