"""The US EPA NowCast for PM2.5 and PM10 (standards.json, data_completeness `us-nowcast`).

Hours are given newest first (`hours[0]` is the current hour, `hours[i]` is i hours ago),
`None` for a missing hour; at most the 12 newest are used. The rule, as the AirNow forum
("The NowCast for PM2.5 and PM10") and EPA's PM NowCast fact sheet state it:

- valid only when at least 2 of the 3 newest hours have data;
- w* = c_min / c_max over the available hours (= 1 - range / max); w = max(w*, 0.5);
- NowCast = sum(w^i * c_i) / sum(w^i) over the available hours only, i = hours ago;
- the raw hourly values are used as given; the result is truncated (0.1 ug/m3 for PM2.5,
  1 ug/m3 for PM10) and only then turned into an AQI, which is rounded.

Arithmetic is Decimal with 50 significant digits, so the only rounding before the
truncation is in the 50th digit of w and the quotient; truncation is then exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext

HOURS = 12
MIN_WEIGHT = Decimal("0.5")
NEWEST = 3
NEEDED_OF_NEWEST = 2
PRECISION: dict[str, Decimal] = {"pm25": Decimal("0.1"), "pm10": Decimal(1)}
"""NowCast truncation step by parameter code; NowCast is defined for PM only."""


@dataclass(frozen=True)
class NowCast:
    value: Decimal | None
    """Truncated to the parameter's step; None when the data are insufficient."""
    raw: Decimal | None
    """Before truncation (50 significant digits)."""
    weight: Decimal | None
    hours_used: int
    note: str | None = None


def nowcast(hours: Sequence[Decimal | None], *, parameter: str) -> NowCast:
    """The NowCast of `hours` (newest first) for `pm25` or `pm10`.

    Raises ValueError for another parameter, more than 12 hours, or a negative or
    non-finite value: those are mistakes of the caller, not missing data.
    """
    if parameter not in PRECISION:
        raise ValueError(f"NowCast is defined for pm25 and pm10, not {parameter}")
    if len(hours) > HOURS:
        raise ValueError(f"NowCast uses the {HOURS} newest hours; {len(hours)} were given")
    for position, value in enumerate(hours):
        if value is not None and (not value.is_finite() or value < 0):
            raise ValueError(f"hour {position} is not a finite non-negative value")
    newest = sum(value is not None for value in hours[:NEWEST])
    if newest < NEEDED_OF_NEWEST:
        return NowCast(
            None,
            None,
            None,
            0,
            f"insufficient data: {newest} of the {NEWEST} newest hours have data; "
            f"the NowCast needs at least {NEEDED_OF_NEWEST}",
        )
    present = [(ago, value) for ago, value in enumerate(hours) if value is not None]
    with localcontext() as context:
        context.prec = 50
        highest = max(value for _, value in present)
        lowest = min(value for _, value in present)
        # All zero: no variability at all, so every hour weighs the same (w = 1).
        w_star = lowest / highest if highest > 0 else Decimal(1)
        weight = max(w_star, MIN_WEIGHT)
        weights = [(weight**ago, value) for ago, value in present]
        raw = sum((w * value for w, value in weights), Decimal(0)) / sum(
            (w for w, _ in weights), Decimal(0)
        )
    value = raw.quantize(PRECISION[parameter], rounding=ROUND_DOWN)
    return NowCast(value, raw, weight, len(present))
