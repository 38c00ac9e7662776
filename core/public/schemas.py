"""The public status as the API returns it: UTC times, and the same moments in local time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

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
    latest_time_local: datetime
    """`latest_time` in the deployment's time zone (ISO 8601 with its offset, +07:00)."""
    average_24h: float | None
    """Mean of hourly means over [window_start, window_end), at the AQI scale's precision."""
    average_24h_hours: int
    average_24h_completeness: float
    window_start: datetime | None
    window_end: datetime | None
    window_start_local: datetime | None
    window_end_local: datetime | None
    standard_id: str | None
    standard_limit: float | None
    """The maximum; for standard_bound=lower the minimum; a range's maximum."""
    standard_bound: Literal["upper", "lower", "range"] | None = None
    standard_lower_limit: float | None = None
    """A range's minimum (pH 5)."""
    over_standard: bool | None
    """Out of the standard: above its maximum, below its minimum, outside its range."""
    scale_id: str | None
    """The AQI scale the index and band come from, e.g. th-pcd-2023."""
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
    aqi_applies: bool = True
    """False when none of its measures has a Thai AQI scale (water quality): no index or band
    is due, only the standards' judgement."""
    last_reading_time: datetime | None
    """The newest reading of any parameter; None before the first one."""
    last_reading_time_local: datetime | None
    parameters: list[ParameterStatus]


class AreaParameterStatus(BaseModel):
    """A village's highest valid 24-hour average of one parameter, against the standard."""

    parameter: str
    unit: str
    average_24h: float | None
    """None while no station of the village has a valid 24-hour average."""
    average_24h_hours: int
    """Hours with data behind that average (the most of any station when none is valid)."""
    station: str | None
    standard_id: str | None
    standard_limit: float | None
    """The maximum; for standard_bound=lower the minimum; a range's maximum."""
    standard_bound: Literal["upper", "lower", "range"] | None = None
    standard_lower_limit: float | None = None
    """A range's minimum (pH 5)."""
    over_standard: bool | None
    """Out of the standard: above its maximum, below its minimum, outside its range."""


class AreaStatus(BaseModel):
    """A village (the stations' `area`): the worst band of its stations, as the page shows it."""

    area: str
    aqi: int | None
    band: BandPublic | None
    aqi_applies: bool = True
    """False when none of its measures has a Thai AQI scale (water quality): no index or band
    is due, only the standards' judgement."""
    worst_station: str | None
    station_codes: list[str]
    parameters: list[AreaParameterStatus]
    last_reading_time: datetime | None
    last_reading_time_local: datetime | None


class StatusPublic(BaseModel):
    generated_at: datetime
    generated_at_local: datetime
    time_zone: str
    """The IANA zone of the `_local` times and of local days (DUSTWATCH_TIME_ZONE)."""
    scale: str | None
    """The Thai AQI scale in force today, e.g. th-pcd-2023."""
    stations: list[StationStatus]
    areas: list[AreaStatus]


class HourlyMeanPublic(BaseModel):
    hour: datetime
    """Start of the clock hour, UTC."""
    hour_local: datetime
    mean: float | None
    """Mean of the hour's readings to a thousandth of the unit; None for an hour without any."""
    reading_count: int


class HourlySeriesPublic(BaseModel):
    """Every clock hour of [start, end), the hours without data included as None."""

    station: str
    parameter: str
    unit: str
    time_zone: str
    start: datetime
    end: datetime
    start_local: datetime
    end_local: datetime
    standard_id: str | None
    """The Thai 24-hour standard in force today, drawn beside the hourly means."""
    standard_limit: float | None
    hours: list[HourlyMeanPublic]


class DailyMeanPublic(BaseModel):
    """One local day's 24-hour mean against the Thai standard in force that day."""

    day: date
    mean: float | None
    """Mean of the day's hourly means at the AQI scale's precision; None under 18 hours."""
    hours_with_data: int
    hours_expected: int
    completeness: float
    valid: bool
    standard_id: str | None
    standard_limit: float | None
    """The maximum; for standard_bound=lower the minimum; a range's maximum."""
    standard_bound: Literal["upper", "lower", "range"] | None = None
    standard_lower_limit: float | None = None
    """A range's minimum (pH 5)."""
    over_standard: bool | None
    """Out of the standard: above its maximum, below its minimum, outside its range."""


class DailySeriesPublic(BaseModel):
    parameter: str
    unit: str
    start: date
    end: date
    """Exclusive."""
    valid_days: int
    exceedance_days: int
    days: list[DailyMeanPublic]
    """Every day of [start, end), newest first; days without data have no mean."""
