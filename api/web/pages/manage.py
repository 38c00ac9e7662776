"""Backbone staff and admins: organisations, users, stations with their keys, who receives
alert messages, the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import require_roles
from api.web.forms import Outcome, submit
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.access.scope import StationScope
from core.accounts.api_keys import create_api_key, list_api_keys, revoke_api_key
from core.accounts.schemas import ApiKeyCreate, UserCreate, UserUpdate
from core.accounts.users import create_user, list_users, update_user
from core.audit.service import list_audit_events
from core.kit.errors import Conflict, Forbidden, InvalidInput
from core.models import Role, StakeholderGroup
from core.organisations.schemas import OrganisationCreate
from core.organisations.service import create_organisation, list_organisations
from core.outbox.schemas import SubscriptionIn
from core.outbox.subscriptions import (
    create_subscription,
    delete_subscription,
    list_subscriptions,
)
from core.outbox.webhooks import UnsafeWebhook, WebhookPolicy
from core.stations.service import list_stations

router = APIRouter(prefix="/manage", route_class=PageRoute, include_in_schema=False)

managers = require_roles(Role.BACKBONE, Role.ADMIN)
MANAGERS = [Depends(managers)]

NAME_TAKEN = N_("An organisation with this English name already exists.")
EMAIL_TAKEN = N_("An account with this e-mail already exists.")
NO_ORGANISATION = N_("Choose one of the options.")
ADMIN_ONLY = N_("Only an administrator may create an administrator account.")


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


# Organisations


def _organisations_page(
    page: Page, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> HTMLResponse:
    organisations = list_organisations(page.session, viewer=page.principal)
    return page.render(
        "manage/organisations.html",
        {
            "organisations": organisations,
            "groups": list(StakeholderGroup),
            "values": values or {},
            "errors": errors or {},
            "created": page.request.query_params.get("created"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/organisations", response_class=HTMLResponse, dependencies=MANAGERS)
def organisations(page: PageDep) -> HTMLResponse:
    return _organisations_page(page)


@router.post("/organisations", dependencies=MANAGERS)
def add_organisation(
    page: PageDep,
    name_th: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    stakeholder_group: Annotated[str, Form()] = "",
    areas: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form()] = "",
    contact_phone: Annotated[str, Form()] = "",
    contact_line_id: Annotated[str, Form()] = "",
) -> Response:
    """`areas` are separated by commas; the contact is optional."""
    shown = {
        "name_th": name_th,
        "name_en": name_en,
        "stakeholder_group": stakeholder_group,
        "areas": areas,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_line_id": contact_line_id,
    }
    contact = {
        "name": contact_name.strip(),
        "phone": contact_phone.strip() or None,
        "line_id": contact_line_id.strip() or None,
    }
    values = {
        "name_th": name_th.strip(),
        "name_en": name_en.strip(),
        "stakeholder_group": stakeholder_group,
        "areas": [a.strip() for a in areas.split(",") if a.strip()],
        "contacts": [contact] if contact["name"] else [],
    }
    outcome = submit(
        page,
        OrganisationCreate,
        values,
        lambda data: create_organisation(page.session, actor=page.principal, data=data),
        refusals={Conflict: ("name_en", NAME_TAKEN)},
    )
    if outcome.result is None:
        return _organisations_page(page, values=shown, errors=outcome.errors)
    return _see_other(f"/manage/organisations?created={outcome.result.id}")


# Subscriptions to alert messages

CHANNEL_NAMES = {
    "email": N_("E-mail"),
    "webhook": N_("Webhook (SMS gateway, other systems)"),
    "line": N_("LINE"),
    "mqtt": N_("MQTT topic"),
}
SEVERITY_NAMES = {
    "info": N_("Information"),
    "warning": N_("Warning"),
    "critical": N_("Critical"),
}
RECEIVES_NAMES = {
    "alerts": N_("Alerts"),
    "bulletins": N_("Published bulletins"),
    "both": N_("Alerts and bulletins"),
}
NO_USER = N_("Choose one of the options.")
NEEDS_SECRET = N_("A webhook needs a secret of at least 16 characters.")
NEEDS_ADDRESS = N_("This channel needs an address.")
UNSAFE_WEBHOOK = N_(
    "This webhook address is refused: it must start with https:// and reach a public "
    "address, not this machine or an internal network."
)
LEVEL_NAMES = {
    1: N_("1: when an alert opens"),
    2: N_("2: when nobody acknowledges it in time"),
    3: N_("3: when it is still not acknowledged after that"),
}


def _subscriptions_page(
    page: Page, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> HTMLResponse:
    return page.render(
        "manage/subscriptions.html",
        {
            "subscriptions": list_subscriptions(page.session),
            "users": list_users(page.session, actor=page.principal),
            "roles": list(Role),
            "channel_names": CHANNEL_NAMES,
            "severity_names": SEVERITY_NAMES,
            "receives_names": RECEIVES_NAMES,
            "level_names": LEVEL_NAMES,
            "escalate_after": page.settings.alerts.escalate_after_minutes,
            "escalate_critical_after": page.settings.alerts.escalate_critical_after_minutes,
            "values": values or {},
            "errors": errors or {},
            "done": page.request.query_params.get("done"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/subscriptions", response_class=HTMLResponse, dependencies=MANAGERS)
def subscriptions(page: PageDep) -> HTMLResponse:
    return _subscriptions_page(page)


@router.post("/subscriptions", dependencies=MANAGERS)
def add_subscription(
    page: PageDep,
    name: Annotated[str, Form()] = "",
    recipient: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
    areas: Annotated[str, Form()] = "",
    min_severity: Annotated[str, Form()] = "warning",
    language: Annotated[str, Form()] = "th",
    receives: Annotated[str, Form()] = "alerts",
    level: Annotated[str, Form()] = "1",
) -> Response:
    """`recipient` is `role:<role>` or `user:<id>`; `areas` are separated by commas."""
    kind, _, who = recipient.partition(":")
    values = {
        "name": name.strip(),
        "role": who if kind == "role" else None,
        "user_id": who if kind == "user" else None,
        "channel": channel,
        "address": address.strip() or None,
        "secret": secret or None,
        "areas": [a.strip() for a in areas.split(",") if a.strip()],
        "min_severity": min_severity,
        "language": language,
        "receives": receives,
        "level": level,
    }
    if channel == "webhook" and not secret:
        outcome: Outcome[Any] = Outcome(errors={"secret": page.gettext(NEEDS_SECRET)})
    elif channel not in ("", "email") and not address.strip():
        outcome = Outcome(errors={"address": page.gettext(NEEDS_ADDRESS)})
    else:
        outcome = submit(
            page,
            SubscriptionIn,
            values,
            lambda data: create_subscription(
                page.session,
                data,
                actor=page.principal,
                now=page.now,
                webhooks=WebhookPolicy.from_settings(page.settings.delivery),
            ),
            refusals={
                UnsafeWebhook: ("address", UNSAFE_WEBHOOK),
                InvalidInput: ("recipient", NO_USER),
            },
        )
    if outcome.result is None:
        shown = {
            "name": name,
            "recipient": recipient,
            "channel": channel,
            "address": address,
            "areas": areas,
            "min_severity": min_severity,
            "language": language,
            "receives": receives,
            "level": level,
        }
        return _subscriptions_page(page, values=shown, errors=outcome.errors)
    return _see_other("/manage/subscriptions?done=created")


@router.post("/subscriptions/{subscription_id}/delete", dependencies=MANAGERS)
def remove_subscription(subscription_id: int, page: PageDep) -> Response:
    delete_subscription(page.session, subscription_id, actor=page.principal)
    return _see_other("/manage/subscriptions?done=deleted")


# Users


def _users_page(
    page: Page, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> HTMLResponse:
    organisations = list_organisations(page.session, viewer=page.principal)
    return page.render(
        "manage/users.html",
        {
            "users": list_users(page.session, actor=page.principal),
            "organisations": organisations,
            "by_id": {o.id: o for o in organisations},
            "roles": [r for r in Role if r != Role.ADMIN or page.principal.has_role(Role.ADMIN)],
            "values": values or {},
            "errors": errors or {},
            "done": page.request.query_params.get("done"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/users", response_class=HTMLResponse, dependencies=MANAGERS)
def users(page: PageDep) -> HTMLResponse:
    return _users_page(page)


@router.post("/users", dependencies=MANAGERS)
def add_user(
    page: PageDep,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "email": email.strip(),
        "display_name": display_name.strip(),
        "role": role,
        "organisation_id": organisation_id,
        "password": password,
    }
    outcome = submit(
        page,
        UserCreate,
        values,
        lambda data: create_user(page.session, actor=page.principal, data=data),
        refusals={
            Conflict: ("email", EMAIL_TAKEN),
            InvalidInput: ("organisation_id", NO_ORGANISATION),
            Forbidden: ("role", ADMIN_ONLY),
        },
    )
    if outcome.result is None:
        shown = values | {"password": ""}  # a password is never sent back to the browser
        return _users_page(page, values=shown, errors=outcome.errors)
    return _see_other("/manage/users?done=created")


@router.post("/users/{user_id}/disable", dependencies=MANAGERS)
def disable_user(user_id: int, page: PageDep) -> Response:
    """Disabling signs the account out everywhere; only an admin disables an admin."""
    update_user(
        page.session,
        actor=page.principal,
        user_id=user_id,
        data=UserUpdate(disabled=True),
        now=page.now,
    )
    return _see_other("/manage/users?done=disabled")


# Stations and their API keys


def _stations_page(
    page: Page,
    *,
    new_key: Any = None,
    key_errors: dict[str, dict[str, str]] | None = None,
    code: int = 200,
) -> HTMLResponse:
    scope = StationScope.for_principal(page.principal)
    keys = list_api_keys(page.session, actor=page.principal)
    return page.render(
        "manage/stations.html",
        {
            "stations": list_stations(page.session, scope=scope),
            "organisations": {
                o.id: o for o in list_organisations(page.session, viewer=page.principal)
            },
            "keys": keys,
            "new_key": new_key,
            "key_errors": key_errors or {},
            "revoked": page.request.query_params.get("revoked"),
        },
        status_code=code,
    )


@router.get("/stations", response_class=HTMLResponse, dependencies=MANAGERS)
def stations(page: PageDep) -> HTMLResponse:
    return _stations_page(page)


@router.post("/stations/{code}/keys", response_class=HTMLResponse, dependencies=MANAGERS)
def add_station_key(code: str, page: PageDep, name: Annotated[str, Form()] = "") -> HTMLResponse:
    """The page that answers shows the new key, once: it is stored only as a hash."""
    outcome = submit(
        page,
        ApiKeyCreate,
        {"name": name.strip(), "station_code": code},
        lambda data: create_api_key(page.session, actor=page.principal, data=data, now=page.now),
        refusals={},
    )
    if outcome.result is None:
        return _stations_page(
            page, key_errors={code: outcome.errors}, code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    return _stations_page(page, new_key=outcome.result)


@router.post("/keys/{key_id}/revoke", dependencies=MANAGERS)
def revoke_key(key_id: int, page: PageDep) -> Response:
    revoke_api_key(page.session, actor=page.principal, key_id=key_id, now=page.now)
    return _see_other(f"/manage/stations?revoked={key_id}")


# The audit log


@router.get("/audit", response_class=HTMLResponse, dependencies=MANAGERS)
def audit(page: PageDep) -> HTMLResponse:
    return page.render("manage/audit.html", {"events": list_audit_events(page.session)})
