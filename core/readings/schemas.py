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
