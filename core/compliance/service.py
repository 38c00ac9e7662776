"""An operator's compliance: for each monitor (station) of its facility (an organisation of
the `operator` stakeholder group), the daily means against the Thai standard in force each
day, every exceedance day, data completeness, and one answer for today and for the last 30
days.

Every figure comes from `core.indicators.daily.daily_means` and is judged by
`core.indicators.judging.judge_daily_mean`, the same functions the indicators use, so the two
cannot disagree on a day. The rules are stated in words in every answer (`rules`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.access.scope import StationScope
from core.compliance.schemas import (
    AnswerPublic,
    ComplianceStatus,
    DayPublic,
    FacilityCompliancePublic,
    FacilityPublic,
    LatestValuePublic,
    ParameterCompliancePublic,
    PeriodAnswerPublic,
    PeriodPublic,
    RulesPublic,
    StationCompliancePublic,
    TodayPublic,
)
from core.indicators.averages import (
    HOURS_IN_DAY,
    MIN_VALID_HOURS,
    Verdict,
    day_window_end,
    load_24h_verdicts,
)
from core.indicators.daily import DailyMean, daily_means, hours_in_day, local_day
from core.indicators.judging import REDUCTION_RULE, judge_daily_mean
from core.kit.errors import InvalidInput, NotFound
from core.models import LatestReading, Organisation, Role, StakeholderGroup, Station
from core.standards.catalogue import thai_24h_standard
from core.standards.parameters import BY_CODE, BY_ID, from_milli

JUDGED_PARAMETERS = ("pm25", "pm10", "tsp")
"""Parameters with a Thai 24-hour standard; each is judged where a monitor measures it."""
FACILITY_VIEWERS = (Role.OPERATOR, Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)
"""Operators see their own facility; officials, the backbone and admins every facility."""
RECENT_DAYS = 30
MIN_VALID_DAY_SHARE = Decimal("0.75")
MAX_PERIOD_DAYS = 366
EARLIEST_DAY = date(2000, 1, 1)
"""No reading is accepted before 2000."""

DAILY_MEAN_RULE = (
    "a day is a local calendar day in {zone}; its mean is the mean of its hourly means, valid "
    f"with at least {MIN_VALID_HOURS} hours of data; a day with fewer is 'insufficient data', "
    "never a partial average"
)
TODAY_RULE = (
    f"today: the mean of the hourly means of the {HOURS_IN_DAY} clock hours before the current "
    f"hour (a rolling 24-hour mean, as Air4Thai shows it), valid with at least {MIN_VALID_HOURS} "
    "hours, judged against the Thai 24-hour standard in force: in compliance when not over it, "
    "not in compliance when over it, insufficient data with fewer hours"
)
PERIOD_RULE = (
    "a period of local days: not in compliance when any valid day was over the standard; "
    "otherwise insufficient data when fewer than 75 % of its days are valid (rounded up: 23 of "
    "30); otherwise in compliance; the number of valid days is shown"
)
LAST_30_DAYS_RULE = (
    f"last 30 days: the {RECENT_DAYS} complete local days before today, judged as a period: "
    "not in compliance when any valid day was over the standard, insufficient data when fewer "
    "than 23 of the 30 days are valid, otherwise in compliance"
)
FACILITY_RULE = (
    "the facility's answer combines every parameter with a Thai 24-hour standard of every "
    "monitor: not in compliance when any is not, otherwise insufficient data when any is (or "
    "when no monitor measures such a parameter), otherwise in compliance"
)


def get_facility(session: Session, *, principal: Principal, facility_id: int) -> Organisation:
    """The facility `principal` may see. Another operator's facility is NotFound, as one that
    does not exist, so that facility ids cannot be probed; volunteers and API keys are
    Forbidden, the public Unauthenticated."""
    principal.require_role(*FACILITY_VIEWERS)
    organisation = session.get(Organisation, facility_id)
    if (
        organisation is None
        or organisation.stakeholder_group != StakeholderGroup.OPERATOR
        or (principal.has_role(Role.OPERATOR) and principal.organisation_id != organisation.id)
    ):
        raise NotFound(f"no facility {facility_id}")
    return organisation


def list_facilities(session: Session, *, principal: Principal) -> list[FacilityPublic]:
    """The facilities `principal` may see: an operator its own, the others every one."""
    principal.require_role(*FACILITY_VIEWERS)
    query = select(Organisation).where(Organisation.stakeholder_group == StakeholderGroup.OPERATOR)
    if principal.has_role(Role.OPERATOR):
        query = query.where(Organisation.id == principal.organisation_id)
    return [_facility(o) for o in session.scalars(query.order_by(Organisation.name_en))]


def compliance_period(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The local days asked for, both included: by default the 30 complete days before
    today; `end` alone means the 30 days ending then, `start` alone up to yesterday.

    Raises InvalidInput for a period that ends after today, starts after it ends, starts
    before 2000 or spans more than 366 days.
    """
    if end is None:
        end = today - timedelta(days=1) if start is None else max(start, today - timedelta(days=1))
    if end > today:
        raise InvalidInput(f"end {end} is after today ({today}): there is no data yet")
    if end < EARLIEST_DAY:
        raise InvalidInput(f"end must be {EARLIEST_DAY} or later")
    if start is None:
        start = max(end - timedelta(days=RECENT_DAYS - 1), EARLIEST_DAY)
    if start < EARLIEST_DAY:
        raise InvalidInput(f"start must be {EARLIEST_DAY} or later")
    if start > end:
        raise InvalidInput(f"start {start} is after end {end}")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"at most {MAX_PERIOD_DAYS} days per request")
    return start, end


def facility_compliance(
    session: Session,
    *,
    principal: Principal,
    facility_id: int,
    start: date | None,
    end: date | None,
    now: datetime,
    zone: ZoneInfo,
) -> FacilityCompliancePublic:
    """The compliance of every monitor of a facility over the local days start..end (both
    included), with today's answer and the last 30 days'. Private monitors are included:
    whoever may see the facility may see them."""
    facility = get_facility(session, principal=principal, facility_id=facility_id)
    today = local_day(now, zone)
    start, end = compliance_period(start, end, today=today)
    recent_start, recent_end = today - timedelta(days=RECENT_DAYS), today - timedelta(days=1)
    scope = StationScope.for_principal(principal)
    stations = list(
        session.scalars(
            select(Station)
            .where(Station.organisation_id == facility.id, scope.visible())
            .order_by(Station.code)
        )
    )
    ids = [s.id for s in stations]
    latest: dict[int, list[LatestReading]] = defaultdict(list)
    for row in session.scalars(
        select(LatestReading)
        .where(LatestReading.station_id.in_(ids))
        .order_by(LatestReading.parameter_id)
    ):
        latest[row.station_id].append(row)
    verdicts = load_24h_verdicts(
        session, at=now, zone=zone, station_ids=ids, parameters=JUDGED_PARAMETERS
    )
    period_days: dict[tuple[int, int], list[DailyMean]] = defaultdict(list)
    recent_days: dict[tuple[int, int], list[DailyMean]] = defaultdict(list)
    for code in JUDGED_PARAMETERS:
        parameter_id = BY_CODE[code].id
        for found, first, last in (
            (period_days, start, end),
            (recent_days, recent_start, recent_end),
        ):
            for mean in daily_means(
                session,
                station_ids=ids,
                parameter_id=parameter_id,
                start=first,
                end=last + timedelta(days=1),
                zone=zone,
            ):
                found[(mean.station_id, parameter_id)].append(mean)
    window_end = day_window_end(now)
    report_stations = []
    for station in stations:
        measured = {r.parameter_id for r in latest[station.id]}
        parameters = [
            _parameter_compliance(
                BY_CODE[code].id,
                verdict=verdicts.get((station.id, BY_CODE[code].id)),
                window_end=window_end,
                today=today,
                period=(start, end, period_days[(station.id, BY_CODE[code].id)]),
                recent=(recent_start, recent_end, recent_days[(station.id, BY_CODE[code].id)]),
                zone=zone,
            )
            for code in JUDGED_PARAMETERS
            if BY_CODE[code].id in measured
            or (station.id, BY_CODE[code].id) in verdicts
            or period_days.get((station.id, BY_CODE[code].id))
            or recent_days.get((station.id, BY_CODE[code].id))
        ]
        report_stations.append(
            StationCompliancePublic(
                code=station.code,
                name=station.name,
                kind=station.kind.value,
                area=station.area,
                public=station.public,
                latest=[_latest(r) for r in latest[station.id]],
                parameters=parameters,
            )
        )
    judged = [p for s in report_stations for p in s.parameters]
    return FacilityCompliancePublic(
        facility=_facility(facility),
        generated_at=now,
        time_zone=zone.key,
        local_today=today,
        today=AnswerPublic(status=combine(p.today.status for p in judged), rule=TODAY_RULE),
        last_30_days=PeriodAnswerPublic(
            status=combine(p.last_30_days.status for p in judged),
            rule=LAST_30_DAYS_RULE,
            start=recent_start,
            end=recent_end,
        ),
        period=PeriodAnswerPublic(
            status=combine(p.period.status for p in judged), rule=PERIOD_RULE, start=start, end=end
        ),
        rules=RulesPublic(
            daily_mean=DAILY_MEAN_RULE.format(zone=zone.key),
            reduction=REDUCTION_RULE,
            today=TODAY_RULE,
            last_30_days=LAST_30_DAYS_RULE,
            period=PERIOD_RULE,
            facility=FACILITY_RULE,
        ),
        stations=report_stations,
    )


def combine(statuses: Iterable[ComplianceStatus]) -> ComplianceStatus:
    """Not in compliance if any is; else insufficient data if any is, or if there is none."""
    found = set(statuses)
    if ComplianceStatus.NOT_COMPLIANT in found:
        return ComplianceStatus.NOT_COMPLIANT
    if not found or ComplianceStatus.INSUFFICIENT_DATA in found:
        return ComplianceStatus.INSUFFICIENT_DATA
    return ComplianceStatus.COMPLIANT


def min_valid_days(days: int) -> int:
    """Valid days a period needs for an answer other than 'insufficient data': 75 %, up."""
    return ceil(days * MIN_VALID_DAY_SHARE)


def judge_period(days: Sequence[DayPublic]) -> ComplianceStatus:
    """PERIOD_RULE over every day of a period (including days without data)."""
    if any(d.exceeded for d in days):
        return ComplianceStatus.NOT_COMPLIANT
    if sum(d.valid for d in days) < min_valid_days(len(days)):
        return ComplianceStatus.INSUFFICIENT_DATA
    return ComplianceStatus.COMPLIANT


def judged_days(
    parameter_id: int, means: Sequence[DailyMean], *, start: date, end: date, zone: ZoneInfo
) -> list[DayPublic]:
    """Every local day start..end, oldest first: each mean judged by `judge_daily_mean`
    (the indicators' own), and days without data as empty, not valid days."""
    info = BY_ID[parameter_id]
    by_day = {m.day: m for m in means}
    days = []
    day = start
    while day <= end:
        mean = by_day.get(day)
        judged = judge_daily_mean(mean) if mean is not None else None
        standard = judged.standard if judged else thai_24h_standard(info.code, on=day)
        days.append(
            DayPublic(
                day=day,
                mean=float(judged.reported) if judged else None,
                hours_with_data=mean.hours_with_data if mean else 0,
                hours_expected=mean.hours_expected if mean else hours_in_day(day, zone),
                valid=judged is not None,
                standard_id=standard.id if standard else None,
                limit=float(standard.limit) if standard else None,
                unit=info.unit,
                exceeded=judged.over_standard if judged else None,
            )
        )
        day += timedelta(days=1)
    return days


def _period(days: Sequence[DayPublic], *, start: date, end: date) -> PeriodPublic:
    return PeriodPublic(
        status=judge_period(days),
        start=start,
        end=end,
        days=len(days),
        valid_days=sum(d.valid for d in days),
        exceedance_days=sum(bool(d.exceeded) for d in days),
        hours_with_data=sum(d.hours_with_data for d in days),
        hours_expected=sum(d.hours_expected for d in days),
    )


def _parameter_compliance(
    parameter_id: int,
    *,
    verdict: Verdict | None,
    window_end: datetime,
    today: date,
    period: tuple[date, date, list[DailyMean]],
    recent: tuple[date, date, list[DailyMean]],
    zone: ZoneInfo,
) -> ParameterCompliancePublic:
    info = BY_ID[parameter_id]
    start, end, means = period
    days = judged_days(parameter_id, means, start=start, end=end, zone=zone)
    recent_start, recent_end, recent_means = recent
    recent_list = judged_days(
        parameter_id, recent_means, start=recent_start, end=recent_end, zone=zone
    )
    return ParameterCompliancePublic(
        parameter=info.code,
        unit=info.unit,
        today=_today(info.code, verdict, window_end=window_end, today=today),
        last_30_days=_period(recent_list, start=recent_start, end=recent_end),
        period=_period(days, start=start, end=end),
        days=days,
        exceedances=[d for d in days if d.exceeded],
    )


def _today(code: str, verdict: Verdict | None, *, window_end: datetime, today: date) -> TodayPublic:
    """TODAY_RULE: the rolling 24-hour verdict of `load_24h_verdicts`, or no data at all."""
    window_start = window_end - timedelta(hours=HOURS_IN_DAY)
    if verdict is None:
        standard = thai_24h_standard(code, on=today)
        return TodayPublic(
            status=ComplianceStatus.INSUFFICIENT_DATA,
            window_start=window_start,
            window_end=window_end,
            mean=None,
            hours_with_data=0,
            hours_expected=HOURS_IN_DAY,
            standard_id=standard.id if standard else None,
            limit=float(standard.limit) if standard else None,
        )
    if verdict.over_standard is None:
        status = ComplianceStatus.INSUFFICIENT_DATA
    elif verdict.over_standard:
        status = ComplianceStatus.NOT_COMPLIANT
    else:
        status = ComplianceStatus.COMPLIANT
    average = verdict.average
    return TodayPublic(
        status=status,
        window_start=average.start,
        window_end=average.end,
        mean=float(verdict.reported) if verdict.reported is not None else None,
        hours_with_data=average.hours_with_data,
        hours_expected=average.hours_expected,
        standard_id=verdict.standard.id if verdict.standard else None,
        limit=float(verdict.standard.limit) if verdict.standard else None,
    )


def _latest(row: LatestReading) -> LatestValuePublic:
    info = BY_ID[row.parameter_id]
    return LatestValuePublic(
        parameter=info.code, unit=info.unit, value=float(from_milli(row.value_milli)), time=row.time
    )


def _facility(organisation: Organisation) -> FacilityPublic:
    return FacilityPublic(
        id=organisation.id, name_th=organisation.name_th, name_en=organisation.name_en
    )
