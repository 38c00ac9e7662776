"""The quality-control rules every reading meets, whatever its source: pure functions on
stored values (integer thousandths of the unit), so the pipeline can run them over a whole
batch after one query for what it needs to know about earlier readings.

A rule returns a `Finding` (the flag it sets, its name, a readable detail) or None. The
worst finding grades the reading: invalid readings are kept out of the rollups, suspect ones
stay in until the backbone reviews them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.models import QualityFlag, StationKind
from core.standards.parameters import ParameterInfo, from_milli, to_milli

MAX_AGE = timedelta(days=7)
"""Older than this at receipt, a reading must come as a declared backfill (an upload, a
manual entry, `"backfill": true`) to be valid: a device's backlog after an outage arrives
well within it, while a clock reset to an old date does not. Such a reading is suspect, not
invalid: its value may well be right, so it stays in the means until the backbone decides."""

STUCK_RUN = 10
"""This many identical values in a row from one station and parameter make the last ones
suspect: a fan or laser that stopped, a logger repeating its last value."""
STUCK_PARAMETERS = frozenset({"pm25", "pm10", "tsp", "o3", "no2", "so2", "co"})
"""Weather values at their sensors' resolution (humidity at 100 % in rain, a still
temperature) repeat legitimately, so only pollutants are checked."""

SPIKE_WINDOW = timedelta(hours=1)
"""Only a previous reading at most this much earlier is a neighbour to compare with."""
SPIKE_JUMP: dict[str, int] = {
    code: jump * 1000
    for code, jump in {
        "pm25": 200,
        "pm10": 500,
        "tsp": 1000,
        "o3": 100,
        "no2": 200,
        "so2": 200,
        "co": 20,
        "temperature": 10,
        "humidity": 30,
        "pressure": 10,
    }.items()
}
"""A change from the neighbouring reading larger than this (in the parameter's unit) is a
spike: about twice the Thai 24-hour PM2.5 and PM10 standards' "very unhealthy" level within
minutes, 10 degC or 10 hPa between two readings."""

HUMID_PERCENT = 95
HUMIDITY_MILLI = HUMID_PERCENT * 1000
"""Above 95 % relative humidity, low-cost optical PM sensors count water droplets as
particles and read far too high (EPA's and Sensor.Community's advice)."""
HUMIDITY_PARAMETERS = frozenset({"pm25", "pm10"})
LOW_COST_KINDS = frozenset({StationKind.VOLUNTEER})
"""Volunteers' stations carry low-cost optical sensors; factory monitors and reference
stations carry instruments with heated inlets or certified methods."""

RULE_RANGE = "range"
RULE_TOO_OLD = "too_old"
RULE_STUCK = "stuck"
RULE_SPIKE = "spike"
RULE_HUMIDITY = "humidity"
RULE_REVIEW = "review"
RULES = (RULE_RANGE, RULE_TOO_OLD, RULE_STUCK, RULE_SPIKE, RULE_HUMIDITY, RULE_REVIEW)


@dataclass(frozen=True)
class Finding:
    flag: QualityFlag
    rule: str
    detail: str


@dataclass(frozen=True)
class Grade:
    """A reading's flag and, when not valid, the rule that set it and every finding's detail."""

    flag: QualityFlag
    rule: str | None = None
    detail: str = ""


VALID = Grade(QualityFlag.VALID)


def _shown(value_milli: int, parameter: ParameterInfo) -> str:
    return f"{from_milli(value_milli).normalize():f} {parameter.unit}"


def check_range(parameter: ParameterInfo, value_milli: int) -> Finding | None:
    """Outside the plausible range (but physically possible, or it would have been refused)."""
    low, high = to_milli(parameter.plausible_low), to_milli(parameter.plausible_high)
    if low <= value_milli <= high:
        return None
    return Finding(
        QualityFlag.INVALID,
        RULE_RANGE,
        f"{_shown(value_milli, parameter)} outside the plausible range "
        f"{parameter.plausible_low}..{parameter.plausible_high}",
    )


def check_age(time: datetime, received_at: datetime, *, backfill: bool) -> Finding | None:
    """Too old at receipt without being a declared backfill."""
    if backfill or received_at - time <= MAX_AGE:
        return None
    days = (received_at - time).days
    return Finding(
        QualityFlag.SUSPECT,
        RULE_TOO_OLD,
        f"{days} days old when received, not a declared backfill (limit {MAX_AGE.days} days)",
    )


def check_stuck(parameter: ParameterInfo, value_milli: int, run_length: int) -> Finding | None:
    """`run_length`: identical values in a row, this reading included."""
    if parameter.code not in STUCK_PARAMETERS or run_length < STUCK_RUN:
        return None
    return Finding(
        QualityFlag.SUSPECT,
        RULE_STUCK,
        f"the same value {_shown(value_milli, parameter)} {run_length} times in a row",
    )


def check_spike(
    parameter: ParameterInfo,
    value_milli: int,
    time: datetime,
    previous_time: datetime | None,
    previous_milli: int | None,
) -> Finding | None:
    """A jump from the neighbouring (previous) reading beyond the parameter's threshold."""
    if previous_time is None or previous_milli is None:
        return None
    if not timedelta(0) < time - previous_time <= SPIKE_WINDOW:
        return None
    jump = value_milli - previous_milli
    if abs(jump) <= SPIKE_JUMP.get(parameter.code, abs(jump)):
        return None
    return Finding(
        QualityFlag.SUSPECT,
        RULE_SPIKE,
        f"{'+' if jump > 0 else '-'}{_shown(abs(jump), parameter)} from the reading before "
        f"(more than {_shown(SPIKE_JUMP[parameter.code], parameter)})",
    )


def check_humidity(
    parameter: ParameterInfo, *, low_cost: bool, humidity_milli: int | None
) -> Finding | None:
    """A low-cost sensor's PM in air more humid than 95 %."""
    if not low_cost or parameter.code not in HUMIDITY_PARAMETERS or humidity_milli is None:
        return None
    if humidity_milli <= HUMIDITY_MILLI:
        return None
    return Finding(
        QualityFlag.SUSPECT,
        RULE_HUMIDITY,
        f"relative humidity {from_milli(humidity_milli).normalize():f} % above "
        f"{HUMID_PERCENT} % at a low-cost sensor",
    )


def grade(findings: Iterable[Finding | None]) -> Grade:
    """The worst finding sets the flag and names the rule; every finding's detail is kept."""
    found = [f for f in findings if f is not None]
    if not found:
        return VALID
    worst = max(found, key=lambda f: f.flag)
    detail = "; ".join([worst.detail, *(f.detail for f in found if f is not worst)])
    return Grade(worst.flag, worst.rule, detail[:300])


def is_low_cost(kind: StationKind | str) -> bool:
    return kind in LOW_COST_KINDS
