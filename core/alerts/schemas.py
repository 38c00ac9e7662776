"""Alerts as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.models import Severity as RuleSeverity

Severity = Literal["moderate", "high", "very_high"]
SEVERITY_RANK: dict[str, int] = {"moderate": 1, "high": 2, "very_high": 3}


def severity_of(*, peak_milli: int, limit_milli: int) -> Severity:
    """From how far the highest 24-hour average went over the limit: 1.5× and 2× the limit."""
    if peak_milli >= 2 * limit_milli:
        return "very_high"
    if 2 * peak_milli >= 3 * limit_milli:
        return "high"
    return "moderate"


class AlertPublic(BaseModel):
    id: str = Field(
        description="Random and stable; sequential ids would reveal alerts the caller may not see."
    )
    status: Literal["open", "resolved"]
    kind: str
    station_code: str | None = Field(description="None for an alert about no one station.")
    station_name: str | None
    area: str
    parameter: str | None
    unit: str | None
    standard_id: str | None
    limit: float | None = Field(description="The threshold the rule compares the figure with.")
    opening_average: float | None = Field(
        description="The rule's figure when it opened: a 24-hour or hourly average, an AQI, "
        "minutes silent or late, a count."
    )
    peak_average: float | None
    latest_average: float | None
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
    severity: Severity = Field(
        description="How far the highest 24-hour average went over the limit: moderate, high "
        "(1.5× the limit) or very_high (2×)."
    )
    level: RuleSeverity = Field(
        description="The severity of the rule that opened it (subscriptions filter on it)."
    )
    rule_id: int | None = Field(description="The rule that opened it; None before rules.")
    title_th: str | None
    title_en: str | None
    text_th: str | None = Field(description="The rule's message, filled in, in Thai.")
    text_en: str | None
    acknowledged_at: datetime | None = None


class AlertResponsePublic(BaseModel):
    at: datetime
    by: str
    action: str


class AlertEvent(BaseModel):
    """One step of an alert's history, oldest first."""

    kind: Literal["opened", "escalated", "acknowledged", "response", "resolved"]
    at: datetime
    by: str | None = Field(description="Who; None for what dustwatch did by itself.")
    text: str | None = Field(description="The note, the action taken or the reason.")
    average: float | None = Field(
        default=None,
        description="The 24-hour average that opened it or that showed it had cleared.",
    )
    level: int | None = Field(
        default=None, description="For an escalation: the level of recipients it went to."
    )


class AlertDetail(AlertPublic):
    """Who acted, their notes, responses and reasons are shown to the people who may act on
    the alert (officials, the backbone, the facility's operators); others see the steps and
    their times only."""

    acknowledged_by: str | None
    acknowledgement_note: str | None
    resolution: Literal["automatic", "by_hand"] | None
    resolved_by: str | None
    resolution_reason: str | None
    resolved_average: float | None
    escalation_level: int = Field(
        description="Which level of recipients has been told: 1 when it opened, 2 or 3 after "
        "it escalated because nobody acknowledged it in time."
    )
    escalated_at: datetime | None = Field(description="When it last escalated.")
    responses: list[AlertResponsePublic]
    history: list[AlertEvent]
    may_act: bool = Field(description="The caller may acknowledge it and record responses.")
    may_resolve: bool = Field(description="The caller may resolve it by hand.")


InboxStatus = Literal["open", "resolved", "all"]


class InboxFilter(BaseModel):
    """What the inbox shows: open alerts by default, or resolved ones, or both."""

    model_config = ConfigDict(extra="forbid")

    status: InboxStatus = "open"
    severity: Severity | None = None
    area: str | None = Field(default=None, min_length=1, max_length=200)


class AcknowledgeIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class ResponseIn(BaseModel):
    action: str = Field(min_length=1, max_length=2000)


class ResolveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
