"""Standards and AQI scales as data (`data/standards.json` beside this module), looked up by
id and by the date in force.

A standard's `series` names it across versions: `th-pm25-24h` is 50 ug/m3 until 2023-05-31
(`th-pm25-24h-2010`) and 37.5 from 2023-06-01 (`th-pm25-24h-2023`). An AQI scale's `family`
does the same for scales (`th-pcd` is `th-pcd-2018`, then `th-pcd-2023`)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class InForce(BaseModel):
    """Something published with the period it applies to; open ends mean 'since' or 'still'."""

    model_config = ConfigDict(extra="allow", frozen=True)

    effective_from: date | None
    effective_to: date | None

    def in_force_on(self, day: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        ends = self.effective_to is None or day <= self.effective_to
        return starts and ends


Bound = Literal["upper", "lower", "range"]
"""How a standard limits its figure: air limits are upper bounds (a mean must not exceed the
limit); surface water sets minimums too (dissolved oxygen: at least 4 mg/L) and ranges (pH
5-9)."""


class Standard(InForce):
    """An ambient limit on an average over `period` (in `unit`): by default the average must
    not exceed `limit`; a `lower` bound must not fall below it; a `range` keeps the average
    within `lower_limit`..`limit`."""

    id: str
    series: str
    jurisdiction: str
    authority: str
    pollutant: str
    parameter: str
    """dustwatch's parameter code (pm25, pm10, tsp, o3, …)."""
    averaging: str
    """As published, e.g. '24h (99th percentile = 3-4 exceedance days/yr)'."""
    period: str
    """The averaging time as a code: 1h, 8h, 24h, 1mo, 1y, peak-season, stack."""
    limit: Decimal
    """The maximum (upper bound and range) or the minimum (lower bound)."""
    unit: str
    source: str
    bound: Bound = "upper"
    lower_limit: Decimal | None = None
    """A range's minimum; None otherwise."""

    @field_validator("limit", "lower_limit", mode="before")
    @classmethod
    def _exact_limit(cls, value: object) -> object:
        return Decimal(str(value)) if isinstance(value, float) else value

    @model_validator(mode="after")
    def _range_has_both_ends(self) -> Standard:
        if (self.bound == "range") != (self.lower_limit is not None):
            raise ValueError(f"{self.id}: a range, and only a range, has a lower_limit")
        return self

    def breached_by(self, value: Decimal) -> bool:
        """Whether a figure in this standard's unit breaks it (see `outside`)."""
        return outside(self.bound, value, self.limit, self.lower_limit)


def outside(
    bound: Bound, value: Decimal | Fraction, limit: Decimal, lower_limit: Decimal | None
) -> bool:
    """Whether `value` breaks a limit: above an upper bound, below a lower bound, or outside
    a range (its ends are allowed). Limits in the value's unit."""
    if bound == "lower":
        return value < limit
    if bound == "range":
        assert lower_limit is not None
        return value < lower_limit or value > limit
    return value > limit


def worse(
    bound: Bound, value: Fraction, than: Fraction, limit: Decimal, lower_limit: Decimal | None
) -> bool:
    """Whether `value` is strictly worse than `than` under such a standard: higher for an
    upper bound, lower for a minimum, further from the middle of a range."""
    if bound == "lower":
        return value < than
    if bound == "range":
        assert lower_limit is not None
        middle = (Fraction(limit) + Fraction(lower_limit)) / 2
        return abs(value - middle) > abs(than - middle)
    return value > than


class AqiBand(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    c_lo: Decimal
    c_hi: Decimal | None
    i_lo: int
    i_hi: int | None
    label_en: str
    label_th: str | None
    color: str
    color_hex: str | None = None
    """As published (US EPA); the Thai scales name the colour only."""
    advice_en: str | None = None
    advice_th: str | None = None
    note: str | None = None

    @property
    def hex(self) -> str:
        """The colour to paint: the published one, else Air4Thai's for the named PCD colour."""
        return self.color_hex or PCD_COLOURS.get(self.color, "#9e9e9e")

    @property
    def open_ended(self) -> bool:
        return self.c_hi is None or self.i_hi is None

    @field_validator("c_lo", "c_hi", mode="before")
    @classmethod
    def _exact_breakpoint(cls, value: object) -> object:
        return Decimal(str(value)) if isinstance(value, float) else value


class AqiScale(InForce):
    """One pollutant's breakpoints in one version of an AQI scale."""

    id: str
    family: str
    pollutant: str
    parameter: str
    averaging: str
    period: str
    unit: str
    bands: tuple[AqiBand, ...]
    concentration_precision: str
    source: str
    formula: str | None = None
    note: str | None = None
    beyond_top: Literal["extrapolate", "none"] = "none"
    """Above the top breakpoint: follow the top band's equation, or publish no index."""

    @property
    def precision(self) -> Decimal:
        """The step concentrations are reduced to before banding, e.g. 0.1 ug/m3."""
        return Decimal(self.concentration_precision.split()[0])

    @property
    def truncates(self) -> bool:
        """US EPA scales truncate (said in the precision or the formula, as for us-epa-1999);
        Thai notifications do not say, so dustwatch rounds half-up."""
        return any("truncat" in text for text in (self.concentration_precision, self.formula or ""))


PCD_COLOURS = {
    "blue": "#3bccff",
    "green": "#92d050",
    "yellow": "#ffff00",
    "orange": "#ffa200",
    "red": "#f04646",
}
"""Air4Thai's RGB for the PCD band colours (the same as the web pages' band classes)."""


class CorrectionExample(BaseModel):
    """A worked value of a correction: x (the sensor's PM2.5) and RH in, y out."""

    model_config = ConfigDict(frozen=True)

    x: Decimal
    RH: Decimal
    y: Decimal

    @field_validator("x", "RH", "y", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        return Decimal(str(value)) if isinstance(value, float) else value


class Correction(BaseModel):
    """A published correction of low-cost sensor data, with its source and worked values."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    authority: str
    source: str
    examples_derived: tuple[CorrectionExample, ...] = ()


class StandardsFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    standards: tuple[Standard, ...]
    aqi_scales: tuple[AqiScale, ...]
    corrections: tuple[Correction, ...] = ()


@cache
def load_standards() -> StandardsFile:
    data = resources.files("core.standards").joinpath("data/standards.json")
    text = data.read_text(encoding="utf-8")
    return StandardsFile.model_validate(json.loads(text))


def correction_by_id(correction_id: str) -> Correction | None:
    """A correction of low-cost sensor data by id, e.g. `epa-purpleair-extended-2021-10`."""
    return next((c for c in load_standards().corrections if c.id == correction_id), None)


def standard_by_id(standard_id: str) -> Standard | None:
    """One version of a standard by its exact id, e.g. `th-pm25-24h-2010`."""
    return next((s for s in load_standards().standards if s.id == standard_id), None)


def standard_in_force(series: str, *, on: date) -> Standard | None:
    """The version of `series` (e.g. `th-pm25-24h`) in force on `on`; a version id (e.g.
    `th-pm25-24h-2023`) also names its series. None when nothing of it was in force then."""
    named = standard_by_id(series)
    wanted = named.series if named is not None else series
    for standard in load_standards().standards:
        if standard.series == wanted and standard.in_force_on(on):
            return standard
    return None


def standard_series(series: str) -> tuple[Standard, ...]:
    """Every version of a series, oldest first; empty for an unknown series."""
    versions = [s for s in load_standards().standards if s.series == series]
    return tuple(sorted(versions, key=lambda s: s.effective_from or date.min))


def standards_for(
    parameter: str, *, on: date, jurisdiction: str | None = None, period: str | None = None
) -> tuple[Standard, ...]:
    """The standards for a parameter in force on `on`, optionally of one jurisdiction and
    averaging period."""
    return tuple(
        s
        for s in load_standards().standards
        if s.parameter == parameter
        and s.in_force_on(on)
        and (jurisdiction is None or s.jurisdiction == jurisdiction)
        and (period is None or s.period == period)
    )


def thai_24h_standard(parameter: str, *, on: date) -> Standard | None:
    """The Thai national 24-hour limit for a parameter code in force on `on`, if any."""
    found = standards_for(parameter, on=on, jurisdiction="th", period="24h")
    return found[0] if found else None


def aqi_scale(scale_id: str, parameter: str) -> AqiScale | None:
    """A scale's breakpoints for one parameter: by version id (`th-pcd-2023`) exactly, or by
    family (`th-pcd`) for the newest version."""
    matching = [
        s
        for s in load_standards().aqi_scales
        if s.parameter == parameter and scale_id in (s.id, s.family)
    ]
    return max(matching, key=lambda s: s.effective_from or date.min, default=None)


def aqi_scales() -> tuple[AqiScale, ...]:
    """Every pollutant of every published scale version, newest version first."""
    return tuple(
        sorted(
            load_standards().aqi_scales,
            key=lambda s: (s.family, -(s.effective_from or date.min).toordinal()),
        )
    )


def aqi_scale_ids() -> tuple[str, ...]:
    """The scale version ids and families that `aqi_scale` accepts, for messages."""
    ids = {s.id for s in load_standards().aqi_scales} | {
        s.family for s in load_standards().aqi_scales
    }
    return tuple(sorted(ids))


def aqi_scale_in_force(family: str, parameter: str, *, on: date) -> AqiScale | None:
    """The version of an AQI scale family (`th-pcd`, `us-epa`) in force on `on`."""
    for scale in load_standards().aqi_scales:
        if scale.family == family and scale.parameter == parameter and scale.in_force_on(on):
            return scale
    return None


THAI_AQI = "th-pcd"


def thai_aqi_scale(parameter: str, *, on: date) -> AqiScale | None:
    """The PCD (Thai AQI) scale for a parameter code in force on `on`, if there is one."""
    return aqi_scale_in_force(THAI_AQI, parameter, on=on)
