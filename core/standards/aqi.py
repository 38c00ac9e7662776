"""Air-quality index by linear interpolation within published bands; pure and table-tested.

Each scale reduces a concentration to its precision before banding, by its own rule: the
US EPA truncates (PM2.5 to 0.1 ug/m3, PM10 to 1 ug/m3); the PCD notifications say nothing,
so dustwatch rounds half-up to the precision of the Thai breakpoints (15.04 -> 15.0,
15.05 -> 15.1), which also matches the half-up rounding of the index seen in Air4Thai output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.standards.catalogue import AqiBand, AqiScale


@dataclass(frozen=True)
class AqiResult:
    concentration: Decimal
    """The concentration after reduction to the scale's precision."""
    index: int | None
    """None where the published method stops (an open-ended top band); `note` says why."""
    band: AqiBand
    note: str | None = None


def reduce_to_precision(scale: AqiScale, concentration: Decimal) -> Decimal:
    rounding = ROUND_DOWN if scale.truncates else ROUND_HALF_UP
    return concentration.quantize(scale.precision, rounding=rounding)


def reduction_rule(scale: AqiScale) -> str:
    """The scale's reduction in words, e.g. 'truncated to 0.1 ug/m3'."""
    how = "truncated" if scale.truncates else "rounded half-up"
    return f"{how} to {scale.precision} {scale.unit}"


def _interpolate(band: AqiBand, c: Decimal, c_hi: Decimal, i_hi: int) -> int:
    raw = Decimal(i_hi - band.i_lo) / (c_hi - band.c_lo) * (c - band.c_lo)
    return int((raw + band.i_lo).to_integral_value(rounding=ROUND_HALF_UP))


def compute_aqi(scale: AqiScale, concentration: Decimal) -> AqiResult:
    """I = (I_hi - I_lo) / (C_hi - C_lo) * (C - C_lo) + I_lo, rounded half-up to an integer.

    Above the top breakpoint: the top band's equation where the scale says so
    (`beyond_top: extrapolate`, us-epa-2024), else no index but the band and a note.
    Raises ValueError for a negative or non-finite concentration.
    """
    if not concentration.is_finite():
        raise ValueError(f"not a finite concentration: {concentration}")
    if concentration < 0:
        raise ValueError(f"negative concentration {concentration}")
    c = reduce_to_precision(scale, concentration)
    for band in scale.bands:
        if c < band.c_lo:
            continue
        if band.c_hi is None or band.i_hi is None:
            return AqiResult(c, None, band, _open_band_note(scale, band))
        if c <= band.c_hi:
            return AqiResult(c, _interpolate(band, c, band.c_hi, band.i_hi), band)
    top = scale.bands[-1]
    if top.c_hi is None or top.i_hi is None:
        return AqiResult(c, None, top, _open_band_note(scale, top))
    if scale.beyond_top == "extrapolate":
        note = (
            f"above the top breakpoint ({top.c_hi} {scale.unit} = AQI {top.i_hi}): "
            "the top band's equation continues, as AirNow reports it"
        )
        return AqiResult(c, _interpolate(top, c, top.c_hi, top.i_hi), top, note)
    note = (
        f"beyond the {scale.id} index: it stops at {top.c_hi} {scale.unit} (AQI {top.i_hi}); "
        "the band shown is the top one"
    )
    return AqiResult(c, None, top, note)


def _open_band_note(scale: AqiScale, band: AqiBand) -> str:
    return (
        f"{scale.id} publishes no index method from {band.c_lo} {scale.unit} up: "
        f"the band is '{band.label_en}' (AQI above {band.i_lo - 1}), the number is not published"
    )
