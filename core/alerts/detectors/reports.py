"""Factory reports as alert conditions: a report that has not come by its due day, and a
received report whose measurements go over the Thai standard.

Lateness is the schedule's own judgement (`core.factory_reports.schedule.judge_periods`,
which the facility's page shows), so an alert and the page never disagree on a period. A
row is judged as the compliance answer judges a day (`core.indicators.judging`): the value
reduced to the Thai AQI scale's precision, over when strictly above the Thai 24-hour limit
in force on the sample's local day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.alerts.conditions import Condition
from core.factory_reports.schedule import PeriodStatus, Received, judge_periods, late_since
from core.indicators.judging import judge_24h_mean
from core.models import (
    FactoryReport,
    FactoryReportRow,
    FactoryReportSchedule,
    Organisation,
    Station,
)
from core.standards.parameters import BY_ID, from_milli

MIN_SAMPLE_HOURS = 23
"""A row is compared with the 24-hour standard only when it was sampled for a day (a 24-hour
filter, allowing the hour a sampler is changed); a shorter sample says nothing about it."""
DEFAULT_LOOKBACK_DAYS = 90
"""Reports received this long ago still count: a breach stays an alert while it is recent."""


def facility_areas(session: Session, facility_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each facility's areas, the one most of its stations are in first (then by name), then
    the areas the organisation names for itself: the first is where its alerts belong."""
    ids = sorted(set(facility_ids))
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for organisation_id, area in session.execute(
        select(Station.organisation_id, Station.area).where(Station.organisation_id.in_(ids))
    ):
        if area:
            counts[organisation_id][area] += 1
    found: dict[int, list[str]] = {}
    for organisation in session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
        ranked = sorted(counts[organisation.id].items(), key=lambda item: (-item[1], item[0]))
        areas = [area for area, _ in ranked]
        areas += [a for a in organisation.areas or [] if a and a not in areas]
        found[organisation.id] = areas
    return found


def _area_for(areas_of_facility: Sequence[str], wanted: Sequence[str] | None) -> str | None:
    """The facility's area the rule covers; "" when the rule covers none of them."""
    if wanted is None:
        return areas_of_facility[0] if areas_of_facility else None
    return next((a for a in areas_of_facility if a in wanted), "")


def detect_late_reports(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    areas: Sequence[str] | None = None,
    grace_minutes: int = 0,
) -> list[Condition]:
    """One condition per period of a facility's schedule whose report is missing past the
    end of its due day (local) plus `grace_minutes`; it clears when the report arrives.

    `value` is the number of local days since the due day (1 the day after it)."""
    grace = timedelta(minutes=max(grace_minutes, 0))
    # Judging "today" `grace` earlier makes a period missing exactly `grace` after its due
    # day ends, with the schedule's own rule.
    judged_today = (now - grace).astimezone(zone).date()
    today = now.astimezone(zone).date()
    schedules = list(session.scalars(select(FactoryReportSchedule)))
    if not schedules:
        return []
    facility_ids = [s.facility_id for s in schedules]
    facilities = {
        o.id: o
        for o in session.scalars(select(Organisation).where(Organisation.id.in_(facility_ids)))
    }
    areas_of = facility_areas(session, facility_ids)
    received: dict[int, list[Received]] = defaultdict(list)
    for report in session.scalars(
        select(FactoryReport).where(FactoryReport.facility_id.in_(facility_ids))
    ):
        received[report.facility_id].append(
            Received(report.id, report.period_start, report.period_end, report.received_at)
        )
    conditions = []
    for schedule in sorted(schedules, key=lambda s: s.facility_id):
        area = _area_for(areas_of.get(schedule.facility_id, []), areas)
        if area == "":
            continue
        facility = facilities[schedule.facility_id]
        for judged in judge_periods(
            schedule.first_period_start,
            schedule.frequency,
            schedule.due_days,
            received[schedule.facility_id],
            today=judged_today,
            zone=zone,
        ):
            if judged.status != PeriodStatus.MISSING:
                continue
            period = judged.period
            days_late = (today - period.due).days
            conditions.append(
                Condition(
                    subject=f"facility:{facility.id}:report:{period.start.isoformat()}",
                    area=area,
                    value=float(days_late),
                    threshold=0.0,
                    unit="days",
                    started_at=late_since(period, zone),
                    facility_id=facility.id,
                    details={
                        "facility": facility.name_en,
                        "facility_th": facility.name_th,
                        "period_start": period.start.isoformat(),
                        "period_end": period.end.isoformat(),
                        "due": period.due.isoformat(),
                        "days_late": days_late,
                    },
                )
            )
    return conditions


@dataclass(frozen=True)
class _Over:
    """One row over its limit."""

    row: FactoryReportRow
    station: Station
    reported: Decimal
    limit: Decimal
    standard_id: str


def detect_report_breaches(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    areas: Sequence[str] | None = None,
    parameter_id: int | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> list[Condition]:
    """One condition per report received in the last `lookback_days` and parameter whose
    day-long samples go over the Thai 24-hour standard, with the worst value and its limit.

    Stack particulate is not judged: which Ministry of Industry limit applies depends on the
    process (with or without combustion, the fuel), which dustwatch does not know."""
    since = now - timedelta(days=lookback_days)
    query = (
        select(FactoryReportRow, FactoryReport, Station)
        .join(FactoryReport, FactoryReport.id == FactoryReportRow.report_id)
        .join(Station, Station.id == FactoryReportRow.station_id)
        .where(FactoryReport.received_at >= since, FactoryReport.received_at <= now)
        .order_by(FactoryReport.id, FactoryReportRow.row_number)
    )
    if parameter_id is not None:
        query = query.where(FactoryReportRow.parameter_id == parameter_id)
    if areas is not None:
        query = query.where(Station.area.in_(list(areas)))
    over: dict[tuple[int, int], list[_Over]] = defaultdict(list)
    reports: dict[int, FactoryReport] = {}
    for row, report, station in session.execute(query):
        if row.sample_end - row.sample_start < timedelta(hours=MIN_SAMPLE_HOURS):
            continue
        code = BY_ID[row.parameter_id].code
        judgement = judge_24h_mean(
            code, from_milli(row.value_milli), on=row.sample_start.astimezone(zone).date()
        )
        if not judgement.over_standard or judgement.standard is None:
            continue
        reports[report.id] = report
        over[(report.id, row.parameter_id)].append(
            _Over(row, station, judgement.reported, judgement.standard.limit, judgement.standard.id)
        )
    if not over:
        return []
    facilities = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                Organisation.id.in_({r.facility_id for r in reports.values()})
            )
        )
    }
    conditions = []
    for (report_id, parameter), rows in sorted(over.items()):
        report = reports[report_id]
        facility = facilities[report.facility_id]
        worst = max(rows, key=lambda o: (o.reported / o.limit, -o.row.row_number))
        info = BY_ID[parameter]
        conditions.append(
            Condition(
                subject=f"facility:{facility.id}:breach:{report.id}:{info.code}",
                area=worst.station.area,
                value=float(worst.reported),
                threshold=float(worst.limit),
                unit=info.unit,
                started_at=worst.row.sample_start,
                station_id=worst.station.id,
                facility_id=facility.id,
                parameter_id=parameter,
                details={
                    "facility": facility.name_en,
                    "facility_th": facility.name_th,
                    "report_id": report.id,
                    "period_start": report.period_start.isoformat(),
                    "period_end": report.period_end.isoformat(),
                    "parameter": info.code,
                    "station": worst.station.code,
                    "sample_start": worst.row.sample_start.astimezone(zone).isoformat(),
                    "rows_over": len(rows),
                    "standard": worst.standard_id,
                },
            )
        )
    return conditions
