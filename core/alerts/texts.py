"""The texts of a rule's alerts: str.format templates over a fixed set of named figures, so
that the backbone unit words its messages and dustwatch fills in what each alert shows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from string import Formatter
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.models import Alert, AlertRule, Language, Organisation, Station
from core.standards.parameters import BY_ID, from_milli

PLACEHOLDERS: dict[str, str] = {
    "station": "the station's name",
    "area": "the area",
    "parameter": "the parameter (PM2.5 shows as PM25)",
    "value": "the figure: an average, an AQI, minutes, a count",
    "threshold": "what the figure is compared with",
    "unit": "the figure's unit",
    "since": "when the condition began, local time",
    "count": "how many (observations, messages)",
    "minutes": "how many minutes (silent, late)",
    "facility": "the facility's name",
}
"""What a template may name, `{station}` etc.; the API documents and checks this list."""

MISSING = "–"
"""Shown for a figure that does not apply to the alert (no station for a backlog)."""


def template_errors(template: str) -> list[str]:
    """What is wrong with a template: unknown or positional placeholders, format specs,
    unbalanced braces. Empty when it can be used."""
    try:
        fields = list(Formatter().parse(template))
    except ValueError as error:
        return [f"{error} (write {{{{ and }}}} for a literal brace)"]
    errors = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            errors.append(f"unknown placeholder {{{name}}}: use {known}")
        elif spec or conversion:
            errors.append(f"{{{name}}} takes no format or conversion")
    return errors


def _milli(value: int | None) -> str:
    return MISSING if value is None else f"{from_milli(value):g}"


def alert_figures(
    session: Session,
    alert: Alert,
    *,
    zone: ZoneInfo,
    unit: str = "",
    details: Mapping[str, str | int | float] | None = None,
    latest: bool = False,
) -> dict[Language, dict[str, str]]:
    """Every placeholder's text for `alert` in each language: the opening figure, or the
    latest when `latest`; a detector's `details` override what the columns say."""
    station = session.get(Station, alert.station_id) if alert.station_id is not None else None
    facility = (
        session.get(Organisation, alert.facility_id) if alert.facility_id is not None else None
    )
    parameter = BY_ID[alert.parameter_id] if alert.parameter_id is not None else None
    value = alert.latest_average_milli if latest else alert.opening_average_milli
    since: datetime = alert.opened_at
    figures = {
        "station": station.name if station is not None else MISSING,
        "area": alert.area or (station.area if station is not None else MISSING),
        "parameter": parameter.code.upper() if parameter is not None else MISSING,
        "value": _milli(value),
        "threshold": _milli(alert.limit_milli),
        "unit": unit or (parameter.unit if parameter is not None else ""),
        "since": since.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "count": MISSING,
        "minutes": MISSING,
        "facility": MISSING,
    }
    for name, detail in (details or {}).items():
        if name in PLACEHOLDERS:
            figures[name] = f"{detail:g}" if isinstance(detail, float) else str(detail)
    thai, english = dict(figures), dict(figures)
    if facility is not None and "facility" not in (details or {}):
        thai["facility"], english["facility"] = facility.name_th, facility.name_en
    return {Language.TH: thai, Language.EN: english}


def render(template: str, figures: Mapping[str, str]) -> str:
    """A checked template filled in; one that fails the check (an older rule) is shown as
    written rather than lost."""
    if template_errors(template):
        return template
    return template.format_map(figures)


def render_alert_texts(
    session: Session,
    alert: Alert,
    rule: AlertRule,
    *,
    zone: ZoneInfo,
    unit: str = "",
    details: Mapping[str, str | int | float] | None = None,
    latest: bool = False,
) -> None:
    """Fill the alert's Thai and English title and text from its rule."""
    figures = alert_figures(session, alert, zone=zone, unit=unit, details=details, latest=latest)
    alert.title_th = render(rule.title_th, figures[Language.TH])[:400]
    alert.title_en = render(rule.title_en, figures[Language.EN])[:400]
    alert.text_th = render(rule.message_th, figures[Language.TH])[:2000]
    alert.text_en = render(rule.message_en, figures[Language.EN])[:2000]
