"""Alert rules as the API shows and accepts them: checked per kind, so that a rule that
could never fire, or whose message names a figure dustwatch does not know, is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from core.alerts.texts import PLACEHOLDERS, template_errors
from core.indicators.averages import STANDARD_PARAMETERS
from core.kit.text import is_storable
from core.models import AlertKind, Averaging, Severity, StationKind
from core.standards.parameters import BY_CODE

AQI_BANDS = 5
"""The Thai AQI has five bands: 1 very good, 2 good, 3 moderate, 4 starting to affect
health, 5 affecting health."""
NOWCAST_PARAMETERS = ("pm25", "pm10")

SETTINGS = (
    "parameter",
    "threshold",
    "aqi_band",
    "minutes",
    "count",
    "radius_m",
    "window_minutes",
    "averaging",
)
"""The settings whose meaning depends on the kind; the others apply to every rule."""

REQUIRED: dict[AlertKind, frozenset[str]] = {
    AlertKind.VALUE_OVER: frozenset({"parameter", "threshold", "averaging"}),
    AlertKind.AQI_BAND: frozenset({"aqi_band"}),
    AlertKind.EXCEEDANCE_24H: frozenset(),
    AlertKind.STATION_SILENT: frozenset({"minutes"}),
    AlertKind.REPORT_LATE: frozenset(),
    AlertKind.REPORT_BREACH: frozenset(),
    AlertKind.OBSERVATION_CLUSTER: frozenset({"count", "radius_m", "window_minutes"}),
    AlertKind.BACKLOG: frozenset(),
}
OPTIONAL: dict[AlertKind, frozenset[str]] = {
    AlertKind.VALUE_OVER: frozenset(),
    AlertKind.AQI_BAND: frozenset({"parameter"}),
    AlertKind.EXCEEDANCE_24H: frozenset({"parameter"}),
    AlertKind.STATION_SILENT: frozenset({"parameter"}),
    AlertKind.REPORT_LATE: frozenset({"minutes"}),
    AlertKind.REPORT_BREACH: frozenset({"parameter"}),
    AlertKind.OBSERVATION_CLUSTER: frozenset(),
    AlertKind.BACKLOG: frozenset({"threshold", "count"}),
}
PARAMETERS_OF: dict[AlertKind, tuple[str, ...]] = {
    AlertKind.AQI_BAND: NOWCAST_PARAMETERS,
    AlertKind.EXCEEDANCE_24H: STANDARD_PARAMETERS,
}
"""Kinds that apply to some parameters only."""


def _storable(value: str) -> str:
    if not is_storable(value):
        raise ValueError("contains a NUL character or a lone surrogate")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Area = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

TEMPLATE_HELP = "A str.format template; placeholders: " + ", ".join(
    "{" + name + "} " + meaning for name, meaning in PLACEHOLDERS.items()
)


class AlertRuleFields(BaseModel):
    """What a rule says; settings its kind does not use are null."""

    name: Name
    kind: AlertKind
    enabled: bool = True
    areas: list[Area] = Field(
        default_factory=list, max_length=100, description="Areas it covers; empty: every area."
    )
    station_kind: StationKind | None = Field(default=None, description="None: any station.")
    parameter: str | None = Field(default=None, max_length=16, description="A parameter code.")
    threshold: float | None = Field(
        default=None, ge=0, le=1_000_000, allow_inf_nan=False, description="value_over: over it."
    )
    aqi_band: int | None = Field(
        default=None, ge=1, le=AQI_BANDS, description="aqi_band: Thai AQI band 1-5, at or above."
    )
    minutes: int | None = Field(default=None, ge=1, le=43_200)
    count: int | None = Field(default=None, ge=1, le=100_000)
    radius_m: int | None = Field(default=None, ge=1, le=100_000)
    window_minutes: int | None = Field(default=None, ge=1, le=10_080)
    averaging: Averaging | None = Field(
        default=None, description="value_over: `hourly` (last hour's mean) or `nowcast`."
    )
    min_duration_minutes: int | None = Field(default=None, ge=0, le=10_080)
    clear_evaluations: int | None = Field(default=None, ge=1, le=100)
    severity: Severity = Severity.WARNING
    title_th: Title = Field(description=TEMPLATE_HELP)
    title_en: Title = Field(description=TEMPLATE_HELP)
    message_th: Text = Field(description=TEMPLATE_HELP)
    message_en: Text = Field(description=TEMPLATE_HELP)


class AlertRuleIn(AlertRuleFields):
    """A rule as written, checked against its kind: settings it does not use must be left
    out, and its texts may name only the known placeholders."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        texts = [self.name, *self.areas, self.title_th, self.title_en]
        texts += [self.message_th, self.message_en, self.parameter or ""]
        for text in texts:
            _storable(text)
        for field in ("title_th", "title_en", "message_th", "message_en"):
            if errors := template_errors(getattr(self, field)):
                raise ValueError(f"{field}: " + "; ".join(errors))
        kind = self.kind
        given = {name for name in SETTINGS if getattr(self, name) is not None}
        if missing := sorted(REQUIRED[kind] - given):
            raise ValueError(f"a {kind.value} rule needs " + ", ".join(missing))
        if extra := sorted(given - REQUIRED[kind] - OPTIONAL[kind]):
            raise ValueError(f"a {kind.value} rule takes no " + ", ".join(extra))
        if self.parameter is not None:
            if self.parameter not in BY_CODE:
                raise ValueError(f"no parameter {self.parameter!r}: use " + ", ".join(BY_CODE))
            allowed = PARAMETERS_OF.get(kind)
            if kind is AlertKind.VALUE_OVER and self.averaging is Averaging.NOWCAST:
                allowed = NOWCAST_PARAMETERS
            if allowed is not None and self.parameter not in allowed:
                raise ValueError(f"{self.parameter} does not apply here: use " + ", ".join(allowed))
        return self


class AlertRulePublic(AlertRuleFields):
    """As stored: not checked again, so that a rule written under older checks still lists."""

    id: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
