"""Reports as a phone sends them and as the API answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.kit.text import is_storable
from core.kit.time import TimeWithOffset
from core.models import ObservationKind

MAX_NOTE_CHARS = 1000


def _storable(text: str) -> str:
    if not is_storable(text):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return text


class ManualReadingCreate(BaseModel):
    """A value read off an instrument and typed in: stored as a reading with source MANUAL."""

    model_config = ConfigDict(extra="forbid")

    station_code: str = Field(min_length=1, max_length=64)
    parameter: str = Field(min_length=1, max_length=32, description="e.g. pm10, pm25")
    value: float = Field(allow_inf_nan=False)
    time: TimeWithOffset | None = Field(default=None, description="default: now")

    @field_validator("station_code", "parameter")
    @classmethod
    def _storable_text(cls, text: str) -> str:
        return _storable(text)


class ObservationCreate(BaseModel):
    """Something seen, smelt or heard, without a value. The place is a point, a village (an
    area of the stations), or both."""

    model_config = ConfigDict(extra="forbid")

    kind: ObservationKind
    observed_at: TimeWithOffset | None = Field(default=None, description="default: now")
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    village: str | None = Field(default=None, min_length=1, max_length=200)
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)

    @field_validator("village", "note")
    @classmethod
    def _storable_text(cls, text: str | None) -> str | None:
        return None if text is None else _storable(text)

    @model_validator(mode="after")
    def _a_place(self) -> ObservationCreate:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.latitude is None and self.village is None:
            raise ValueError("say where: latitude and longitude, or a village")
        return self


class ManualReadingPublic(BaseModel):
    station_code: str
    parameter: str
    unit: str
    value: float
    time: datetime


class ObservationPublic(BaseModel):
    """Everyone sees kind, time and village; the reporter and the backbone, officials and
    admins also see the exact place, the note, the photo and who reported it."""

    id: int
    kind: ObservationKind
    observed_at: datetime
    village: str | None
    latitude: float | None = None
    longitude: float | None = None
    note: str | None = None
    photo_url: str | None = None
    reporter: str | None = None
    created_at: datetime | None = None


class ReportReceipt(BaseModel):
    """The answer to a report: what was stored, and its id."""

    kind: Literal["reading", "observation"]
    id: str = Field(description="the observation's number, or station/parameter/time")
    message: str
    observation: ObservationPublic | None = None
    reading: ManualReadingPublic | None = None
