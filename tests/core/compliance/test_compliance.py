"""A facility's compliance, with days computed by hand: an exceedance day, a day short of 18
hours, the PM2.5 standard changing on 2023-06-01, the half-up reduction at 37.54 / 37.55,
the 30-day answer and who may see what."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, Principal
from core.compliance.schemas import ComplianceStatus, FacilityCompliancePublic
from core.compliance.service import compliance_period, facility_compliance
from core.indicators.daily import day_bounds
from core.kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from core.models import (
    HourlyAggregate,
    LatestReading,
    Organisation,
    Role,
    StakeholderGroup,
    Station,
    StationKind,
)
from core.readings.ingest import IncomingMessage, ingest_messages
from core.standards.parameters import BY_CODE
from tests.factories import make_organisation, make_station

ZONE = ZoneInfo("Asia/Bangkok")
NOW = datetime(2024, 3, 10, 5, 30, tzinfo=UTC)  # 12:30 in Bangkok on 10 March 2024
TODAY = date(2024, 3, 10)


def put_readings(
    session: Session, station_id: int, parameter: str, readings: Sequence[tuple[datetime, int]]
) -> None:
    """Readings (time, value in thousandths) through the ingest pipeline, which keeps the
    hourly and daily rollups."""
    code = session.get_one(Station, station_id).code
    body = [
        {"parameter": parameter, "value": float(Decimal(value) / 1000), "time": t.isoformat()}
        for t, value in readings
    ]
    message = IncomingMessage(
        topic=f"dustwatch/v1/readings/{code}",
        payload=json.dumps(body).encode(),
        received_at=max([NOW, *(t for t, _ in readings)]),
    )
    outcome = ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=ZONE)
    assert outcome.accepted == len(readings), outcome.rejections


def put_hours(
    session: Session, station_id: int, parameter: str, day: date, values_milli: Sequence[int]
) -> None:
    """One reading per value at the start of each hour of the local day."""
    first, _ = day_bounds(day, ZONE)
    put_readings(
        session,
        station_id,
        parameter,
        [(first + timedelta(hours=i), value) for i, value in enumerate(values_milli)],
    )


def facility(session: Session) -> tuple[Organisation, int]:
    organisation = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
    station = make_station(
        session,
        code=f"f-{organisation.id}",
        organisation_id=organisation.id,
        kind=StationKind.FACTORY,
        public=False,
    )
    return organisation, station.id


def operator_of(organisation: Organisation) -> Principal:
    return Principal(user_id=1, organisation_id=organisation.id, role=Role.OPERATOR)


def report(
    session: Session,
    organisation: Organisation,
    start: date | None = None,
    end: date | None = None,
    principal: Principal | None = None,
) -> FacilityCompliancePublic:
    return facility_compliance(
        session,
        principal=principal or operator_of(organisation),
        facility_id=organisation.id,
        start=start,
        end=end,
        now=NOW,
        zone=ZONE,
    )


def test_an_exceedance_day_a_short_day_and_a_day_in_limits(session: Session) -> None:
    organisation, station = facility(session)
    put_hours(session, station, "pm10", date(2024, 3, 1), [130_000] * 24)  # mean 130 > 120
    put_hours(session, station, "pm10", date(2024, 3, 2), [200_000] * 17)  # 17 hours: no mean
    # 12 hours of 100 and 12 of 141: mean 120.5, reduced half-up to 121 > 120
    put_hours(session, station, "pm10", date(2024, 3, 3), [100_000] * 12 + [141_000] * 12)
    put_hours(session, station, "pm10", date(2024, 3, 4), [100_000] * 12 + [140_800] * 12)
    answer = report(session, organisation, date(2024, 3, 1), date(2024, 3, 5))
    [pm10] = answer.stations[0].parameters
    days = {d.day: d for d in pm10.days}
    assert len(days) == 5
    first = days[date(2024, 3, 1)]
    assert (first.mean, first.limit, first.exceeded, first.valid) == (130, 120, True, True)
    assert first.standard_id == "th-pm10-24h"
    short = days[date(2024, 3, 2)]
    assert (short.mean, short.hours_with_data, short.valid, short.exceeded) == (
        None,
        17,
        False,
        None,
    )
    assert (days[date(2024, 3, 3)].mean, days[date(2024, 3, 3)].exceeded) == (121, True)
    assert (days[date(2024, 3, 4)].mean, days[date(2024, 3, 4)].exceeded) == (120, False)
    empty = days[date(2024, 3, 5)]
    assert (empty.hours_with_data, empty.hours_expected, empty.valid) == (0, 24, False)
    assert [d.day for d in pm10.exceedances] == [date(2024, 3, 1), date(2024, 3, 3)]
    assert pm10.period.valid_days == 3
    assert pm10.period.exceedance_days == 2
    assert pm10.period.hours_with_data == 24 + 17 + 24 + 24
    assert pm10.period.hours_expected == 5 * 24
    assert pm10.period.status == ComplianceStatus.NOT_COMPLIANT
    assert answer.period.status == ComplianceStatus.NOT_COMPLIANT


def test_an_hour_counts_once_whatever_its_number_of_readings(session: Session) -> None:
    organisation, station = facility(session)
    day = date(2024, 3, 1)
    first, _ = day_bounds(day, ZONE)
    # Hour 0: three readings, mean 300; the other 23 hours one reading of 100 each.
    three = [
        (first + timedelta(minutes=m), v) for m, v in ((0, 200_000), (20, 300_000), (40, 400_000))
    ]
    put_readings(session, station, "pm10", three)
    put_readings(
        session, station, "pm10", [(first + timedelta(hours=i), 100_000) for i in range(1, 24)]
    )
    [parameter] = report(session, organisation, day, day).stations[0].parameters
    # (300 + 23 * 100) / 24 = 108.33..., reduced to 108: the mean of readings would be 123.1
    assert parameter.days[0].mean == 108
    assert parameter.days[0].exceeded is False


def test_the_pm25_limit_changes_on_1_june_2023(session: Session) -> None:
    organisation, station = facility(session)
    for day in (date(2023, 5, 31), date(2023, 6, 1)):
        put_hours(session, station, "pm25", day, [45_000] * 24)
    [pm25] = (
        report(session, organisation, date(2023, 5, 31), date(2023, 6, 1)).stations[0].parameters
    )
    before, after = pm25.days
    assert (before.limit, before.standard_id, before.exceeded) == (50, "th-pm25-24h-2010", False)
    assert (after.limit, after.standard_id, after.exceeded) == (37.5, "th-pm25-24h-2023", True)


@pytest.mark.parametrize(
    ("day", "mean_milli", "reported", "exceeded"),
    [
        (date(2024, 1, 10), 37_540, 37.5, False),
        (date(2024, 1, 10), 37_550, 37.6, True),
        # before 2023-06-01 the Thai scale kept whole ug/m3: 50.4 is 50, 50.5 is 51
        (date(2023, 5, 1), 50_499, 50, False),
        (date(2023, 5, 1), 50_500, 51, True),
    ],
)
def test_the_mean_is_reduced_half_up_before_comparing(
    session: Session, day: date, mean_milli: int, reported: float, exceeded: bool
) -> None:
    organisation, station = facility(session)
    put_hours(session, station, "pm25", day, [mean_milli] * 24)
    [pm25] = report(session, organisation, day, day).stations[0].parameters
    assert (pm25.days[0].mean, pm25.days[0].exceeded) == (reported, exceeded)


def fill_recent(session: Session, station: int, valid_days: int, value_milli: int) -> None:
    """`valid_days` full days of one value, ending yesterday."""
    for back in range(1, valid_days + 1):
        put_hours(session, station, "pm10", TODAY - timedelta(days=back), [value_milli] * 24)


@pytest.mark.parametrize(
    ("valid_days", "value_milli", "status"),
    [
        (30, 80_000, ComplianceStatus.COMPLIANT),
        (23, 80_000, ComplianceStatus.COMPLIANT),
        (22, 80_000, ComplianceStatus.INSUFFICIENT_DATA),
        (5, 150_000, ComplianceStatus.NOT_COMPLIANT),
    ],
)
def test_the_last_30_days_need_23_valid_days_and_no_exceedance(
    session: Session, valid_days: int, value_milli: int, status: ComplianceStatus
) -> None:
    organisation, station = facility(session)
    fill_recent(session, station, valid_days, value_milli)
    answer = report(session, organisation)
    [pm10] = answer.stations[0].parameters
    assert (answer.last_30_days.start, answer.last_30_days.end) == (
        date(2024, 2, 9),
        date(2024, 3, 9),
    )
    assert pm10.last_30_days.days == 30
    assert pm10.last_30_days.valid_days == valid_days
    assert pm10.last_30_days.status == status
    assert answer.last_30_days.status == status
    # the default period is the same 30 days
    assert pm10.period == pm10.last_30_days


def test_today_is_the_rolling_24_hours_before_the_current_hour(session: Session) -> None:
    organisation, station = facility(session)
    end = NOW.replace(minute=0)
    pm10 = BY_CODE["pm10"].id
    for h in range(1, 25):  # 18 hours over the limit and 6 hours of nothing
        if h <= 18:
            session.add(
                HourlyAggregate(
                    station_id=station,
                    parameter_id=pm10,
                    hour=end - timedelta(hours=h),
                    value_sum_milli=130_000,
                    reading_count=1,
                )
            )
    session.flush()
    answer = report(session, organisation)
    [parameter] = answer.stations[0].parameters
    assert parameter.today.status == ComplianceStatus.NOT_COMPLIANT
    assert (parameter.today.mean, parameter.today.hours_with_data) == (130, 18)
    assert parameter.today.window_end == end
    assert answer.today.status == ComplianceStatus.NOT_COMPLIANT
    # an hour fewer and there is no answer but "insufficient data"
    session.query(HourlyAggregate).filter(
        HourlyAggregate.hour == end - timedelta(hours=18)
    ).delete()
    assert report(session, organisation).today.status == ComplianceStatus.INSUFFICIENT_DATA


def test_a_compliant_monitor_does_not_hide_one_without_data(session: Session) -> None:
    organisation, station = facility(session)
    other = make_station(session, code="f-second", organisation_id=organisation.id)
    fill_recent(session, station, 30, 80_000)
    session.add(
        LatestReading(
            station_id=other.id,
            parameter_id=BY_CODE["pm25"].id,
            time=NOW - timedelta(days=40),
            value_milli=20_000,
        )
    )
    session.flush()
    answer = report(session, organisation)
    by_code = {s.code: s for s in answer.stations}
    assert by_code[f"f-{organisation.id}"].parameters[0].last_30_days.status == "compliant"
    assert by_code["f-second"].parameters[0].last_30_days.status == "insufficient_data"
    assert by_code["f-second"].latest[0].value == 20
    assert answer.last_30_days.status == ComplianceStatus.INSUFFICIENT_DATA


def test_a_facility_without_measurements_has_insufficient_data(session: Session) -> None:
    organisation, _ = facility(session)
    answer = report(session, organisation)
    assert answer.stations[0].parameters == []
    assert answer.today.status == ComplianceStatus.INSUFFICIENT_DATA
    assert answer.last_30_days.status == ComplianceStatus.INSUFFICIENT_DATA


def test_who_may_see_a_facility(session: Session) -> None:
    mine, station = facility(session)
    theirs, _ = facility(session)
    community = make_organisation(session, stakeholder_group=StakeholderGroup.AFFECTED_COMMUNITY)
    fill_recent(session, station, 1, 80_000)
    assert [s.public for s in report(session, mine).stations] == [False]  # private, shown
    with pytest.raises(NotFound):
        report(session, mine, principal=operator_of(theirs))
    for role in (Role.OFFICIAL, Role.BACKBONE, Role.ADMIN):
        seen = report(session, mine, principal=Principal(user_id=2, role=role))
        assert seen.facility.id == mine.id
    with pytest.raises(Forbidden):
        report(session, mine, principal=Principal(user_id=3, role=Role.VOLUNTEER))
    with pytest.raises(Forbidden):
        report(session, mine, principal=Principal(api_key_id=1, organisation_id=mine.id))
    with pytest.raises(Unauthenticated):
        report(session, mine, principal=ANONYMOUS)
    with pytest.raises(NotFound):
        facility_compliance(
            session,
            principal=Principal(user_id=2, role=Role.OFFICIAL),
            facility_id=community.id,
            start=None,
            end=None,
            now=NOW,
            zone=ZONE,
        )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (date(2024, 2, 9), date(2024, 3, 9))),
        (None, date(2024, 1, 31), (date(2024, 1, 2), date(2024, 1, 31))),
        (date(2024, 3, 1), None, (date(2024, 3, 1), date(2024, 3, 9))),
        (TODAY, None, (TODAY, TODAY)),
        (date(2023, 3, 11), TODAY, (date(2023, 3, 11), TODAY)),
    ],
)
def test_the_period_asked_for(
    start: date | None, end: date | None, expected: tuple[date, date]
) -> None:
    assert compliance_period(start, end, today=TODAY) == expected


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (None, date(2024, 3, 11), "after today"),
        (date(2024, 3, 5), date(2024, 3, 4), "is after end"),
        (date(2023, 3, 10), TODAY, "at most 366 days"),
        (date(1999, 12, 31), date(2000, 1, 2), "2000-01-01 or later"),
        (date.min, date.min, "2000-01-01 or later"),
        (date.max, None, "after today"),
    ],
)
def test_a_bad_period_says_why(start: date | None, end: date | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        compliance_period(start, end, today=TODAY)
