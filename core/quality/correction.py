"""The US EPA correction of low-cost PM2.5 sensors, stored beside the raw value.

The figures are those of `epa-purpleair-extended-2021-10` in core/standards/data/standards.json
(Barkjohn et al. 2022, the AirNow Fire & Smoke Map correction for hourly data since October
2021), where their sources and worked values are kept; the tests check this code against
those worked values. It was derived for PurpleAir (Plantower PMS5003, CF=1) sensors; dustwatch
applies it to every low-cost station's PM2.5 as the best published correction for optical
sensors in humid air, and never over the raw value.
"""

from __future__ import annotations

from decimal import Decimal

from core.standards.catalogue import Correction, correction_by_id
from core.standards.parameters import from_milli, to_milli

EPA_CORRECTION_ID = "epa-purpleair-extended-2021-10"

_A_LOW = Decimal("0.524")
_A_MID = Decimal("0.786")
_A_HIGH = Decimal("0.69")
_RH = Decimal("0.0862")
_OFFSET = Decimal("5.75")
_OFFSET_HIGH = Decimal("2.966")
_QUADRATIC = Decimal("8.84e-4")


def epa_corrected_pm25(x: Decimal, rh: Decimal) -> Decimal:
    """Corrected PM2.5 (ug/m3) from a sensor's PM2.5 `x` and relative humidity `rh` (%),
    piece by piece as published; a negative result (clean, humid air) is 0."""
    if x < 30:
        y = _A_LOW * x - _RH * rh + _OFFSET
    elif x < 50:
        f = x / 20 - Decimal("1.5")
        y = (_A_MID * f + _A_LOW * (1 - f)) * x - _RH * rh + _OFFSET
    elif x < 210:
        y = _A_MID * x - _RH * rh + _OFFSET
    elif x < 260:
        f = x / 50 - Decimal("4.2")
        y = (
            (_A_HIGH * f + _A_MID * (1 - f)) * x
            - _RH * rh * (1 - f)
            + _OFFSET_HIGH * f
            + _OFFSET * (1 - f)
            + _QUADRATIC * x * x * f
        )
    else:
        y = _OFFSET_HIGH + _A_HIGH * x + _QUADRATIC * x * x
    return max(y, Decimal(0))


def epa_corrected_milli(pm25_milli: int, humidity_milli: int) -> int:
    """The correction on stored values (thousandths of ug/m3 and of %)."""
    return to_milli(epa_corrected_pm25(from_milli(pm25_milli), from_milli(humidity_milli)))


def epa_correction() -> Correction:
    """The correction's entry in the standards file: its authority and source."""
    found = correction_by_id(EPA_CORRECTION_ID)
    if found is None:
        raise LookupError(f"{EPA_CORRECTION_ID} is missing from standards.json")
    return found
