"""The catalogue and the AQI calculator for the API, the CLI and the calculator page.

Every refusal is an InvalidInput (or NotFound for a standard) with a message that says what
would be accepted; the caller's text is never echoed back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from core.kit.errors import InvalidInput, NotFound
from core.standards.aqi import compute_aqi, reduction_rule
from core.standards.catalogue import (
    AqiBand,
    AqiScale,
    Standard,
    aqi_scale,
    aqi_scale_ids,
    aqi_scales,
    load_standards,
    standard_by_id,
    standard_in_force,
)
from core.standards.nowcast import PRECISION as NOWCAST_PARAMETERS
from core.standards.nowcast import nowcast
from core.standards.parameters import BY_CODE, ParameterInfo
from core.standards.schemas import (
    AqiBandPublic,
    AqiBreakpointPublic,
    AqiPublic,
    AqiScalePublic,
    NowCastPublic,
    StandardPublic,
)

AQI_POLLUTANTS = ("pm25", "pm10", "o3", "co", "no2", "so2")
NOWCAST_FAMILY = "us-epa"
UNIT_SPELLINGS = {"µg/m³": "ug/m3", "μg/m³": "ug/m3", "µg/m3": "ug/m3", "μg/m3": "ug/m3"}
NUMBER = re.compile(
    r"\s*(-?)([0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})(?:[eE]([+-]?[0-9]{1,3}))?\s*"
)
MAX_NUMBER_TEXT = 40


# The catalogue ------------------------------------------------------------------------------


def standard_public(standard: Standard) -> StandardPublic:
    extra = standard.model_extra or {}
    note = extra.get("note")
    return StandardPublic(
        id=standard.id,
        series=standard.series,
        jurisdiction=standard.jurisdiction,
        authority=standard.authority,
        parameter=standard.parameter,
        pollutant=standard.pollutant,
        period=standard.period,
        averaging=standard.averaging,
        limit=float(standard.limit),
        bound=standard.bound,
        lower_limit=float(standard.lower_limit) if standard.lower_limit is not None else None,
        unit=standard.unit,
        effective_from=standard.effective_from,
        effective_to=standard.effective_to,
        source=standard.source,
        note=note if isinstance(note, str) else None,
    )


def list_standards(
    *,
    parameter: str | None = None,
    jurisdiction: str | None = None,
    period: str | None = None,
    on: date | None = None,
) -> list[StandardPublic]:
    """Every version, or those matching the filters; `on` keeps those in force that day."""
    standards = load_standards().standards
    for name, wanted, known in (
        ("parameter", parameter, {s.parameter for s in standards}),
        ("jurisdiction", jurisdiction, {s.jurisdiction for s in standards}),
        ("period", period, {s.period for s in standards}),
    ):
        if wanted is not None and wanted not in known:
            raise InvalidInput(f"unknown {name}: use one of {', '.join(sorted(known))}")
    return [
        standard_public(s)
        for s in standards
        if (parameter is None or s.parameter == parameter)
        and (jurisdiction is None or s.jurisdiction == jurisdiction)
        and (period is None or s.period == period)
        and (on is None or s.in_force_on(on))
    ]


def find_standard(series_or_id: str, *, on: date | None, today: date) -> StandardPublic:
    """A version id without `on` is that version; otherwise the version of the series in
    force on `on` (today when not given)."""
    exact = standard_by_id(series_or_id)
    if exact is not None and on is None:
        return standard_public(exact)
    day = on or today
    found = standard_in_force(series_or_id, on=day)
    if found is not None:
        return standard_public(found)
    series = exact.series if exact is not None else series_or_id
    if exact is None and not any(s.series == series for s in load_standards().standards):
        raise NotFound("no standard has that id or series; GET /standards lists them")
    raise NotFound(f"no version of {series} was in force on {day.isoformat()}")


def breakpoint_public(band: AqiBand) -> AqiBreakpointPublic:
    return AqiBreakpointPublic(
        c_lo=float(band.c_lo),
        c_hi=None if band.c_hi is None else float(band.c_hi),
        i_lo=band.i_lo,
        i_hi=band.i_hi,
        label_th=band.label_th,
        label_en=band.label_en,
        color=band.color,
        color_hex=band.hex,
        advice_th=band.advice_th,
        advice_en=band.advice_en,
        note=band.note,
    )


def scale_public(scale: AqiScale) -> AqiScalePublic:
    return AqiScalePublic(
        id=scale.id,
        family=scale.family,
        parameter=scale.parameter,
        pollutant=scale.pollutant,
        period=scale.period,
        averaging=scale.averaging,
        unit=scale.unit,
        precision=float(scale.precision),
        reduction=reduction_rule(scale),
        beyond_top=scale.beyond_top,
        formula=scale.formula,
        effective_from=scale.effective_from,
        effective_to=scale.effective_to,
        source=scale.source,
        note=scale.note,
        bands=[breakpoint_public(b) for b in scale.bands],
    )


def list_scales(*, scale: str | None = None, pollutant: str | None = None) -> list[AqiScalePublic]:
    code = None if pollutant is None else pollutant_code(pollutant)
    name = None if scale is None else _scale_name(scale)
    return [
        scale_public(s)
        for s in aqi_scales()
        if (name is None or name in (s.id, s.family)) and (code is None or s.parameter == code)
    ]


# The calculator -----------------------------------------------------------------------------


def pollutant_code(pollutant: str) -> str:
    """pm25, PM2.5, pm2_5 -> pm25; the AQI pollutants only."""
    code = pollutant.strip().lower().replace(".", "").replace("_", "")
    if code not in AQI_POLLUTANTS:
        raise InvalidInput(f"unknown pollutant: use one of {', '.join(AQI_POLLUTANTS)}")
    return code


def _scale_name(scale: str) -> str:
    name = scale.strip().lower()
    known = aqi_scale_ids()
    if name not in known:
        raise InvalidInput(f"unknown AQI scale: use one of {', '.join(known)}")
    return name


def resolve_scale(scale: str, pollutant: str) -> AqiScale:
    """A version id exactly, or a family for its newest version, for one pollutant."""
    name = _scale_name(scale)
    code = pollutant_code(pollutant)
    found = aqi_scale(name, code)
    if found is None:
        covered = sorted({s.parameter for s in aqi_scales() if name in (s.id, s.family)})
        raise InvalidInput(
            f"scale {name} has no {code} breakpoints; it covers {', '.join(covered)}"
        )
    return found


def parse_concentration(text: str) -> Decimal:
    """A concentration typed by a person: plain or exponent notation, finite, not negative.
    NaN, inf, 1e400 and words are refused with a reason."""
    if len(text) > MAX_NUMBER_TEXT:
        raise InvalidInput("value: too long for a concentration")
    match = NUMBER.fullmatch(text)
    if match is None:
        raise InvalidInput("value: not a number (write it like 41.2)")
    if match.group(1):
        raise InvalidInput("value: a concentration cannot be negative")
    return Decimal(text.strip())


def _check_value(parameter: ParameterInfo, value: Decimal, what: str) -> None:
    if not value.is_finite():
        raise InvalidInput(f"{what}: not a finite number")
    if value < 0:
        raise InvalidInput(f"{what}: a concentration cannot be negative")
    if value > parameter.maximum:
        raise InvalidInput(
            f"{what}: above the largest plausible {parameter.code} value "
            f"({parameter.maximum} {parameter.unit})"
        )


def _check_unit(scale: AqiScale, unit: str | None) -> None:
    if unit is None:
        return
    spelled = UNIT_SPELLINGS.get(unit.strip(), unit.strip())
    if spelled != scale.unit:
        raise InvalidInput(
            f"unit: {scale.id} gives {scale.parameter} in {scale.unit}; convert the value first"
        )


def band_public(band: AqiBand) -> AqiBandPublic:
    return AqiBandPublic(
        label_th=band.label_th,
        label_en=band.label_en,
        color=band.color,
        color_hex=band.hex,
        advice_th=band.advice_th,
        advice_en=band.advice_en,
    )


def calculate_aqi(
    scale: str, pollutant: str, value: Decimal, *, unit: str | None = None
) -> AqiPublic:
    found = resolve_scale(scale, pollutant)
    _check_unit(found, unit)
    _check_value(BY_CODE[found.parameter], value, "value")
    result = compute_aqi(found, value)
    return AqiPublic(
        scale=found.id,
        pollutant=found.parameter,
        unit=found.unit,
        value=float(value),
        concentration=float(result.concentration),
        reduction=reduction_rule(found),
        index=result.index,
        note=result.note,
        band=band_public(result.band),
    )


def calculate_nowcast(scale: str, pollutant: str, hours: Sequence[Decimal | None]) -> NowCastPublic:
    """NowCast then AQI. Too few recent hours is an answer (no NowCast, with a note), not
    an error: the caller did nothing wrong, the monitor has gaps."""
    found = resolve_scale(scale, pollutant)
    if found.family != NOWCAST_FAMILY or found.parameter not in NOWCAST_PARAMETERS:
        raise InvalidInput(
            "the NowCast is the US EPA method for pm25 and pm10: use a us-epa scale "
            f"(the {found.family} scale uses {found.period} averages)"
        )
    if len(hours) > 12:
        raise InvalidInput(f"hours: at most 12 (newest first), {len(hours)} given")
    parameter = BY_CODE[found.parameter]
    for position, value in enumerate(hours):
        if value is not None:
            _check_value(parameter, value, f"hours[{position}]")
    result = nowcast(hours, parameter=found.parameter)
    index = note = band = None
    if result.value is not None:
        aqi = compute_aqi(found, result.value)
        index, note, band = aqi.index, aqi.note, band_public(aqi.band)
    return NowCastPublic(
        scale=found.id,
        pollutant=found.parameter,
        unit=found.unit,
        nowcast=None if result.value is None else float(result.value),
        reduction=reduction_rule(found),
        weight=None if result.weight is None else float(result.weight),
        hours_used=result.hours_used,
        index=index,
        note=result.note or note,
        band=band,
    )
