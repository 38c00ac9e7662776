"""Standards and AQI scales as data (`data/standards.json` beside this module), chosen by
date in force."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, field_validator


class InForce(BaseModel):
    """Something published with the period it applies to; open ends mean 'since' or 'still'."""

    model_config = ConfigDict(extra="allow", frozen=True)

    effective_from: date | None
    effective_to: date | None

    def in_force_on(self, day: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        ends = self.effective_to is None or day <= self.effective_to
        return starts and ends


class Standard(InForce):
    """An ambient limit: an average over `averaging` must not exceed `limit` (in `unit`)."""

    id: str
    authority: str
    pollutant: str
    averaging: str
    limit: Decimal
    unit: str
    source: str

    @field_validator("limit", mode="before")
    @classmethod
    def _exact_limit(cls, value: object) -> object:
        return Decimal(str(value)) if isinstance(value, float) else value


class AqiBand(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    c_lo: Decimal
    c_hi: Decimal | None
    i_lo: int
    i_hi: int | None
    label_en: str
    label_th: str | None
    color: str
    advice_en: str | None = None
    advice_th: str | None = None

    @field_validator("c_lo", "c_hi", mode="before")
    @classmethod
    def _exact_breakpoint(cls, value: object) -> object:
        return Decimal(str(value)) if isinstance(value, float) else value


class AqiScale(InForce):
    id: str
    pollutant: str
    averaging: str
    unit: str
    bands: tuple[AqiBand, ...]
    concentration_precision: str
    source: str

    @property
    def precision(self) -> Decimal:
        """The step concentrations are reduced to before banding, e.g. 0.1 ug/m3."""
        return Decimal(self.concentration_precision.split()[0])

    @property
    def truncates(self) -> bool:
        """US EPA scales truncate; Thai notifications do not say, so dustwatch rounds half-up."""
        return "truncate" in self.concentration_precision


class StandardsFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    standards: tuple[Standard, ...]
    aqi_scales: tuple[AqiScale, ...]


@cache
def load_standards() -> StandardsFile:
    data = resources.files("core.standards").joinpath("data/standards.json")
    text = data.read_text(encoding="utf-8")
    return StandardsFile.model_validate(json.loads(text))


def thai_24h_standard(pollutant: str, *, on: date) -> Standard | None:
    """The Thai national 24-hour limit for `pollutant` in force on `on`, if there is one."""
    for standard in load_standards().standards:
        if (
            standard.id.startswith("th-")
            and standard.pollutant == pollutant
            and standard.averaging == "24h"
            and standard.in_force_on(on)
        ):
            return standard
    return None


def thai_aqi_scale(pollutant: str, *, on: date) -> AqiScale | None:
    """The PCD (Thai AQI) scale for `pollutant` in force on `on`, if there is one."""
    for scale in load_standards().aqi_scales:
        if (
            scale.id.startswith("th-pcd-")
            and scale.pollutant == pollutant
            and scale.in_force_on(on)
        ):
            return scale
    return None
