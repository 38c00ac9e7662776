"""Air-quality index by linear interpolation within published bands; pure and table-tested."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.standards.catalogue import AqiBand, AqiScale


@dataclass(frozen=True)
class AqiResult:
    concentration: Decimal
    """The concentration after reduction to the scale's precision."""
    index: int | None
    """None in an open-ended top band, whose index method is not published."""
    band: AqiBand


def reduce_to_precision(scale: AqiScale, concentration: Decimal) -> Decimal:
    rounding = ROUND_DOWN if scale.truncates else ROUND_HALF_UP
    return concentration.quantize(scale.precision, rounding=rounding)


def compute_aqi(scale: AqiScale, concentration: Decimal) -> AqiResult:
    """I = (I_hi - I_lo) / (C_hi - C_lo) * (C - C_lo) + I_lo, rounded half-up to an integer.

    Raises ValueError for a negative concentration.
    """
    if concentration < 0:
        raise ValueError(f"negative concentration {concentration}")
    c = reduce_to_precision(scale, concentration)
    for band in scale.bands:
        if c < band.c_lo:
            continue
        if band.c_hi is None or band.i_hi is None:
            return AqiResult(concentration=c, index=None, band=band)
        if c <= band.c_hi:
            raw = Decimal(band.i_hi - band.i_lo) / (band.c_hi - band.c_lo) * (c - band.c_lo)
            index = int((raw + band.i_lo).to_integral_value(rounding=ROUND_HALF_UP))
            return AqiResult(concentration=c, index=index, band=band)
    top = scale.bands[-1]
    return AqiResult(concentration=c, index=None, band=top)
