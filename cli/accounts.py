"""`dustwatch orgs …` and `dustwatch users …`: the bootstrap path to the first admin, and
account chores from the machine's shell. They act as the machine's operator (an admin) and
are written to the audit log as "command line"."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from cli.shell import command_line_actor, console, fail, load_settings, transaction
from core.accounts.passwords import check_password_rules
from core.accounts.schemas import UserCreate
from core.accounts.users import create_user, disable_user, list_users
from core.kit.errors import DustwatchError
from core.models import Organisation, Role, StakeholderGroup
from core.organisations.schemas import OrganisationCreate
from core.organisations.service import create_organisation, find_organisation, list_organisations

orgs_app = typer.Typer(help="Organisations: the stakeholder registry.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)


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
        raise fail(f"Invalid organisation: {error}") from None
    with transaction(load_settings()) as session:
        organisation = create_organisation(session, actor=command_line_actor(), data=data)
        console.print(f"organisation {organisation.id} created: {organisation.name_en}")


@orgs_app.command("list")
def orgs_list() -> None:
    """Every organisation with its group and areas."""
    table = Table("id", "group", "name (en)", "name (th)", "areas")
    with transaction(load_settings()) as session:
        for o in list_organisations(session, viewer=command_line_actor()):
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
    with transaction(load_settings()) as session:
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
            raise fail(f"Invalid account: check {fields}") from None
        user = create_user(session, actor=command_line_actor(), data=data)
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
        raise fail(str(error)) from None
    return password


@users_app.command("list")
def users_list() -> None:
    """Every account, with its role, organisation and state."""
    table = Table("id", "e-mail", "name", "role", "organisation", "state")
    with transaction(load_settings()) as session:
        for user in list_users(session, actor=command_line_actor()):
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
    with transaction(load_settings()) as session:
        user = disable_user(session, actor=command_line_actor(), email=email, now=datetime.now(UTC))
        console.print(f"user {user.id} disabled: {user.email}")
