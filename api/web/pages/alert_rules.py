"""Backbone staff and admins: the rules that raise alerts, listed, written and disabled with
plain forms (no script needed), Thai first."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from api.auth import require_roles
from api.web.forms import field_errors
from api.web.i18n import N_
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.alerts.rule_schemas import OPTIONAL, REQUIRED, SETTINGS, AlertRuleIn, AlertRulePublic
from core.alerts.rules import create_rule, disable_rule, get_rule, list_rules, update_rule
from core.alerts.texts import PLACEHOLDERS
from core.kit.db import RowId
from core.kit.errors import InvalidInput
from core.models import AlertKind, Role

router = APIRouter(prefix="/manage", route_class=PageRoute, include_in_schema=False)

managers = require_roles(Role.BACKBONE, Role.ADMIN)
MANAGERS = [Depends(managers)]

KIND_NAMES = {
    "value_over": N_("Hourly mean or NowCast over a threshold"),
    "aqi_band": N_("Thai AQI (NowCast) in a band or above"),
    "exceedance_24h": N_("24-hour average over the Thai standard"),
    "station_silent": N_("Station silent (no readings)"),
    "report_late": N_("Factory report late"),
    "report_breach": N_("Factory report over its limit"),
    "observation_cluster": N_("Several dust reports close together"),
    "backlog": N_("Broker or ingest backlog"),
}
SEVERITY_NAMES = {"info": N_("Information"), "warning": N_("Warning"), "critical": N_("Critical")}
STATION_KIND_NAMES = {
    "volunteer": N_("Volunteer stations"),
    "factory": N_("Factory stations"),
    "reference": N_("Reference stations"),
}
AVERAGING_NAMES = {"hourly": N_("Mean of the last hour"), "nowcast": N_("NowCast (12 hours)")}
RULE_REFUSED = N_("This rule cannot work: %(reason)s")
NOT_A_NUMBER = N_("Enter a number.")
NUMBER_FIELDS = ("threshold",)
WHOLE_FIELDS = (
    "aqi_band",
    "minutes",
    "count",
    "radius_m",
    "window_minutes",
    "min_duration_minutes",
    "clear_evaluations",
)
TEXT_FIELDS = ("name", "title_th", "title_en", "message_th", "message_en")
CHOICE_FIELDS = ("kind", "severity", "station_kind", "parameter", "averaging")


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def _shown(rule: AlertRulePublic) -> dict[str, str]:
    """A stored rule as its form shows it."""
    values = {
        name: "" if (value := getattr(rule, name)) is None else str(getattr(value, "value", value))
        for name in (*TEXT_FIELDS, *CHOICE_FIELDS, *NUMBER_FIELDS, *WHOLE_FIELDS)
    }
    if rule.threshold is not None:
        values["threshold"] = f"{rule.threshold:g}"
    values["areas"] = ", ".join(rule.areas)
    values["enabled"] = "on" if rule.enabled else ""
    return values


def _rules_page(
    page: Page,
    *,
    editing: AlertRulePublic | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    if values is None:
        values = _shown(editing) if editing is not None else {"enabled": "on"}
    return page.render(
        "manage/alert_rules.html",
        {
            "rules": list_rules(page.session),
            "editing": editing,
            "kind_names": KIND_NAMES,
            "severity_names": SEVERITY_NAMES,
            "station_kind_names": STATION_KIND_NAMES,
            "averaging_names": AVERAGING_NAMES,
            "placeholders": PLACEHOLDERS,
            "values": values,
            "errors": errors or {},
            "done": page.request.query_params.get("done"),
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


def _parse(page: Page, form: dict[str, str]) -> tuple[AlertRuleIn | None, dict[str, str]]:
    """The form's text as a rule: empty fields are left out, numbers must be numbers, and a
    rule its kind refuses says why."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {name: form[name].strip() for name in TEXT_FIELDS}
    for name in CHOICE_FIELDS:
        values[name] = form[name] or None
    for name in (*NUMBER_FIELDS, *WHOLE_FIELDS):
        text = form[name].strip().replace(",", "")
        if not text:
            values[name] = None
            continue
        try:
            values[name] = int(text) if name in WHOLE_FIELDS else float(text)
        except ValueError:
            errors[name] = page.gettext(NOT_A_NUMBER)
    values["areas"] = [a.strip() for a in form["areas"].split(",") if a.strip()]
    values["enabled"] = form["enabled"] == "on"
    if values["kind"] is not None and values["kind"] in {k.value for k in AlertKind}:
        # Settings another kind would use are not this kind's: leave them out.
        kind = AlertKind(values["kind"])
        for name in SETTINGS:
            if name not in REQUIRED[kind] | OPTIONAL[kind] and values.get(name) is not None:
                values[name] = None
    if errors:
        return None, errors
    try:
        return AlertRuleIn.model_validate(values), {}
    except ValidationError as error:
        found = field_errors(error, page)
        for detail in error.errors():
            if not detail["loc"] and detail["type"] == "value_error":
                reason = str(detail["msg"]).removeprefix("Value error, ")
                found[""] = page.gettext(RULE_REFUSED, reason=reason)
        return None, found


class RuleForm(BaseModel):
    """The form as posted: text, checked by `_parse`; unknown fields are ignored."""

    name: str = ""
    kind: str = ""
    enabled: str = ""
    areas: str = ""
    station_kind: str = ""
    parameter: str = ""
    threshold: str = ""
    aqi_band: str = ""
    minutes: str = ""
    count: str = ""
    radius_m: str = ""
    window_minutes: str = ""
    averaging: str = ""
    min_duration_minutes: str = ""
    clear_evaluations: str = ""
    severity: str = "warning"
    title_th: str = ""
    title_en: str = ""
    message_th: str = ""
    message_en: str = ""


PostedRule = Annotated[RuleForm, Form()]


@router.get("/alert-rules", response_class=HTMLResponse, dependencies=MANAGERS)
def alert_rules(page: PageDep) -> HTMLResponse:
    return _rules_page(page)


@router.get("/alert-rules/{rule_id}", response_class=HTMLResponse, dependencies=MANAGERS)
def edit_alert_rule(rule_id: RowId, page: PageDep) -> HTMLResponse:
    return _rules_page(page, editing=get_rule(page.session, rule_id))


@router.post("/alert-rules", dependencies=MANAGERS)
def add_alert_rule(page: PageDep, posted: PostedRule) -> Response:
    form = posted.model_dump()
    data, errors = _parse(page, form)
    if data is None:
        return _rules_page(page, values=form, errors=errors)
    create_rule(page.session, data, actor=page.principal, now=page.now)
    return _see_other("/manage/alert-rules?done=created")


@router.post("/alert-rules/{rule_id}", dependencies=MANAGERS)
def change_alert_rule(rule_id: RowId, page: PageDep, posted: PostedRule) -> Response:
    form = posted.model_dump()
    editing = get_rule(page.session, rule_id)
    data, errors = _parse(page, form)
    if data is not None:
        try:
            with page.session.begin_nested():
                update_rule(page.session, rule_id, data, actor=page.principal, now=page.now)
        except InvalidInput as refused:
            errors = {"kind": page.gettext(RULE_REFUSED, reason=str(refused))}
        else:
            return _see_other("/manage/alert-rules?done=changed")
    return _rules_page(page, editing=editing, values=form, errors=errors)


@router.post("/alert-rules/{rule_id}/disable", dependencies=MANAGERS)
def disable_alert_rule(rule_id: RowId, page: PageDep) -> Response:
    disable_rule(page.session, rule_id, actor=page.principal, now=page.now, zone=page.settings.zone)
    return _see_other("/manage/alert-rules?done=disabled")
