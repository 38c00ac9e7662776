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
