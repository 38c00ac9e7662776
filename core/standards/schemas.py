"""The standards catalogue, AQI scales and the AQI calculator as the API shows them.

Figures are JSON numbers: each is the shortest decimal of a value that was exact to begin
with (37.5, 15.1), so nothing is lost on the way out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

MAX_NAME = 40


class StandardPublic(BaseModel):
    id: str = Field(description="This version, e.g. `th-pm25-24h-2023`.")
    series: str = Field(description="The standard across its versions, e.g. `th-pm25-24h`.")
    jurisdiction: str = Field(description="th, us or who.")
    authority: str
    parameter: str = Field(description="dustwatch's parameter code: pm25, pm10, tsp, o3, …")
    pollutant: str = Field(description="As published: PM2.5, PM10, O3, …")
    period: str = Field(description="Averaging time as a code: 1h, 8h, 24h, 1mo, 1y, …")
    averaging: str = Field(description="Averaging as published, with any statistical form.")
    limit: float = Field(description="The maximum; for bound=lower, the minimum.")
    bound: Literal["upper", "lower", "range"] = Field(
        description="upper: must not exceed `limit`; lower: must not fall below it; range: "
        "must stay within lower_limit..limit (pH)."
    )
    lower_limit: float | None = Field(description="A range's minimum; null otherwise.")
    unit: str
    effective_from: date | None
    effective_to: date | None = Field(description="Last day in force; null while in force.")
    source: str
    note: str | None


class AqiBreakpointPublic(BaseModel):
    """One band of a scale: concentrations c_lo…c_hi map to indices i_lo…i_hi."""

    c_lo: float
    c_hi: float | None = Field(description="null for an open-ended top band.")
    i_lo: int
    i_hi: int | None
    label_th: str | None
    label_en: str
    color: str
    color_hex: str = Field(description="The colour to paint, e.g. #ffff00.")
    advice_th: str | None
    advice_en: str | None
    note: str | None


class AqiScalePublic(BaseModel):
    id: str = Field(description="Version id, e.g. `th-pcd-2023`.")
    family: str = Field(description="The scale across versions, e.g. `th-pcd`.")
    parameter: str
    pollutant: str
    period: str
    averaging: str
    unit: str
    precision: float = Field(description="Concentrations are reduced to this step first.")
    reduction: str = Field(description="How: 'truncated to 0.1 ug/m3', 'rounded half-up to …'.")
    beyond_top: Literal["extrapolate", "none"] = Field(
        description="Above the top breakpoint: the top band's equation continues, or no index."
    )
    formula: str | None
    effective_from: date | None
    effective_to: date | None
    source: str
    note: str | None
    bands: list[AqiBreakpointPublic]


class AqiBandPublic(BaseModel):
    """The band a concentration falls in, as a person reads it."""

    label_th: str | None = Field(description="null where the scale has no Thai name (US EPA).")
    label_en: str
    color: str
    color_hex: str
    advice_th: str | None
    advice_en: str | None


class AqiPublic(BaseModel):
    scale: str = Field(description="The scale version used (a family resolves to its newest).")
    pollutant: str = Field(description="Parameter code.")
    unit: str
    value: float = Field(description="The concentration as given.")
    concentration: float = Field(description="After the scale's reduction (see `reduction`).")
    reduction: str
    index: int | None = Field(description="null where the published method stops; see `note`.")
    note: str | None
    band: AqiBandPublic


HourValue = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


class NowCastRequest(BaseModel):
    scale: str = Field(min_length=1, max_length=MAX_NAME, examples=["us-epa-2024"])
    pollutant: str = Field(min_length=1, max_length=MAX_NAME, examples=["pm25"])
    hours: list[HourValue | None] = Field(
        max_length=12,
        description="Hourly means, newest first (current hour first); null for a missing hour.",
        examples=[[30, 28, None, 25, 24, 22, 20, 21, 19, 18, 18, 17]],
    )


class NowCastPublic(BaseModel):
    scale: str
    pollutant: str
    unit: str
    nowcast: float | None = Field(description="Truncated (0.1 PM2.5, 1 PM10); null if too few.")
    reduction: str
    weight: float | None = Field(description="w = max(c_min / c_max, 0.5).")
    hours_used: int
    index: int | None
    note: str | None = Field(description="Why there is no NowCast or no index, if so.")
    band: AqiBandPublic | None
