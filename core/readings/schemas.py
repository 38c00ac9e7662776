"""Readings as devices send them and as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.kit.time import TimeWithOffset


class ReadingPayload(BaseModel):
    """One reading as a device sends it: {"parameter": "pm10", "value": 87.5, "time": "…+07:00"}."""

    model_config = ConfigDict(extra="forbid")

    parameter: str = Field(max_length=32)
    value: float = Field(strict=True, allow_inf_nan=False)
    time: TimeWithOffset
    unit: str | None = Field(default=None, max_length=16)
    backfill: bool = Field(
        default=False,
        strict=True,
        description="Declares an old reading sent on purpose (history, a backlog kept longer "
        "than 7 days): quality control does not flag it as too old.",
    )


QualityName = Literal["raw", "valid", "suspect", "invalid"]
RAW_VALUE = (
    "The value as the device sent it (raw); indicators and rollups use raw values, leaving "
    "out those flagged invalid."
)
CORRECTED_VALUE = (
    "The US EPA correction for low-cost PM2.5 sensors (epa-purpleair-extended-2021-10, "
    "Barkjohn et al. 2022), stored beside the raw value once humidity at the same station "
    "and time is known; null otherwise. Not used by indicators."
)


class ReadingPublic(BaseModel):
    parameter: str
    unit: str
    time: datetime
    value: float = Field(description=RAW_VALUE)
    quality_flag: int = Field(
        description="0 raw (before quality control), 1 valid, 2 suspect, 3 invalid."
    )
    quality: QualityName
    corrected_value: float | None = Field(default=None, description=CORRECTED_VALUE)


class FlaggedReadingPublic(BaseModel):
    """A reading quality control flagged or the backbone reviewed, with the rule and review."""

    station: str
    station_name: str
    parameter: str
    unit: str
    time: datetime
    value: float = Field(description=RAW_VALUE)
    corrected_value: float | None = Field(default=None, description=CORRECTED_VALUE)
    quality: QualityName
    rule: str = Field(
        description="range, too_old, stuck, spike, humidity; review when set by hand."
    )
    detail: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    reason: str | None


class ReviewRequest(BaseModel):
    """The backbone's verdict on one reading: valid (back into the rollups) or invalid (out)."""

    model_config = ConfigDict(extra="forbid")

    station: str = Field(max_length=64)
    parameter: str = Field(max_length=32)
    time: TimeWithOffset
    quality: Literal["valid", "invalid"]
    reason: str = Field(min_length=3, max_length=1000)


class ConflictPublic(BaseModel):
    """A different value re-sent for a stored reading; the stored value stays in use."""

    id: int
    station: str
    parameter: str
    unit: str
    time: datetime
    stored_value: float
    sent_value: float
    stored_quality: QualityName
    source: str
    received_at: datetime


class IngestedReadingPublic(BaseModel):
    """A reading as stored (or as already stored, for a duplicate), with its grade."""

    parameter: str
    unit: str
    time: datetime
    value: float
    quality: QualityName | None = Field(
        default=None, description="Quality control's grade of a reading stored now."
    )
    quality_rule: str | None = Field(
        default=None, description="The quality-control rule that flagged it, if any."
    )


class IngestConflictPublic(BaseModel):
    """A reading whose station, parameter and time are stored with another value: not
    stored, recorded for the backbone's review."""

    parameter: str
    unit: str
    time: datetime
    value: float = Field(description="The value sent now.")
    stored_value: float = Field(description="The value stored before, still in use.")


class IngestRejectionPublic(BaseModel):
    reason: str = Field(description="Why it was refused; `reading N:` names the list position.")


class IngestResultPublic(BaseModel):
    """What became of what a device sent: stored, already stored, or refused with a reason.

    The answer is 200 when anything was stored, already stored or recorded as a conflict (a
    device re-sending a batch whose answer it lost is told it is done), 422 when everything
    was refused.
    """

    station: str
    accepted: list[IngestedReadingPublic]
    duplicates: list[IngestedReadingPublic]
    conflicts: list[IngestConflictPublic] = Field(default_factory=list)
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
