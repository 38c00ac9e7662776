"""Alerts as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class AlertPublic(BaseModel):
    id: str = Field(
        description="Random and stable; sequential ids would reveal alerts the caller may not see."
    )
    status: Literal["open", "resolved"]
    kind: str
    station_code: str
    station_name: str
    area: str
    parameter: str
    unit: str
    standard_id: str
    limit: float
    opening_average: float
    peak_average: float
    latest_average: float
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    detected_at: datetime = Field(
        description="When dustwatch learnt of the breach: later than opened_at when it was "
        "found in readings that arrived late."
    )
    arrived_late: bool = Field(
        description="Opened for the past from readings sent after their time (a device's "
        "backlog); opened_at is the end of the first 24-hour window over the standard."
    )
