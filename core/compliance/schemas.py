"""A facility's compliance as the API returns it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from pydantic import BaseModel, Field


class ComplianceStatus(enum.StrEnum):
    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    INSUFFICIENT_DATA = "insufficient_data"


class DayPublic(BaseModel):
    """One monitor's one parameter on one local day."""

    day: date
    mean: float | None = Field(
        description="The day's mean reduced as compared (see rules.reduction); null when the "
        "day is not valid."
    )
    hours_with_data: int
    hours_expected: int
    valid: bool = Field(description="At least 18 hours with data.")
    standard_id: str | None
    limit: float | None
    unit: str
    exceeded: bool | None = Field(description="Null when the day is not valid.")


class TodayPublic(BaseModel):
    """The rolling 24-hour mean now, as Air4Thai shows it."""

    status: ComplianceStatus
    window_start: datetime
    window_end: datetime
    mean: float | None
    hours_with_data: int
    hours_expected: int
    standard_id: str | None
    limit: float | None


class PeriodPublic(BaseModel):
    """Local days start..end (both included) of one monitor's parameter, counted."""

    status: ComplianceStatus
    start: date
    end: date
    days: int
    valid_days: int
    exceedance_days: int
    hours_with_data: int
    hours_expected: int


class ParameterCompliancePublic(BaseModel):
    parameter: str
    unit: str
    today: TodayPublic
    last_30_days: PeriodPublic
    period: PeriodPublic
    """The requested period."""
    days: list[DayPublic]
    """Every day of the requested period, oldest first, including days without data."""
    exceedances: list[DayPublic]
    """The valid days of the requested period over the standard."""


class LatestValuePublic(BaseModel):
    parameter: str
    unit: str
    value: float
    time: datetime


class StationCompliancePublic(BaseModel):
    code: str
    name: str
    kind: str
    area: str
    public: bool
    latest: list[LatestValuePublic]
    """The newest reading of every parameter the monitor measures."""
    parameters: list[ParameterCompliancePublic]
    """The parameters with a Thai 24-hour standard that the monitor measures."""


class AnswerPublic(BaseModel):
    status: ComplianceStatus
    rule: str


class PeriodAnswerPublic(AnswerPublic):
    start: date
    end: date


class RulesPublic(BaseModel):
    daily_mean: str
    reduction: str
    today: str
    last_30_days: str
    period: str
    facility: str


class FacilityPublic(BaseModel):
    id: int
    name_th: str
    name_en: str


class FacilityCompliancePublic(BaseModel):
    facility: FacilityPublic
    generated_at: datetime
    time_zone: str
    local_today: date
    today: AnswerPublic
    """In compliance now, over the rolling 24 hours."""
    last_30_days: PeriodAnswerPublic
    period: PeriodAnswerPublic
    """The requested period (by default the same 30 days)."""
    rules: RulesPublic
    stations: list[StationCompliancePublic]
