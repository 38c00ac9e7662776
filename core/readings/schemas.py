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
