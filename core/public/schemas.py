"""The public status as the API returns it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class BandPublic(BaseModel):
    label_en: str
    label_th: str | None
    color: str
    advice_en: str | None
    advice_th: str | None


class ParameterStatus(BaseModel):
    parameter: str
    unit: str
    latest_value: float
    latest_time: datetime
    average_24h: float | None
    """Mean of hourly means over [window_start, window_end), at the AQI scale's precision."""
    average_24h_hours: int
    average_24h_completeness: float
    window_start: datetime | None
    window_end: datetime | None
    standard_id: str | None
    standard_limit: float | None
    over_standard: bool | None
    aqi: int | None
    band: BandPublic | None


class StationStatus(BaseModel):
    code: str
    name: str
    kind: str
    area: str
    latitude: float
    longitude: float
    aqi: int | None
    band: BandPublic | None
    parameters: list[ParameterStatus]


class StatusPublic(BaseModel):
    generated_at: datetime
    stations: list[StationStatus]
