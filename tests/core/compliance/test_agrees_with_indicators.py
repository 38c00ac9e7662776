"""An operator's compliance answer agrees with the shared indicators (issue 6, "Done when").

Five weeks of readings for a facility's monitor go through the one ingest pipeline (so the
hourly and daily rollups are the product's own): days over the standard, days in limits, days
short of 18 hours, days without data, and days on each side of the half-up reduction to the
Thai AQI scale's precision and of the 18-hour rule. For the same days, `facility_compliance`
and `compute_indicators(station=…)` must give the same exceedance days, valid days, worst
24-hour mean and its date, and the same verdict day by day, on SQLite and PostgreSQL. Both are
also checked against the days planned here, so that a rule changed on either side (or on
both) fails the test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.access.scope import StationScope
from core.compliance.schemas import ComplianceStatus, ParameterCompliancePublic
from core.compliance.service import facility_compliance
from core.indicators.schemas import IndicatorsPublic
from core.indicators.service import compute_indicators
from core.models import Role, StakeholderGroup, StationKind
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_organisation, make_station

ZONE = default_zone()
NOW = datetime(2024, 3, 10, 5, 30, tzinfo=UTC)  # 12:30 in Bangkok on 10 March 2024
TODAY = date(2024, 3, 10)
FIRST = TODAY - timedelta(days=35)
LAST = TODAY - timedelta(days=1)
LIMITS = {"pm25": Decimal("37.5"), "pm10": Decimal(120)}
"""The Thai 24-hour limits in force in 2024."""
PRECISION = {"pm25": Decimal("0.1"), "pm10": Decimal(1)}
"""The Thai AQI scale's precision in 2024, to which a day's mean is rounded half-up."""


@dataclass(frozen=True)
class Day:
    """A planned local day: the value of each of its first `hours` hours (two readings an
    hour, `low` and `high`, whose hourly mean is their middle)."""

    hours: int
    low: Decimal
    high: Decimal

    @property
    def mean(self) -> Decimal:
        return (self.low + self.high) / 2


def flat(value: str, hours: int = 24) -> Day:
    return Day(hours, Decimal(value), Decimal(value))


PLANS: dict[str, dict[int, Day]] = {
    # days before TODAY
    "pm25": {
        **{back: flat("20") for back in range(1, 36)},
        3: flat("41.8"),  # over
        5: flat("37.54"),  # 37.5 after rounding: not over
        6: flat("37.55"),  # 37.6 after rounding: over
        8: Day(24, Decimal("30"), Decimal("60")),  # hourly means of 45: over
        11: flat("90", hours=17),  # 17 hours: insufficient, never counted
        12: flat("50", hours=18),  # 18 hours: valid and over
        14: flat("55.25"),  # the worst valid day
        19: flat("12.3"),
        23: flat("80", hours=6),  # insufficient
        27: flat("38.04"),  # 38.0: over
        33: flat("37.5"),  # at the limit: not over
    },
    "pm10": {
        **{back: flat("95") for back in range(1, 36) if back % 6 != 4},  # some days without data
        2: flat("120.4"),  # 120: not over
        7: flat("120.5"),  # 121: over
        9: flat("150", hours=12),  # insufficient
        15: Day(24, Decimal("100"), Decimal("180")),  # 140: over, the worst
        21: flat("130"),  # over
    },
}


def publish(session: Session, code: str, parameter: str, day: date, plan: Day) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    items = [
        {
            "parameter": parameter,
            "value": float(value),
            "time": (midnight + timedelta(hours=hour, minutes=minute)).isoformat(),
        }
        for hour in range(plan.hours)
        for minute, value in ((10, plan.low), (40, plan.high))
    ]
    message = IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(items).encode(), NOW)
    outcome = ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=ZONE)
    assert outcome.rejected == 0, outcome.rejections


@dataclass(frozen=True)
class Expected:
    exceedance_days: set[date]
    valid_days: int
    worst_day: date
    worst_reported: Decimal


def expected(parameter: str, start: date, end: date) -> Expected:
    """The plan's figures over start..end, worked out here from the published rules."""
    over, valid = set(), 0
    worst: tuple[Decimal, date] | None = None
    for back, plan in PLANS[parameter].items():
        day = TODAY - timedelta(days=back)
        if not start <= day <= end or plan.hours < 18:
            continue
        valid += 1
        reported = plan.mean.quantize(PRECISION[parameter], rounding=ROUND_HALF_UP)
        if reported > LIMITS[parameter]:
            over.add(day)
        if worst is None or plan.mean > worst[0]:
            worst = (plan.mean, day)
    assert worst is not None
    return Expected(
        over,
        valid,
        worst[1],
        worst[0].quantize(PRECISION[parameter], rounding=ROUND_HALF_UP),
    )


@pytest.fixture
def monitor(session: Session) -> tuple[Principal, str, int]:
    """A facility's private monitor with the planned days; its operator, the monitor's code
    and the facility's id."""
    facility = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
    station = make_station(
        session,
        code=f"f-{facility.id}-gate",
        organisation_id=facility.id,
        kind=StationKind.FACTORY,
        public=False,
    )
    for parameter, plan in PLANS.items():
        for back, day in plan.items():
            publish(session, station.code, parameter, TODAY - timedelta(days=back), day)
    operator = Principal(user_id=1, organisation_id=facility.id, role=Role.OPERATOR)
    return operator, station.code, facility.id


def indicators(
    session: Session, principal: Principal, code: str, parameter: str, start: date, end: date
) -> IndicatorsPublic:
    return compute_indicators(
        session,
        scope=StationScope.for_principal(principal),
        station_code=code,
        parameter=parameter,
        start=start,
        end=end,
        zone=ZONE,
    )


def assert_agree(
    answer: ParameterCompliancePublic | None,
    figures: IndicatorsPublic,
    want: Expected,
    *,
    period: str,
) -> None:
    assert answer is not None
    counts = answer.period if period == "period" else answer.last_30_days
    days = [d for d in answer.days if figures.start <= d.day <= figures.end]
    if period == "period":
        assert len(days) == figures.valid_days.days_in_period
    # Exceedance days: the count and the very days.
    assert counts.exceedance_days == figures.exceedances.days == len(want.exceedance_days)
    shown_over = {d.day for d in figures.days if d.over_standard}
    assert shown_over == want.exceedance_days
    # Valid days.
    assert counts.valid_days == figures.valid_days.valid_days == want.valid_days
    # The answer: not in compliance exactly when the indicators count an exceedance day.
    assert (counts.status == ComplianceStatus.NOT_COMPLIANT) == (figures.exceedances.days > 0)
    if period != "period":
        return
    # Day by day: the same valid days, the same figure compared, the same verdict.
    by_day = {d.day: d for d in figures.days}
    assert {d.day for d in days if d.valid} == set(by_day)
    for day in days:
        if day.valid:
            judged = by_day[day.day]
            assert (day.mean, day.exceeded, day.standard_id) == (
                judged.reported,
                judged.over_standard,
                judged.standard_id,
            )
    assert {d.day for d in answer.exceedances} == shown_over
    # The worst 24-hour mean and its date.
    worst = max((d for d in days if d.valid), key=lambda d: d.mean or 0)
    assert worst.day == figures.worst_day.day == want.worst_day
    assert worst.mean == by_day[want.worst_day].reported == float(want.worst_reported)
    assert figures.worst_day.value is not None
    assert Decimal(str(figures.worst_day.value)).quantize(
        PRECISION[figures.parameter], rounding=ROUND_HALF_UP
    ) == Decimal(str(worst.mean))


@pytest.mark.parametrize("parameter", ["pm25", "pm10"])
def test_compliance_agrees_with_the_indicators(
    session: Session, monitor: tuple[Principal, str, int], parameter: str
) -> None:
    operator, code, facility_id = monitor
    report = facility_compliance(
        session,
        principal=operator,
        facility_id=facility_id,
        start=FIRST,
        end=LAST,
        now=NOW,
        zone=ZONE,
    )
    [station] = report.stations
    answer = next((p for p in station.parameters if p.parameter == parameter), None)

    # The whole period asked for: 35 local days before today.
    assert_agree(
        answer,
        indicators(session, operator, code, parameter, FIRST, LAST),
        expected(parameter, FIRST, LAST),
        period="period",
    )
    # The answer for the last 30 days, over the days it names.
    assert answer is not None
    recent = answer.last_30_days
    assert (recent.start, recent.end) == (TODAY - timedelta(days=30), LAST)
    assert_agree(
        answer,
        indicators(session, operator, code, parameter, recent.start, recent.end),
        expected(parameter, recent.start, recent.end),
        period="last_30_days",
    )
