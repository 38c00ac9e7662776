"""Targets as staff propose and revise them, and as the API answers with their progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from core.kit.text import is_storable
from core.models import TargetDirection, TargetIndicator, TargetStatus

MAX_MILESTONES = 24


def _storable(text: str) -> str:
    if not is_storable(text):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return text


Title = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_storable)]
Value = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due: date
    value: Value


def _check_path(
    indicator: TargetIndicator | None,
    values: list[float],
    milestones: list[MilestoneIn],
    start: date | None,
    deadline: date | None,
) -> None:
    if indicator == TargetIndicator.VALID_SHARE and any(v > 1 for v in values):
        raise ValueError("a share of valid days is between 0 and 1")
    dues = [m.due for m in milestones]
    if len(set(dues)) != len(dues):
        raise ValueError("two milestones have the same date")
    for due in dues:
        if (start is not None and due <= start) or (deadline is not None and due >= deadline):
            raise ValueError("milestones fall after the baseline and before the deadline")


class TargetCreate(BaseModel):
    """A proposed target. The baseline value is not given: it is computed from the data of
    baseline_start..baseline_end."""

    model_config = ConfigDict(extra="forbid")

    title_th: Title
    title_en: Title
    indicator: TargetIndicator
    parameter: Annotated[str, Field(min_length=1, max_length=16), AfterValidator(_storable)]
    area: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)] | None = (
        None
    )
    station_code: (
        Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)] | None
    ) = None
    baseline_start: date
    baseline_end: date
    target_value: Value
    deadline: date
    direction: TargetDirection = TargetDirection.LOWER
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=MAX_MILESTONES)

    @model_validator(mode="after")
    def _consistent(self) -> TargetCreate:
        if (self.area is None) == (self.station_code is None):
            raise ValueError("give an area or a station_code, not both")
        if self.baseline_end < self.baseline_start:
            raise ValueError("the baseline ends before it starts")
        if self.deadline <= self.baseline_end:
            raise ValueError("the deadline must come after the baseline")
        values = [self.target_value, *(m.value for m in self.milestones)]
        _check_path(self.indicator, values, self.milestones, self.baseline_end, self.deadline)
        return self


class TargetRevise(BaseModel):
    """A change of a target with its reason; what is not given stays as it is."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=3, max_length=2000), AfterValidator(_storable)]
    title_th: Title | None = None
    title_en: Title | None = None
    target_value: Value | None = None
    deadline: date | None = None
    milestones: list[MilestoneIn] | None = Field(default=None, max_length=MAX_MILESTONES)
    retire: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> TargetRevise:
        _check_path(None, [], self.milestones or [], None, self.deadline)
        return self


class CertificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
    period_start: date
    period_end: date

    @model_validator(mode="after")
    def _consistent(self) -> CertificationCreate:
        if self.period_end < self.period_start:
            raise ValueError("the period ends before it starts")
        if (self.period_end - self.period_start).days > 366:
            raise ValueError("certify at most a year at a time")
        return self


class CertificationPublic(BaseModel):
    id: int
    area: str
    period_start: date
    period_end: date
    certified_by: str
    certified_at: datetime


class MilestonePublic(BaseModel):
    due: date
    value: float


class SignatoryPublic(BaseModel):
    organisation_id: int
    organisation_name_th: str
    organisation_name_en: str
    signed_on: date
    signed_by: str


class RevisionPublic(BaseModel):
    at: datetime
    by: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


class WindowValue(BaseModel):
    """The indicator over one window of local days, with the completeness behind it."""

    start: date
    end: date
    value: float | None
    valid_day_share: float
    hour_completeness: float


class ProgressPublic(BaseModel):
    window_days: int
    """Every window is as long as the baseline, so that counts of days compare like with like."""
    provisional: WindowValue
    """The latest window, ending yesterday, whether or not its data were certified."""
    counted: WindowValue | None
    """The latest window whose every day was certified by the backbone; None if none yet."""
    previous: WindowValue
    """The window just before `provisional`: the trend compares the two."""
    trend: float | None
    """provisional minus previous (None when either has no value)."""
    improving: bool | None
    expected: float | None
    """The value the linear path through baseline, milestones and target asks for at the end
    of the counted window."""
    on_track: bool | None
    """Counted value at least as good as expected; None until a certified window exists."""
    rule: str


class TargetPublic(BaseModel):
    id: int
    title_th: str
    title_en: str
    indicator: TargetIndicator
    parameter: str
    area: str | None
    station_code: str | None
    baseline_start: date
    baseline_end: date
    baseline_value: float
    target_value: float
    deadline: date
    direction: TargetDirection
    status: TargetStatus
    proposed_by: str
    created_at: datetime
    updated_at: datetime
    milestones: list[MilestonePublic]
    signatories: list[SignatoryPublic]


class SeriesPoint(BaseModel):
    """The indicator over the window ending on `day`, beside what the path asks for then."""

    day: date
    value: float | None
    expected: float
    valid_day_share: float


class TargetDetail(TargetPublic):
    revisions: list[RevisionPublic]
    progress: ProgressPublic
