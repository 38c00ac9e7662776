"""Complaints as a form or a client sends them, and as each kind of reader sees them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.accounts.schemas import EMAIL_PATTERN
from core.kit.text import is_storable
from core.kit.time import TimeWithOffset
from core.models import ComplaintKind, ComplaintStatus

MAX_NOTE_CHARS = 2000


def _storable(text: str | None) -> str | None:
    if text is not None and not is_storable(text):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return text


class ComplaintCreate(BaseModel):
    """What anyone may send; the place is a point, a village, or both. Contact details are
    optional and are seen by the backbone only."""

    model_config = ConfigDict(extra="forbid")

    kind: ComplaintKind
    observed_at: TimeWithOffset | None = Field(default=None, description="default: now")
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    village: str | None = Field(default=None, min_length=1, max_length=200)
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    facility: str | None = Field(default=None, max_length=200, description="a named cause")
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=50, pattern=r"^[0-9+() -]*$")
    contact_email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    incident: str | None = Field(
        default=None,
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="an open incident nearby to add this complaint to",
    )

    @field_validator("village", "note", "facility", "contact_name")
    @classmethod
    def _storable_text(cls, text: str | None) -> str | None:
        return _storable(text)

    @model_validator(mode="after")
    def _a_place(self) -> ComplaintCreate:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.latitude is None and self.village is None:
            raise ValueError("say where: latitude and longitude, or a village")
        return self


class ComplaintUpdateCreate(BaseModel):
    """A staff step: a new status and/or a hand-off to another organisation, with a note."""

    model_config = ConfigDict(extra="forbid")

    status: ComplaintStatus | None = None
    organisation_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)
    public: bool = Field(default=False, description="show this note to the public")
    note_public: bool | None = Field(
        default=None, description="show (or hide) the reporter's own note to the public"
    )

    @field_validator("note")
    @classmethod
    def _storable_text(cls, text: str) -> str | None:
        return _storable(text)


class ReporterReply(BaseModel):
    """The reporter's answer through the private link: 'not fixed' reopens a closed case."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)

    @field_validator("note")
    @classmethod
    def _storable_text(cls, text: str) -> str | None:
        return _storable(text)


class EvidencePublic(BaseModel):
    """One station's values at the reported time, frozen when the complaint was made."""

    station: str
    distance_km: float | None
    parameter: str
    unit: str
    hour: datetime
    hourly_mean: float | None
    mean_24h: float | None
    standard_id: str | None
    over_standard: bool | None
    """Whether the Thai 24-hour standard was exceeded then; None without a valid average."""


class UpdatePublic(BaseModel):
    status: ComplaintStatus
    organisation: str | None
    note: str | None
    created_at: datetime


class MeasuredChange(BaseModel):
    """One parameter at the complaint's public stations: the mean of their hourly means in
    the week before the complaint against the mean since it was fixed."""

    parameter: str
    unit: str
    stations: list[str]
    before: float | None
    since: float | None
    change_percent: float | None
    hours_before: int
    hours_since: int


class IncidentPublic(BaseModel):
    """Complaints about one event, anonymised: kinds and count, span, village, a centre
    rounded to about 110 m."""

    id: str
    status: ComplaintStatus
    closed: bool
    complaint_count: int
    kinds: list[str]
    started_at: datetime
    ended_at: datetime
    village: str | None
    latitude: float | None
    longitude: float | None
    fixed_at: datetime | None
    change: list[MeasuredChange]
    """Once fixed: the week before it started against the time since the fix, at the public
    stations of its complaints' evidence."""


class ComplaintPublic(BaseModel):
    """What anyone sees: no contact, no photo, no exact point, no name; the note only when
    the backbone has made it public."""

    id: str
    kind: ComplaintKind
    status: ComplaintStatus
    closed: bool
    observed_at: datetime
    village: str | None
    note: str | None
    organisation: str | None
    evidence: list[EvidencePublic]
    wind_sector: str | None = None
    """Where the wind blew from in that hour (N, NE, … NW), where wind is measured nearby."""
    wind_from_degrees: float | None = None
    wind_speed: float | None = None
    updates: list[UpdatePublic]
    incident: str | None
    fixed_at: datetime | None
    change: list[MeasuredChange]
    """Filled once it is closed as fixed: whether the data agree."""
    created_at: datetime
    updated_at: datetime


class ComplaintPrivate(ComplaintPublic):
    """The reporter's and the staff's view: everything they gave, every note."""

    latitude: float | None
    longitude: float | None
    facility: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    has_photo: bool
    follow_up_due: bool
    """Four weeks after 'fixed': the reporter is asked whether it is still fixed."""


class ComplaintReceipt(BaseModel):
    """Answer to a submission: the private link is shown here once and never again."""

    id: str
    status: ComplaintStatus
    organisation: str | None
    token: str
    private_url: str
    message: str
