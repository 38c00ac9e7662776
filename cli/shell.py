"""What every `dustwatch` sub-command shares: one-line failures, settings, a transaction,
and the machine's operator as the actor written to the audit log."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.access.principal import Principal, system_principal
from core.kit.db import make_engine, make_session_factory
from core.kit.errors import DustwatchError
from core.settings import Settings, describe_error

console = Console()


def fail(message: str) -> typer.Exit:
    """Print one red line; raise the result to exit with status 2."""
    console.print(f"[red]{message}[/red]", soft_wrap=True)
    return typer.Exit(2)


def command_line_actor() -> Principal:
    """Changes made from the shell act as an admin, named after the machine's user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return system_principal(f"command line ({who})")


def configure_logging() -> None:
    """Log lines through rich on the console; the libraries' chatter only when it matters."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
    )
    for noisy in ("amqtt", "transitions", "apscheduler.executors", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise fail(f"Configuration error: {describe_error(error)}") from None


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """One committed transaction; domain errors and an unusable database become one line."""
    engine = make_engine(settings.db.url)
    safe_url = make_url(settings.db.url).render_as_string(hide_password=True)
    try:
        with make_session_factory(engine).begin() as session:
            yield session
    except DustwatchError as error:
        raise fail(str(error)) from None
    except (OperationalError, ProgrammingError) as error:
        raise fail(
            f"Cannot use the database at {safe_url} (run `dustwatch migrate` first?): {error.orig}"
        ) from None
    finally:
        engine.dispose()
