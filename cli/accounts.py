"""`dustwatch orgs …` and `dustwatch users …`: the bootstrap path to the first admin, and
account chores from the machine's shell. They act as the machine's operator (an admin) and
are written to the audit log as "command line"."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.access.principal import Principal, system_principal
from core.accounts.passwords import check_password_rules
from core.accounts.schemas import UserCreate
from core.accounts.users import create_user, disable_user, list_users
from core.kit.db import make_engine, make_session_factory
from core.kit.errors import DustwatchError
from core.models import Organisation, Role, StakeholderGroup
from core.organisations.schemas import OrganisationCreate
from core.organisations.service import create_organisation, find_organisation, list_organisations
from core.settings import Settings, describe_error

orgs_app = typer.Typer(help="Organisations: the stakeholder registry.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
console = Console()


def _actor() -> Principal:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return system_principal(f"command line ({who})")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]", soft_wrap=True)
    return typer.Exit(2)


@contextmanager
def _transaction() -> Iterator[Session]:
    """One committed transaction; domain errors and an unusable database become one line."""
    try:
        settings = Settings()
    except ValidationError as error:
        raise _fail(f"Configuration error: {describe_error(error)}") from None
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


@orgs_app.command("add")
def orgs_add(
    name_th: Annotated[str, typer.Option("--name-th", help="Name in Thai.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English (unique).")],
    group: Annotated[StakeholderGroup, typer.Option(help="Stakeholder group.")],
    area: Annotated[
        list[str] | None, typer.Option(help="An area it is responsible for; repeat for more.")
    ] = None,
) -> None:
    """Register an organisation."""
    try:
        data = OrganisationCreate(
            name_th=name_th, name_en=name_en, stakeholder_group=group, areas=area or []
        )
    except ValidationError as error:
        raise _fail(f"Invalid organisation: {error}") from None
    with _transaction() as session:
        organisation = create_organisation(session, actor=_actor(), data=data)
        console.print(f"organisation {organisation.id} created: {organisation.name_en}")


@orgs_app.command("list")
def orgs_list() -> None:
    """Every organisation with its group and areas."""
    table = Table("id", "group", "name (en)", "name (th)", "areas")
    with _transaction() as session:
        for o in list_organisations(session, viewer=_actor()):
            table.add_row(
                str(o.id), o.stakeholder_group.value, o.name_en, o.name_th, ", ".join(o.areas)
            )
    console.print(table)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Option(help="E-mail; the sign-in name.")],
    role: Annotated[Role, typer.Option(help="What the account may do.")],
    organisation: Annotated[
        str, typer.Option(help="Organisation id, or its English or Thai name.")
    ],
    name: Annotated[
        str | None, typer.Option(help="Display name; defaults to the e-mail's name part.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account. The password is asked for (hidden) or read from standard input,
    and never printed."""
    password = _read_password(password_stdin)
    with _transaction() as session:
        owner: Organisation = find_organisation(session, reference=organisation)
        try:
            data = UserCreate(
                email=email,
                display_name=name or email.split("@")[0],
                role=role,
                organisation_id=owner.id,
                password=password,
            )
        except ValidationError as error:
            fields = ", ".join(str(e["loc"][0]) for e in error.errors())
            raise _fail(f"Invalid account: check {fields}") from None
        user = create_user(session, actor=_actor(), data=data)
        console.print(
            f"user {user.id} created: {user.email} ({user.role.value}) in {owner.name_en}"
        )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_rules(password)
    except DustwatchError as error:
        raise _fail(str(error)) from None
    return password


@users_app.command("list")
def users_list() -> None:
    """Every account, with its role, organisation and state."""
    table = Table("id", "e-mail", "name", "role", "organisation", "state")
    with _transaction() as session:
        for user in list_users(session, actor=_actor()):
            state = "disabled" if user.disabled else "active"
            if user.locked_until is not None and user.locked_until > datetime.now(UTC):
                state += ", locked"
            table.add_row(
                str(user.id),
                user.email,
                user.display_name,
                user.role.value,
                str(user.organisation_id),
                state,
            )
    console.print(table)


@users_app.command("disable")
def users_disable(email: Annotated[str, typer.Option(help="E-mail of the account.")]) -> None:
    """Disable an account and sign it out everywhere."""
    with _transaction() as session:
        user = disable_user(session, actor=_actor(), email=email, now=datetime.now(UTC))
        console.print(f"user {user.id} disabled: {user.email}")
