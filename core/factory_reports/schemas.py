"""Factory reports, their schedule and the status of each period, as the API answers."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.factory_reports.schedule import PeriodStatus
from core.models import ReportFrequency

MAX_DUE_DAYS = 366


class ScheduleSet(BaseModel):
    """A facility's reporting schedule, set by the backbone or an admin."""

    model_config = ConfigDict(extra="forbid")

    frequency: ReportFrequency = Field(description="monthly, quarterly or yearly")
    due_days: int = Field(
        ge=0, le=MAX_DUE_DAYS, description="days after a period's last day the report is due"
    )
    first_period_start: date = Field(
        description="first day of the first period (the first of a month), e.g. 2026-01-01"
    )

    @field_validator("first_period_start")
    @classmethod
    def _first_of_a_month(cls, day: date) -> date:
        if day.day != 1 or day.year < 2000:
            raise ValueError("must be the first day of a month, in 2000 or later")
        return day


class SchedulePublic(BaseModel):
    frequency: ReportFrequency
    due_days: int
    first_period_start: date
    updated_at: datetime


class ReportRowPublic(BaseModel):
    row: int
    station_code: str
    parameter: str
    unit: str
    value: float
    method: str
    sample_start: datetime
    sample_end: datetime


class FactoryReportPublic(BaseModel):
    id: int
    facility_id: int
    period_start: date
    period_end: date
    submitted_by: str
    received_at: datetime
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str
    row_count: int
    readings_stored: int | None = Field(
        default=None,
        description="in the answer to an upload: rows that became new readings (the others "
        "were stored already, with the same value)",
    )
    file_url: str


class FactoryReportDetail(FactoryReportPublic):
    rows: list[ReportRowPublic]


class PeriodPublic(BaseModel):
    start: date
    end: date
    due: date
    status: PeriodStatus
    report_id: int | None


class FacilityRef(BaseModel):
    id: int
    name_th: str
    name_en: str


class FacilityReportsPublic(BaseModel):
    """A facility's reports, newest first, and its schedule's periods with their status."""

    facility: FacilityRef
    schedule: SchedulePublic | None
    periods: list[PeriodPublic] = Field(description="newest first; empty without a schedule")
    reports: list[FactoryReportPublic]


class FacilityReportStatus(BaseModel):
    """One line of the officials' overview."""

    facility: FacilityRef
    schedule: SchedulePublic | None
    missing: int
    late: int
    on_time: int
    not_yet_due: int
    last_received_at: datetime | None
    latest_period: PeriodPublic | None
