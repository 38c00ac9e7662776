"""What an alert rule found true at one moment: the shared shape between the detectors that
look at the data and the engine that opens, updates and resolves one alert per condition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Condition:
    """One condition that holds now, for one subject, with the figure that shows it.

    `subject` is the condition's stable key while it lasts ("station:12:pm25",
    "facility:3:report:2026-10-01", "cluster:Na Phra Lan:7", "backlog:ingest"): the engine
    keeps at most one open alert per rule and subject, and updates it in place.
    """

    subject: str
    area: str | None
    value: float | None
    """The figure that shows it: µg/m³, an AQI, minutes silent, observations, messages waiting."""
    threshold: float | None
    """The figure the rule compares `value` with, in the same unit."""
    unit: str = ""
    started_at: datetime | None = None
    """When the condition began, where the data says (the first hour over, the last reading)."""
    station_id: int | None = None
    facility_id: int | None = None
    parameter_id: int | None = None
    details: Mapping[str, str | int | float] = field(default_factory=dict)
    """Named figures a rule's message text may use, e.g. {"station": "NPL-03", "count": 4}."""
