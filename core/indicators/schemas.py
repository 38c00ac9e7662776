"""Indicators as the API returns them: every figure with the standard versions and rule it used.

Concentrations are in the parameter's stored unit (ug/m3, ppb for O3/NO2/SO2, ppm for CO),
rounded to a thousandth for display; every comparison was made on exact values first."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class StandardVersionPublic(BaseModel):
    id: str
    series: str
    period: str
    limit: float
    bound: Literal["upper", "lower", "range"]
    """upper: the figure must not exceed `limit`; lower: not fall below it; range: stay
    within lower_limit..limit."""
    lower_limit: float | None
    unit: str
    limit_in_parameter_unit: float
    """The limit converted exactly to the unit readings are stored in (ppm x 1000 = ppb)."""
    effective_from: date | None
    effective_to: date | None
    authority: str
    source: str


class ScopePublic(BaseModel):
    kind: Literal["station", "area", "stations", "deployment"]
    station_code: str | None
    area: str | None
    stations: list[str]
    """The stations counted: the ones the caller may see."""


class ExceedancesByVersion(BaseModel):
    standard_id: str
    limit: float
    unit: str
    days_judged: int
    exceedance_days: int


class ExceedancesFigure(BaseModel):
    days: int
    """Valid days over the version in force that day (0 for an annual standard: see
    `annual_means`)."""
    by_version: list[ExceedancesByVersion]
    valid_days_without_standard: int
    standards: list[str]
    rule: str


class ValidDaysFigure(BaseModel):
    valid_days: int
    days_in_period: int
    share: float
    rule: str


class WorstDayFigure(BaseModel):
    value: float | None
    day: date | None
    station_code: str | None
    area: str | None
    rule: str


class PeriodMeanFigure(BaseModel):
    value: float | None
    valid_days: int
    rule: str


class CompletenessFigure(BaseModel):
    hours_with_data: int
    hours_expected: int
    share: float
    rule: str


class BandDays(BaseModel):
    scale_id: str
    label_en: str
    label_th: str | None
    color: str
    days: int


class AqiBandsFigure(BaseModel):
    bands: list[BandDays]
    valid_days_without_scale: int
    scales: list[str]
    rule: str


class AnnualMeanPublic(BaseModel):
    year: int
    value: float
    valid_days: int
    days_in_year: int
    valid: bool
    standard_id: str | None
    limit: float | None
    over_standard: bool | None


class AnnualMeansFigure(BaseModel):
    years: list[AnnualMeanPublic]
    standards: list[str]
    rule: str


class ChangeFigure(BaseModel):
    baseline_start: date
    baseline_end: date
    baseline_exceedance_days: int
    exceedance_days_change: int
    exceedance_days_change_percent: float | None
    """None when the baseline had no exceedance day."""
    baseline_mean: float | None
    mean_change: float | None
    mean_change_percent: float | None
    rule: str


class LeftOutFigure(BaseModel):
    readings: int
    rule: str


class DayPublic(BaseModel):
    """The figure a day of the scope is judged by (the worst valid station for an area)."""

    day: date
    value: float
    reported: float
    """At the Thai AQI scale's precision (half-up), as compared with the limit."""
    standard_id: str | None
    over_standard: bool | None
    station_code: str


class StationSummary(BaseModel):
    station_code: str
    area: str
    valid_days: int
    exceedance_days: int
    mean: float | None
    worst_value: float | None
    worst_day: date | None
    completeness: float


class IndicatorsPublic(BaseModel):
    scope: ScopePublic
    parameter: str
    unit: str
    start: date
    end: date
    """Inclusive: the period is the local days start..end."""
    time_zone: str
    standard_series: str
    standard_period: str
    standards: list[StandardVersionPublic]
    exceedances: ExceedancesFigure
    valid_days: ValidDaysFigure
    worst_day: WorstDayFigure
    period_mean: PeriodMeanFigure
    completeness: CompletenessFigure
    aqi_bands: AqiBandsFigure
    annual_means: AnnualMeansFigure
    change: ChangeFigure | None
    readings_left_out: LeftOutFigure
    values_used: Literal["raw"] = Field(
        default="raw",
        description="Every figure uses the readings' raw values (as the devices sent them), "
        "leaving out those flagged invalid; the US EPA correction of low-cost PM2.5 is stored "
        "beside them (GET /stations/{code}/readings, corrected_value) and not used here.",
    )
    days: list[DayPublic]
    stations: list[StationSummary]
    """Per station, for an area or the whole deployment."""
