"""Actions as organisations register them, and as the API answers with their measured change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from core.kit.db import MAX_ROW_ID
from core.kit.text import is_storable
from core.models import ActionKind, ActionStatus

MAX_TARGETS = 20
MAX_STATIONS = 20
MAX_RADIUS_KM = 50
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _storable(text: str) -> str:
    if not is_storable(text):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return text


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return day


def _web_link(url: str) -> str:
    if not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url):
        raise ValueError("a web address starting with https:// or http://")
    return url


Title = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_storable)]
Day = Annotated[date, AfterValidator(_in_range)]
RowRef = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
StationCode = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)]


class ActionCreate(BaseModel):
    """An action of `organisation_id` (the caller's own unless the backbone registers it)
    towards one or more targets. Its place (a point with a radius, and/or stations) names the
    stations its measured change uses."""

    model_config = ConfigDict(extra="forbid")

    title_th: Title
    title_en: Title
    kind: ActionKind
    organisation_id: RowRef | None = None
    responsible: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
    start_date: Day | None = None
    due_date: Day | None = None
    status: ActionStatus = ActionStatus.PLANNED
    target_ids: list[RowRef] = Field(min_length=1, max_length=MAX_TARGETS)
    parameter: (
        Annotated[str, Field(min_length=1, max_length=16), AfterValidator(_storable)] | None
    ) = None
    """The parameter of the measured change; the first target's unless given."""
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    radius_km: Annotated[float, Field(gt=0, le=MAX_RADIUS_KM, allow_inf_nan=False)] | None = None
    station_codes: list[StationCode] = Field(default_factory=list, max_length=MAX_STATIONS)
    decision_id: RowRef | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ActionCreate:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if (self.radius_km is None) != (self.latitude is None):
            raise ValueError("a point needs a radius_km, and a radius a point")
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValueError("the due date comes before the start date")
        if len(set(self.target_ids)) != len(self.target_ids):
            raise ValueError("a target is named twice")
        return self


class ActionEdit(BaseModel):
    """Changes to an action: the fields given replace the stored ones. The point, its radius
    and the stations are one place: give latitude, longitude and radius_km together (all
    null to drop the point)."""

    model_config = ConfigDict(extra="forbid")

    title_th: Title | None = None
    title_en: Title | None = None
    kind: ActionKind | None = None
    responsible: (
        Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)] | None
    ) = None
    start_date: Day | None = None
    due_date: Day | None = None
    target_ids: list[RowRef] | None = Field(default=None, min_length=1, max_length=MAX_TARGETS)
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    radius_km: Annotated[float, Field(gt=0, le=MAX_RADIUS_KM, allow_inf_nan=False)] | None = None
    station_codes: list[StationCode] | None = Field(default=None, max_length=MAX_STATIONS)
    decision_id: RowRef | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ActionEdit:
        place = {"latitude", "longitude", "radius_km"} & self.model_fields_set
        if place and len(place) != 3:
            raise ValueError("give latitude, longitude and radius_km together")
        if (self.latitude is None) != (self.longitude is None) or (self.radius_km is None) != (
            self.latitude is None
        ):
            raise ValueError("a point needs a latitude, a longitude and a radius_km")
        if self.target_ids is not None and len(set(self.target_ids)) != len(self.target_ids):
            raise ValueError("a target is named twice")
        return self


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ActionStatus


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_storable)]
    noted_on: Day | None = None
    """The day the note is about; today unless given."""


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
    url: Annotated[
        str,
        Field(min_length=8, max_length=2000),
        AfterValidator(_storable),
        AfterValidator(_web_link),
    ]


class PhotoLabelIn(BaseModel):
    """What an evidence photo shows (the photo itself comes as a file)."""

    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]


class TargetRef(BaseModel):
    id: int
    title_th: str
    title_en: str


class NotePublic(BaseModel):
    id: int
    noted_on: date
    author: str
    text: str


class EvidencePublic(BaseModel):
    id: int
    label: str
    url: str | None
    photo_url: str | None
    """Where the photo is served, when the evidence is a photo."""
    added_by: str
    added_at: datetime


class ActionPublic(BaseModel):
    id: int
    title_th: str
    title_en: str
    kind: ActionKind
    organisation_id: int
    organisation_name_th: str
    organisation_name_en: str
    responsible: str
    start_date: date | None
    due_date: date | None
    status: ActionStatus
    overdue: bool
    """The due date has passed and the action is neither done nor cancelled."""
    parameter: str
    latitude: float | None
    longitude: float | None
    radius_km: float | None
    station_codes: list[str]
    decision_id: int | None
    targets: list[TargetRef]
    created_by: str
    created_at: datetime
    updated_at: datetime


class ActionDetail(ActionPublic):
    notes: list[NotePublic]
    evidence: list[EvidencePublic]


class PeriodFigures(BaseModel):
    """One period's indicator on the action's stations (core.indicators' rules)."""

    start: date
    end: date
    days: int
    valid_days: int
    valid_day_share: float
    """Valid days / days: how complete the data behind the period are."""
    mean: float | None
    """Mean of the valid daily means (a day is the worst valid station that day)."""
    exceedance_days: int
    """Valid days over the Thai 24-hour standard."""


class Change(BaseModel):
    """The after period against another one: after minus that one."""

    against: Literal["before", "last_year"]
    mean_change: float | None
    mean_change_percent: float | None
    """None when that period's mean is zero or missing."""
    exceedance_days_change: int


class HourOfDay(BaseModel):
    hour: Annotated[int, Field(ge=0, le=23)]
    """Local hour of the day: the clock hour starting then."""
    before: float | None
    before_hours: int
    after: float | None
    after_hours: int


class WindSector(BaseModel):
    sector: str
    before: float | None
    before_hours: int
    after: float | None
    after_hours: int


class MeasuredChange(BaseModel):
    available: bool
    reason: str | None
    """Why there is no comparison (English), when there is none."""
    reason_code: Literal["no_start", "not_started", "no_stations", "no_data"] | None
    parameter: str
    unit: str
    stations: list[str]
    """The public stations the figures rest on."""
    before: PeriodFigures | None
    after: PeriodFigures | None
    last_year: PeriodFigures | None
    """The same calendar days one year earlier (same season); None without valid data."""
    changes: list[Change]
    by_hour: list[HourOfDay]
    wind_stations: list[str]
    """The stations the hourly wind comes from; empty when no wind is measured near."""
    by_wind: list[WindSector]
    weak: bool
    """A period has fewer than 75 % valid days: the comparison is weak."""
    statement_th: str
    statement_en: str
    rule: str
