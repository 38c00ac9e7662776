"""What a bulletin says as data (the figures its text is built from), and what the API shows
and accepts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.kit.text import is_storable


class StationFigure(BaseModel):
    station_code: str
    station_name: str
    valid_days: int
    exceedance_days: int
    mean: float | None
    worst_value: float | None
    worst_day: date | None
    completeness: float
    """Hours with data / hours in the period, 0..1."""


class BandFigure(BaseModel):
    """Days of the area in one band of the Thai AQI scale in force."""

    label_th: str | None
    label_en: str
    color: str
    days: int


class ParameterFigure(BaseModel):
    """One pollutant over the period against the Thai standard of its shortest averaging time."""

    parameter: str
    unit: str
    standard_id: str | None
    """The version in force on the period's last day."""
    standard_period: str
    limit: float | None
    valid_days: int
    days_in_period: int
    exceedance_days: int
    """Days of the area (its worst valid station) over the standard in force that day."""
    worst_value: float | None
    worst_day: date | None
    worst_station: str | None
    period_mean: float | None
    aqi_bands: list[BandFigure]
    stations: list[StationFigure]


class StationDown(BaseModel):
    """A station without a valid daily mean of anything on some days of the period."""

    station_code: str
    station_name: str
    days_down: list[date]
    completeness: float
    """Its best parameter's hours with data / hours in the period, 0..1."""


class AlertFigure(BaseModel):
    alert_id: str
    station_code: str
    parameter: str
    unit: str
    limit: float
    peak_average: float
    opened_at: datetime
    resolved_at: datetime | None


class ChartSeries(BaseModel):
    station_code: str
    station_name: str
    parameter: str
    values: list[float | None]
    """One per day of `ChartFigure.days`; None when the day's mean is not valid."""


class ChartFigure(BaseModel):
    """Daily means of the last 7 days to the period's end, per station, for the chart."""

    days: list[date]
    series: list[ChartSeries]
    limits: dict[str, float]
    """The Thai 24-hour standard of each charted parameter in force on the last day."""


class TargetProgress(BaseModel):
    """Progress towards an agreed target of the area, in words (`name`, `progress` English)."""

    name: str
    progress: str
    name_th: str = ""
    progress_th: str = ""


class BulletinFigures(BaseModel):
    area: str
    kind: Literal["daily", "weekly"]
    period_start: date
    period_end: date
    time_zone: str
    stations: list[str]
    """The public stations of the area: a bulletin is public, so private ones are left out."""
    parameters: list[ParameterFigure]
    stations_down: list[StationDown]
    alerts_opened: list[AlertFigure]
    alerts_resolved: list[AlertFigure]
    alerts_open_at_end: int
    targets: list[TargetProgress] = Field(default_factory=list)
    chart: ChartFigure


class BulletinSummary(BaseModel):
    id: int
    area: str
    kind: str
    period_start: date
    period_end: date
    status: str
    title_th: str
    title_en: str
    published_at: datetime | None


class BulletinPublic(BulletinSummary):
    body_th: str
    body_en: str
    figures: BulletinFigures
    has_chart: bool
    chart_url_th: str | None
    chart_url_en: str | None
    drafted_at: datetime
    edited_at: datetime | None
    edited_by: str | None
    approved_at: datetime | None
    approved_by: str | None
    published_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None


def _storable(value: str) -> str:
    if not is_storable(value):
        raise ValueError("must not contain NUL or unpaired surrogate characters")
    return value


class BulletinEdit(BaseModel):
    """Staff's edit of a draft's text; the figures stay as drafted."""

    title_th: str = Field(min_length=1, max_length=400)
    title_en: str = Field(min_length=1, max_length=400)
    body_th: str = Field(min_length=1, max_length=20000)
    body_en: str = Field(min_length=1, max_length=20000)

    @field_validator("title_th", "title_en", "body_th", "body_en")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return _storable(value)
