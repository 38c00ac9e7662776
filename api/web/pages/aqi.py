"""The AQI calculator page: the same figures as `GET /aqi` and `POST /aqi/nowcast`, from a
plain GET form that works without JavaScript (the answer is in the address, so it can be
shared)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from api.auth import public
from api.web.i18n import N_
from api.web.rendering import PageDep
from api.web.routing import PageRoute
from core.kit.errors import InvalidInput
from core.standards import service
from core.standards.catalogue import aqi_scales
from core.standards.nowcast import HOURS
from core.standards.nowcast import PRECISION as NOWCAST_PARAMETERS
from core.standards.schemas import AqiPublic, NowCastPublic

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SCALE_NAMES = {
    "th-pcd-2023": N_("Thai AQI (PCD, since June 2023)"),
    "th-pcd-2018": N_("Thai AQI (PCD, 2018 to May 2023)"),
    "us-epa-2024": N_("US AQI (EPA, since May 2024)"),
    "us-epa-2012": N_("US AQI (EPA, 2012 to May 2024)"),
    "us-epa-1999": N_("US AQI (EPA, 1999 to 2012)"),
}
US_BAND_NAMES = {
    "Good": N_("Good"),
    "Moderate": N_("Moderate"),
    "Unhealthy for Sensitive Groups": N_("Unhealthy for Sensitive Groups"),
    "Unhealthy": N_("Unhealthy"),
    "Very Unhealthy": N_("Very Unhealthy"),
    "Hazardous": N_("Hazardous"),
}
"""Thai names for the US EPA categories, which the EPA publishes in English only."""
DEFAULT_SCALE = "th-pcd-2023"
DEFAULT_NOWCAST_SCALE = "us-epa-2024"
MAX_FIELD = 40


@dataclass
class Form:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _scale_choices() -> list[tuple[str, str, list[str]]]:
    """(id, name, parameter codes) per scale version, newest first within a family."""
    choices: dict[str, list[str]] = {}
    for scale in aqi_scales():
        choices.setdefault(scale.id, []).append(scale.parameter)
    return [(i, SCALE_NAMES.get(i, i), codes) for i, codes in choices.items()]


def _field(query: Any, name: str) -> str:
    return str(query.get(name, ""))[:MAX_FIELD].replace("\x00", "")


def _aqi(query: Any) -> tuple[Form, AqiPublic | None]:
    form = Form(
        values={
            "scale": _field(query, "scale") or DEFAULT_SCALE,
            "pollutant": _field(query, "pollutant") or "pm25",
            "value": _field(query, "value"),
        }
    )
    if "value" not in query:
        return form, None
    try:
        service.resolve_scale(form.values["scale"], form.values["pollutant"])
    except InvalidInput:
        form.errors["pollutant"] = N_("This scale has no breakpoints for this pollutant.")
        return form, None
    try:
        value = service.parse_concentration(form.values["value"])
        return form, service.calculate_aqi(form.values["scale"], form.values["pollutant"], value)
    except InvalidInput:
        form.errors["value"] = N_("Enter a concentration of 0 or more as a number, e.g. 41.2.")
        return form, None


def _nowcast(query: Any) -> tuple[Form, NowCastPublic | None]:
    form = Form(
        values={
            "nc_scale": _field(query, "nc_scale") or DEFAULT_NOWCAST_SCALE,
            "nc_pollutant": _field(query, "nc_pollutant") or "pm25",
        }
        | {f"h{i}": _field(query, f"h{i}") for i in range(HOURS)}
    )
    if "nc_scale" not in query:
        return form, None
    hours: list[Decimal | None] = []
    for i in range(HOURS):
        text = form.values[f"h{i}"].strip()
        try:
            hours.append(service.parse_concentration(text) if text else None)
        except InvalidInput:
            form.errors[f"h{i}"] = N_("A number of 0 or more, or empty if missing.")
    scale, pollutant = form.values["nc_scale"], form.values["nc_pollutant"]
    try:
        found = service.resolve_scale(scale, pollutant)
    except InvalidInput:
        found = None
    if found is None or found.family != service.NOWCAST_FAMILY:
        form.errors["nc_pollutant"] = N_(
            "The NowCast is the US EPA method for PM2.5 and PM10: choose a US scale."
        )
    if form.errors:
        return form, None
    try:
        return form, service.calculate_nowcast(scale, pollutant, hours)
    except InvalidInput:
        form.errors["h0"] = N_("A value is larger than any plausible concentration.")
        return form, None


@router.get("/aqi/calculator", response_class=HTMLResponse, dependencies=[Depends(public)])
def calculator(page: PageDep) -> HTMLResponse:
    query = page.request.query_params
    aqi_form, result = _aqi(query)
    nowcast_form, nowcast = _nowcast(query)
    return page.render(
        "aqi_calculator.html",
        {
            "scales": _scale_choices(),
            "nowcast_scales": [c for c in _scale_choices() if c[0].startswith("us-epa")],
            "pollutants": service.AQI_POLLUTANTS,
            "nowcast_pollutants": tuple(NOWCAST_PARAMETERS),
            "hours": range(HOURS),
            "form": aqi_form,
            "result": result,
            "nowcast_form": nowcast_form,
            "nowcast": nowcast,
            "us_band_names": US_BAND_NAMES,
        },
    )
