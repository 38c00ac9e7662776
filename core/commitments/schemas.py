"""What the API accepts and shows of commitments and their excess events."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from core.kit.text import is_storable
from core.models import CommitmentAveraging, CommitmentKind

ReplyState = Literal["replied", "awaiting_reply", "no_reply"]


def _storable(value: str) -> str:
    if not is_storable(value):
        raise ValueError("must not contain NUL or unpaired surrogate characters")
    return value


class CommitmentCreate(BaseModel):
    facility_id: int = Field(ge=1)
    title_th: str = Field(min_length=1, max_length=400)
    title_en: str = Field(min_length=1, max_length=400)
    kind: CommitmentKind
    station_codes: list[str] = Field(min_length=1, max_length=20)
    parameter: Literal["pm25", "pm10", "bod", "nh3n"]
    averaging: CommitmentAveraging
    limit_value: Decimal = Field(gt=0, le=100000, allow_inf_nan=False, decimal_places=3)
    window_start: time | None = None
    window_end: time | None = None
    effective_from: date
    effective_to: date | None = None

    _text = field_validator("title_th", "title_en")(_storable)

    @field_validator("station_codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not 1 <= len(code) <= 64 or not is_storable(code):
                raise ValueError("each station code must be 1 to 64 storable characters")
        return codes

    @model_validator(mode="after")
    def _window(self) -> CommitmentCreate:
        has_window = self.window_start is not None and self.window_end is not None
        if self.kind is CommitmentKind.TIME_WINDOW and not has_window:
            raise ValueError("a time_window commitment needs window_start and window_end")
        if self.kind is CommitmentKind.THRESHOLD and (
            self.window_start is not None or self.window_end is not None
        ):
            raise ValueError("a threshold commitment has no time window")
        if has_window and self.window_start == self.window_end:
            raise ValueError("the window must not be empty")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to must not be before effective_from")
        return self


class ReplyIn(BaseModel):
    cause: str = Field(min_length=1, max_length=4000)
    corrective_action: str = Field(min_length=1, max_length=4000)
    reply_text: str = Field(default="", max_length=8000)

    _text = field_validator("cause", "corrective_action", "reply_text")(_storable)


class ExcessEventPublic(BaseModel):
    id: int
    commitment_id: int
    station_code: str
    started_at: datetime
    ended_at: datetime | None
    peak_value: float
    hours_over: int
    data: list[dict[str, Any]]
    reply_state: ReplyState
    reply_due: datetime
    cause: str | None
    corrective_action: str | None
    reply_text: str | None
    replied_at: datetime | None


class StationDowntime(BaseModel):
    station_code: str
    hours_without_data: int
    hours_in_period: int


class CommitmentPublic(BaseModel):
    id: int
    facility_id: int
    facility_name: str
    title_th: str
    title_en: str
    kind: CommitmentKind
    station_codes: list[str]
    parameter: str
    averaging: CommitmentAveraging
    limit_value: float
    window_start: time | None
    window_end: time | None
    effective_from: date
    effective_to: date | None
    status: str
    proposed_by_label: str
    agreed_at: datetime | None


class CommitmentDetail(CommitmentPublic):
    events: list[ExcessEventPublic]
    downtime: list[StationDowntime]
    downtime_since: datetime
