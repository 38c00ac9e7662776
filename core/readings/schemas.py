"""Readings as devices send them and as the API returns them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.kit.time import TimeWithOffset


class ReadingPayload(BaseModel):
    """One reading as a device sends it: {"parameter": "pm10", "value": 87.5, "time": "…+07:00"}."""

    model_config = ConfigDict(extra="forbid")

    parameter: str = Field(max_length=32)
    value: float = Field(strict=True, allow_inf_nan=False)
    time: TimeWithOffset
    unit: str | None = Field(default=None, max_length=16)


class ReadingPublic(BaseModel):
    parameter: str
    unit: str
    time: datetime
    value: float
    quality_flag: int


class IngestedReadingPublic(BaseModel):
    """A reading as stored (or as already stored, for a duplicate)."""

    parameter: str
    unit: str
    time: datetime
    value: float


class IngestRejectionPublic(BaseModel):
    reason: str = Field(description="Why it was refused; `reading N:` names the list position.")


class IngestResultPublic(BaseModel):
    """What became of what a device sent: stored, already stored, or refused with a reason.

    The answer is 200 when anything was stored or already stored (a device re-sending a
    batch whose answer it lost is told it is done), 422 when everything was refused.
    """

    station: str
    accepted: list[IngestedReadingPublic]
    duplicates: list[IngestedReadingPublic]
    rejected: list[IngestRejectionPublic]


class RejectedMessagePublic(BaseModel):
    """A refusal as staff see it; the payload is cut and its control characters shown as
    escapes, so it can be read safely anywhere."""

    id: int
    first_seen_at: datetime
    last_seen_at: datetime
    times_seen: int
    source: str
    origin: str
    """The MQTT topic, or the HTTP method and path."""
    station: str | None
    reason: str
    payload: str
    payload_chars: int
    """Length of the payload as kept; `payload` shows its start when this is larger."""


class RejectedPagePublic(BaseModel):
    total: int
    """How many refusals match the filters (on every page)."""
    limit: int
    offset: int
    items: list[RejectedMessagePublic]


class RejectionStatusPublic(BaseModel):
    """What a device reads on its MQTT status topic: its last refusal and how many."""

    station: str
    reason: str
    at: datetime
    origin: str
    source: str
    count: int
    """Refusals recorded for this station, from every source, repeats included."""
