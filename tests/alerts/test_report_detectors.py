"""Factory reports as alert conditions: a report missing past its due day (and the grace a
rule gives), and a received report with a day-long sample over the Thai 24-hour standard;
the subjects stay the same from one run to the next."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.alerts.detectors.reports import detect_late_reports, detect_report_breaches
from core.models import (
    FactoryReport,
    FactoryReportRow,
    FactoryReportSchedule,
    Organisation,
    ReportFrequency,
    Role,
    StakeholderGroup,
    Station,
    StationKind,
)
from core.settings import default_zone
from core.standards.parameters import BY_CODE, to_milli
from tests.factories import make_organisation, make_station, make_user

ZONE = default_zone()
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZONE)
"""Monthly periods due 15 days after they end: October's report was due on 15 November."""
ROW_NUMBERS = itertools.count(2)


@dataclass
class Facility:
    organisation: Organisation
    gate: Station
    """In Tha Maprang, with the stack: where most of its stations are."""
    fence: Station
    """In Na Phra Lan, the area the organisation names for itself."""
    stack: Station
    user_id: int


def make_facility(session: Session, *, schedule: bool = True) -> Facility:
    organisation = make_organisation(
        session, stakeholder_group=StakeholderGroup.OPERATOR, areas=["Na Phra Lan"]
    )
    factory = {"organisation_id": organisation.id, "kind": StationKind.FACTORY, "public": False}
    gate = make_station(session, area="Tha Maprang", **factory)
    fence = make_station(session, area="Na Phra Lan", **factory)
    stack = make_station(session, area="Tha Maprang", **factory)
    user = make_user(session, role=Role.OPERATOR, organisation=organisation)
    if schedule:
        session.add(
            FactoryReportSchedule(
                facility_id=organisation.id,
                frequency=ReportFrequency.MONTHLY,
                due_days=15,
                first_period_start=date(2026, 8, 1),
                updated_at=NOW,
            )
        )
    session.flush()
    return Facility(organisation, gate, fence, stack, user.id)


def receive(
    session: Session, facility: Facility, start: date, end: date, received_at: datetime
) -> FactoryReport:
    report = FactoryReport(
        facility_id=facility.organisation.id,
        period_start=start,
        period_end=end,
        submitted_by=facility.user_id,
        received_at=received_at,
        file_name="x.csv",
        original_name="report.csv",
        content_type="text/csv",
        size_bytes=1,
        sha256="0" * 64,
        row_count=0,
    )
    session.add(report)
    session.flush()
    return report


def add_row(
    session: Session,
    report: FactoryReport,
    station: Station,
    parameter: str,
    value: str,
    *,
    start: datetime,
    hours: float = 24,
) -> None:
    session.add(
        FactoryReportRow(
            report_id=report.id,
            row_number=next(ROW_NUMBERS),
            station_id=station.id,
            parameter_id=BY_CODE[parameter].id,
            sample_start=start,
            sample_end=start + timedelta(hours=hours),
            value_milli=to_milli(Decimal(value)),
            method="Gravimetric high-volume sampler",
        )
    )
    session.flush()


def on_time_history(session: Session, facility: Facility) -> None:
    """August on time, September late but received: neither is a condition now."""
    receive(
        session, facility, date(2026, 8, 1), date(2026, 8, 31), datetime(2026, 9, 10, tzinfo=UTC)
    )
    receive(
        session, facility, date(2026, 9, 1), date(2026, 9, 30), datetime(2026, 10, 20, tzinfo=UTC)
    )


def test_a_missing_report_past_its_due_day_is_late(session: Session) -> None:
    facility = make_facility(session)
    on_time_history(session, facility)
    found = detect_late_reports(session, now=NOW, zone=ZONE)
    mine = [c for c in found if c.facility_id == facility.organisation.id]
    assert len(mine) == 1, (
        "only October: August came on time, September came (late), November is not due"
    )
    late = mine[0]
    assert late.subject == f"facility:{facility.organisation.id}:report:2026-10-01"
    assert late.area == "Tha Maprang", "the area most of its stations are in"
    assert late.value == 8, "due on 15 November, now the 23rd"
    assert late.threshold == 0
    assert late.started_at == datetime(2026, 11, 16, tzinfo=ZONE)
    assert late.details["facility"] == facility.organisation.name_en
    assert late.details["due"] == "2026-11-15"
    assert late.details["period_end"] == "2026-10-31"


def test_a_report_on_time_or_received_is_no_condition(session: Session) -> None:
    facility = make_facility(session)
    on_time_history(session, facility)
    receive(
        session, facility, date(2026, 10, 1), date(2026, 10, 31), datetime(2026, 11, 14, tzinfo=UTC)
    )
    found = detect_late_reports(session, now=NOW, zone=ZONE)
    assert [c for c in found if c.facility_id == facility.organisation.id] == []


def test_a_facility_without_a_schedule_is_never_late(session: Session) -> None:
    facility = make_facility(session, schedule=False)
    found = detect_late_reports(session, now=NOW, zone=ZONE)
    assert [c for c in found if c.facility_id == facility.organisation.id] == []


def test_the_grace_delays_lateness_past_the_end_of_the_due_day(session: Session) -> None:
    facility = make_facility(session)
    on_time_history(session, facility)
    just_after = datetime(2026, 11, 16, 0, 30, tzinfo=ZONE)

    def subjects(now: datetime, grace: int) -> list[str]:
        found = detect_late_reports(session, now=now, zone=ZONE, grace_minutes=grace)
        return [c.subject for c in found if c.facility_id == facility.organisation.id]

    october = f"facility:{facility.organisation.id}:report:2026-10-01"
    assert subjects(datetime(2026, 11, 15, 23, 59, tzinfo=ZONE), 0) == [], "still the due day"
    assert subjects(just_after, 0) == [october]
    assert subjects(just_after, 60) == [], "within an hour's grace"
    assert subjects(datetime(2026, 11, 16, 1, 1, tzinfo=ZONE), 60) == [october]


def test_late_reports_of_other_areas_are_left_out(session: Session) -> None:
    facility = make_facility(session)
    on_time_history(session, facility)

    def areas_found(areas: list[str]) -> list[str | None]:
        found = detect_late_reports(session, now=NOW, zone=ZONE, areas=areas)
        return [c.area for c in found if c.facility_id == facility.organisation.id]

    assert areas_found(["Na Phra Lan"]) == ["Na Phra Lan"], "a station and its own areas count"
    assert areas_found(["Tha Maprang", "Na Phra Lan"]) == ["Tha Maprang"]
    assert areas_found(["Elsewhere"]) == []


def test_late_report_subjects_are_stable_across_runs(session: Session) -> None:
    facility = make_facility(session)
    first = detect_late_reports(session, now=NOW, zone=ZONE)
    later = detect_late_reports(session, now=NOW + timedelta(days=3), zone=ZONE)
    mine = facility.organisation.id
    assert [c.subject for c in first if c.facility_id == mine] == [
        f"facility:{mine}:report:2026-10-01",
        f"facility:{mine}:report:2026-09-01",
        f"facility:{mine}:report:2026-08-01",
    ]
    assert [c.subject for c in later if c.facility_id == mine] == [
        c.subject for c in first if c.facility_id == mine
    ]
    assert [c.value for c in later if c.facility_id == mine][0] == 11


def october_report(session: Session, facility: Facility) -> FactoryReport:
    """PM10 over its 120 µg/m³ limit at the gate (150) and the fence (130); the rest under
    it, too short to judge, or without a limit dustwatch can apply."""
    report = receive(
        session, facility, date(2026, 10, 1), date(2026, 10, 31), datetime(2026, 11, 14, tzinfo=UTC)
    )
    day = datetime(2026, 10, 5, 8, 0, tzinfo=ZONE)
    add_row(session, report, facility.gate, "pm10", "150", start=day)
    add_row(session, report, facility.fence, "pm10", "130", start=day)
    add_row(session, report, facility.gate, "pm10", "90", start=day + timedelta(days=1))
    add_row(session, report, facility.gate, "pm10", "500", start=day, hours=1)
    add_row(session, report, facility.gate, "tsp", "200", start=day)
    add_row(session, report, facility.gate, "pm25", "37.54", start=day)
    add_row(session, report, facility.stack, "stack_pm", "999", start=day, hours=2)
    return report


def test_a_report_over_its_limit_is_a_breach_with_the_worst_value(session: Session) -> None:
    facility = make_facility(session)
    report = october_report(session, facility)
    found = detect_report_breaches(session, now=NOW, zone=ZONE)
    mine = [c for c in found if c.facility_id == facility.organisation.id]
    assert len(mine) == 1, "PM10 only: TSP is under 330, PM2.5 37.54 reduces to 37.5 (not over)"
    breach = mine[0]
    assert breach.subject == f"facility:{facility.organisation.id}:breach:{report.id}:pm10"
    assert breach.value == 150
    assert breach.threshold == 120
    assert breach.unit == "ug/m3"
    assert breach.station_id == facility.gate.id
    assert breach.parameter_id == BY_CODE["pm10"].id
    assert breach.area == "Tha Maprang"
    assert breach.details["rows_over"] == 2
    assert breach.details["station"] == facility.gate.code
    assert breach.details["standard"] == "th-pm10-24h"
    assert breach.started_at == datetime(2026, 10, 5, 8, 0, tzinfo=ZONE)


def test_a_report_under_its_limit_is_no_breach(session: Session) -> None:
    facility = make_facility(session)
    report = receive(
        session, facility, date(2026, 10, 1), date(2026, 10, 31), datetime(2026, 11, 14, tzinfo=UTC)
    )
    day = datetime(2026, 10, 5, 8, 0, tzinfo=ZONE)
    add_row(session, report, facility.gate, "pm10", "120", start=day)  # at the limit: not over
    add_row(session, report, facility.gate, "pm10", "800", start=day, hours=3)  # not a day long
    add_row(session, report, facility.gate, "pm25", "37.5", start=day)
    found = detect_report_breaches(session, now=NOW, zone=ZONE)
    assert [c for c in found if c.facility_id == facility.organisation.id] == []


def test_breaches_by_parameter_area_and_age(session: Session) -> None:
    facility = make_facility(session)
    october_report(session, facility)
    mine = facility.organisation.id

    def found(**rule: object) -> list[tuple[float | None, str | None]]:
        conditions = detect_report_breaches(session, now=NOW, zone=ZONE, **rule)  # type: ignore[arg-type]
        return [(c.value, c.area) for c in conditions if c.facility_id == mine]

    assert found(parameter_id=BY_CODE["tsp"].id) == []
    assert found(parameter_id=BY_CODE["pm10"].id) == [(150, "Tha Maprang")]
    assert found(areas=["Na Phra Lan"]) == [(130, "Na Phra Lan")], "the fence's own row"
    assert found(lookback_days=5) == [], "received on 14 November, 9 days ago"


def test_breach_subjects_are_stable_across_runs(session: Session) -> None:
    facility = make_facility(session)
    report = october_report(session, facility)
    first = [c.subject for c in detect_report_breaches(session, now=NOW, zone=ZONE)]
    add_row(
        session, report, facility.fence, "pm10", "160", start=datetime(2026, 10, 9, tzinfo=ZONE)
    )
    again = detect_report_breaches(session, now=NOW + timedelta(hours=1), zone=ZONE)
    assert [c.subject for c in again] == first
    mine = [c for c in again if c.facility_id == facility.organisation.id][0]
    assert (mine.value, mine.station_id) == (160, facility.fence.id), "the worst row now"


@pytest.mark.parametrize("value", ["120.4", "120"])
def test_a_value_is_reduced_as_compliance_reduces_it(session: Session, value: str) -> None:
    """PM10 is compared at 1 µg/m³, rounding half up: 120.4 is 120, at the limit."""
    facility = make_facility(session)
    report = receive(
        session, facility, date(2026, 10, 1), date(2026, 10, 31), datetime(2026, 11, 14, tzinfo=UTC)
    )
    add_row(session, report, facility.gate, "pm10", value, start=datetime(2026, 10, 5, tzinfo=ZONE))
    found = detect_report_breaches(session, now=NOW, zone=ZONE)
    assert [c for c in found if c.facility_id == facility.organisation.id] == []
