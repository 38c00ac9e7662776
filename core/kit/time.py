"""Time helpers: storage is UTC; local days are Asia/Bangkok."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BeforeValidator

from core.kit.errors import InvalidInput

BANGKOK = ZoneInfo("Asia/Bangkok")
_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def to_utc(moment: datetime) -> datetime:
    """The same instant in UTC; InvalidInput when it falls outside years 1..9999 there
    (`0001-01-01T00:00:00+14:00` is in year 0 in UTC)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(
            f"time {moment.isoformat()} is outside the range of times dustwatch stores"
        ) from None


def _not_a_number(value: object) -> object:
    """Pydantic reads numbers as Unix times; dustwatch does not: a number is a mistake."""
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise ValueError(
            "a time must be ISO 8601 text with an offset, such as 2026-11-22T08:00:00+07:00, "
            "not a number"
        )
    return value


TimeWithOffset = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
"""An aware datetime given as ISO 8601 text, never as a number of seconds."""
