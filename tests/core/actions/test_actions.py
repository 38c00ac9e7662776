"""Actions: the measured change before and after the start from known readings (mean, days
over the standard, completeness, hour of the day, wind sectors), overdue, access and audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.actions.change import action_stations, measured_change
from core.actions.schemas import ActionCreate
from core.actions.service import create_action, list_actions, set_status
from core.kit.errors import Forbidden, InvalidInput, Unauthenticated
from core.models import (
    Action,
    ActionKind,
    ActionStatus,
    AuditEvent,
    Role,
    Target,
    TargetDirection,
    TargetIndicator,
    TargetStatus,
)
from tests.core.indicators.test_indicators import ZONE, flat, publish
from tests.core.indicators.test_wind import publish_wind
from tests.factories import make_organisation, make_station

START = date(2026, 2, 10)
NOW = datetime(2026, 2, 20, 9, tzinfo=ZONE)
"""Yesterday is Feb 19: after = Feb 10..19, before = Jan 31..Feb 9 (ten days each)."""


def make_target(session: Session, **changes: object) -> Target:
    values: dict[str, object] = {
        "title_th": "ลดฝุ่น PM10",
        "title_en": "Less PM10",
        "indicator": TargetIndicator.PERIOD_MEAN,
        "parameter": "pm10",
        "area": "Na Phra Lan",
        "baseline_start": date(2025, 1, 1),
        "baseline_end": date(2025, 1, 31),
        "baseline_value": 100.0,
        "target_value": 60.0,
        "deadline": date(2027, 1, 1),
        "direction": TargetDirection.LOWER,
        "status": TargetStatus.AGREED,
        "proposed_by": "backbone",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    target = Target(**(values | changes))
    session.add(target)
    session.flush()
    return target


def watering(session: Session, code: str, **changes: object) -> Action:
    values: dict[str, object] = {
        "title_th": "รดน้ำถนนขนส่ง",
        "title_en": "Haul road watering",
        "kind": ActionKind.ROAD_WATERING,
        "organisation_id": make_organisation(session).id,
        "responsible": "Site manager",
        "start_date": START,
        "due_date": date(2026, 6, 1),
        "status": ActionStatus.IN_PROGRESS,
        "parameter": "pm10",
        "station_codes": [code],
        "created_by": "test",
        "created_at": NOW,
        "updated_at": NOW,
    }
    action = Action(**(values | changes))
    session.add(action)
    session.flush()
    return action


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def after_day() -> list[Decimal]:
    """A mean of exactly 60 with a morning peak at 08:00 and a low at 20:00."""
    values = flat("60")
    values[8], values[20] = Decimal(84), Decimal(36)
    return values


def test_before_100_after_60_is_minus_40_percent(session: Session) -> None:
    station = make_station(session)
    for day in days(date(2026, 1, 31), 10):
        publish(session, station.code, "pm10", day, flat("100"))
    for day in days(START, 10):
        publish(session, station.code, "pm10", day, after_day())
    change = measured_change(session, watering(session, station.code), now=NOW, zone=ZONE)

    assert change.available
    assert not change.weak
    assert change.before is not None
    assert change.after is not None
    assert (change.before.start, change.before.end) == (date(2026, 1, 31), date(2026, 2, 9))
    assert (change.after.start, change.after.end) == (START, date(2026, 2, 19))
    assert (change.before.mean, change.after.mean) == (100.0, 60.0)
    assert (change.before.valid_days, change.after.valid_days, change.after.days) == (10, 10, 10)
    (versus_before,) = change.changes  # no data a year earlier: no same-season comparison
    assert (versus_before.mean_change, versus_before.mean_change_percent) == (-40.0, -40.0)
    assert change.last_year is None
    profile = {h.hour: h for h in change.by_hour}
    assert (profile[8].before, profile[8].after, profile[8].after_hours) == (100.0, 84.0, 10)
    assert (profile[20].after, profile[3].after) == (36.0, 60.0)
    assert change.by_wind == []
    assert change.wind_stations == []
    assert "not proof" in change.statement_en
    assert "ไม่ใช่หลักฐาน" in change.statement_th


def test_days_over_the_standard_completeness_and_wind_sectors(session: Session) -> None:
    station = make_station(session)
    for day in days(date(2026, 1, 31), 10):
        publish(session, station.code, "pm10", day, flat("150" if day.day % 2 else "100"))
    for day in days(START, 4):  # six of the ten days after have no data
        publish(session, station.code, "pm10", day, after_day())
    for day in days(date(2025, 2, 10), 10):  # the same season a year earlier
        publish(session, station.code, "pm10", day, flat("90"))
    # Wind: from the north (350 and 10 degrees) before; after, from the north in the
    # morning (00-11) and from the south in the afternoon and night (12-23).
    readings = []
    for day in days(date(2026, 1, 31), 14):
        for hour in range(24):
            moment = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
            south = day >= START and hour >= 12
            readings += [
                (moment, 180.0 if south else 350.0, 2.0),
                (moment + timedelta(minutes=30), 180.0 if south else 10.0, 2.0),
            ]
    publish_wind(session, station.code, readings)
    change = measured_change(session, watering(session, station.code), now=NOW, zone=ZONE)

    assert change.before is not None
    assert change.after is not None
    assert (change.before.exceedance_days, change.after.exceedance_days) == (6, 0)
    assert (change.after.valid_days, change.after.valid_day_share) == (4, 0.4)
    assert change.weak
    assert change.last_year is not None
    assert change.last_year.mean == 90.0
    by = {c.against: c for c in change.changes}
    assert (by["before"].mean_change, by["before"].exceedance_days_change) == (-70.0, -6)
    assert by["last_year"].mean_change == -30.0
    sectors = {s.sector: s for s in change.by_wind}
    assert set(sectors) == {"N", "S"}
    assert (sectors["N"].before, sectors["N"].before_hours) == (130.0, 240)
    assert (sectors["N"].after, sectors["N"].after_hours) == (62.0, 48)
    assert (sectors["S"].before, sectors["S"].after, sectors["S"].after_hours) == (None, 58.0, 48)
    assert change.wind_stations == [station.code]


def test_no_comparison_without_start_stations_or_data(session: Session) -> None:
    station = make_station(session)
    assert (
        measured_change(
            session, watering(session, station.code, start_date=None), now=NOW, zone=ZONE
        ).reason_code
        == "no_start"
    )
    assert (
        measured_change(session, watering(session, "nowhere"), now=NOW, zone=ZONE).reason_code
        == "no_stations"
    )
    assert (
        measured_change(
            session,
            watering(session, station.code, start_date=date(2026, 2, 20)),
            now=NOW,
            zone=ZONE,
        ).reason_code
        == "not_started"
    )
    empty = measured_change(session, watering(session, station.code), now=NOW, zone=ZONE)
    assert (empty.available, empty.reason_code) == (False, "no_data")


def registration(target: Target, **changes: object) -> ActionCreate:
    values: dict[str, object] = {
        "title_th": "ล้างล้อรถบรรทุก",
        "title_en": "Wheel washing",
        "kind": "wheel_washing",
        "responsible": "Khun Somchai",
        "start_date": date(2026, 1, 1),
        "due_date": date(2026, 2, 1),
        "target_ids": [target.id],
        "station_codes": ["npl-v01"],
    }
    return ActionCreate.model_validate(values | changes)


def test_members_register_their_own_actions_overdue_is_flagged_and_audited(
    session: Session,
) -> None:
    target = make_target(session)
    factory, other = make_organisation(session), make_organisation(session)
    operator = Principal(organisation_id=factory.id, role=Role.OPERATOR, label="op")
    action = create_action(session, data=registration(target), actor=operator, now=NOW)
    assert (action.organisation_id, action.parameter) == (factory.id, "pm10")

    stranger = Principal(organisation_id=other.id, role=Role.OFFICIAL, label="x")
    with pytest.raises(Forbidden):
        set_status(session, action_id=action.id, status=ActionStatus.DONE, actor=stranger, now=NOW)
    with pytest.raises(Forbidden):
        create_action(
            session,
            data=registration(target, organisation_id=factory.id),
            actor=stranger,
            now=NOW,
        )
    with pytest.raises(Unauthenticated):
        create_action(session, data=registration(target), actor=Principal(), now=NOW)
    with pytest.raises(InvalidInput):
        create_action(
            session, data=registration(target, parameter="temperature"), actor=operator, now=NOW
        )

    (shown,) = list_actions(session, now=NOW, zone=ZONE, target_id=target.id)
    assert shown.overdue
    assert shown.organisation_name_en == factory.name_en
    assert list_actions(session, now=NOW, zone=ZONE, target_id=target.id, overdue=False) == []
    backbone = Principal(organisation_id=other.id, role=Role.BACKBONE, label="bb")
    set_status(session, action_id=action.id, status=ActionStatus.DONE, actor=backbone, now=NOW)
    (shown,) = list_actions(session, now=NOW, zone=ZONE, target_id=target.id)
    assert not shown.overdue

    logged = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(action.id))
    ).all()
    assert set(logged) >= {"action.register", "action.status"}


def test_a_point_and_radius_name_the_public_stations_within_it(session: Session) -> None:
    near = make_station(session, latitude=14.6815, longitude=100.8712)
    make_station(session, latitude=14.75, longitude=100.95)  # about 11 km away
    make_station(session, latitude=14.6816, longitude=100.8713, public=False)
    action = watering(session, "", latitude=14.68, longitude=100.87, radius_km=2.0)
    action.station_codes = []
    assert [s.code for s in action_stations(session, action)] == [near.code]
