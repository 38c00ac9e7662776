"""One way of judging a 24-hour mean against the Thai standard, shared by every caller.

The rolling 24-hour verdicts of the status page, the daily means of the indicators and the
operator's compliance answer all compare through `judge_24h_mean`, so that they cannot
disagree on a day: the mean is reduced to the precision of the Thai AQI scale in force that
day (half-up; 1 ug/m3 for PM2.5 before 2023-06-01, 0.1 from then; 1 ug/m3 for PM10), and the
reduced figure is compared with the Thai 24-hour limit in force that day, 'over' meaning
strictly above it. A parameter without a Thai 24-hour AQI scale (TSP, the water parameters)
is compared exactly; a water standard that sets a minimum (dissolved oxygen) is broken
strictly below it, and a range (pH) strictly outside its ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from core.standards.aqi import reduce_to_precision
from core.standards.catalogue import AqiScale, Standard, thai_24h_standard, thai_aqi_scale
from core.standards.parameters import BY_ID

if TYPE_CHECKING:
    from core.indicators.daily import DailyMean

REDUCTION_RULE = (
    "the mean is reduced to the precision of the Thai AQI scale in force that day, rounding "
    "half up (PM2.5: 1 µg/m³ before 2023-06-01, 0.1 µg/m³ from then; PM10: 1 µg/m³; TSP, "
    "which has no AQI scale, is compared exactly) and is over the standard when strictly "
    "above the Thai 24-hour limit in force that day"
)


@dataclass(frozen=True)
class Judgement:
    """A 24-hour mean against the Thai standard of its day."""

    standard: Standard | None
    scale: AqiScale | None
    """The Thai 24-hour AQI scale of the day, whose precision the mean was reduced to."""
    reported: Decimal
    """The mean as compared and shown: reduced to the scale's precision when there is one."""
    over_standard: bool | None
    """Whether the standard is broken: above an upper limit, below a minimum, outside a range.
    None when no Thai 24-hour standard applies."""


def thai_24h_scale(parameter: str, *, on: date) -> AqiScale | None:
    """The Thai AQI scale for a 24-hour mean of `parameter` on `on`; an 8-hour or 1-hour
    scale says nothing about a 24-hour mean."""
    scale = thai_aqi_scale(parameter, on=on)
    return scale if scale is not None and scale.period == "24h" else None


def judge_24h_mean(parameter: str, mean: Decimal, *, on: date) -> Judgement:
    """A valid 24-hour mean of `parameter` (a code) describing the local day `on`, judged."""
    standard = thai_24h_standard(parameter, on=on)
    scale = thai_24h_scale(parameter, on=on)
    reported = reduce_to_precision(scale, mean) if scale is not None else mean
    over = standard.breached_by(reported) if standard is not None else None
    return Judgement(standard=standard, scale=scale, reported=reported, over_standard=over)


def judge_daily_mean(day: DailyMean) -> Judgement | None:
    """A local day's mean (`core.indicators.daily.daily_means`) against the standard of that
    day; None when the day is not valid (fewer than 18 hours): never a partial average."""
    value = day.value
    if value is None:
        return None
    return judge_24h_mean(BY_ID[day.parameter_id].code, value, on=day.day)
