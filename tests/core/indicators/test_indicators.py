"""Indicators from rollups: standard versions by day, the Thai reduction before comparing,
areas by their worst station, unit conversion, baselines, scope and refused input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE, StationScope
from core.indicators.service import compute_indicators
from core.kit.errors import InvalidInput, NotFound
from core.models import StationKind
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station

ZONE = default_zone()
EVERYTHING = StationScope(all_private=True)
RECEIVED = datetime(2026, 11, 25, tzinfo=UTC)


def publish(session: Session, code: str, parameter: str, day: date, values: list[Decimal]) -> None:
    """One reading per local hour of `day`, hour i carrying values[i]."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    items = [
        {
            "parameter": parameter,
            "value": float(v),
            "time": (midnight + timedelta(hours=i)).isoformat(),
        }
        for i, v in enumerate(values)
    ]
    message = IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(items).encode(), RECEIVED)
    outcome = ingest_messages(session, messages=[message], topic_prefix="dustwatch/v1", zone=ZONE)
    assert outcome.rejected == 0, outcome.rejections


def flat(value: str, hours: int = 24) -> list[Decimal]:
    return [Decimal(value)] * hours


def test_each_day_is_judged_by_the_version_in_force_that_day(session: Session) -> None:
    station = make_station(session)
    for day in (date(2023, 5, 30), date(2023, 5, 31), date(2023, 6, 1), date(2023, 6, 2)):
        publish(session, station.code, "pm25", day, flat("45"))
    result = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        station_code=station.code,
        parameter="pm25",
        start=date(2023, 5, 30),
        end=date(2023, 6, 2),
        zone=ZONE,
    )
    rows = {
        (r.standard_id, r.limit, r.days_judged, r.exceedance_days)
        for r in result.exceedances.by_version
    }
    assert rows == {("th-pm25-24h-2010", 50.0, 2, 0), ("th-pm25-24h-2023", 37.5, 2, 2)}
    assert result.exceedances.days == 2
    assert result.valid_days.valid_days == 4
    assert result.period_mean.value == 45.0
    assert {b.scale_id for b in result.aqi_bands.bands} == {"th-pcd-2018", "th-pcd-2023"}


def test_the_mean_is_reduced_half_up_to_the_thai_scale_before_comparing(session: Session) -> None:
    station = make_station(session)
    # 37.549 and 37.55 (exact means of hourly means): 37.5 is not over 37.5, 37.6 is.
    publish(session, station.code, "pm25", date(2026, 1, 1), flat("37.549"))
    publish(session, station.code, "pm25", date(2026, 1, 2), flat("37.55"))
    publish(session, station.code, "pm25", date(2026, 1, 3), flat("99", hours=17))
    result = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        station_code=station.code,
        parameter="pm25",
        start=date(2026, 1, 1),
        end=date(2026, 1, 3),
        zone=ZONE,
    )
    assert [(d.day.day, d.reported, d.over_standard) for d in result.days] == [
        (1, 37.5, False),
        (2, 37.6, True),
    ]
    assert result.exceedances.days == 1
    assert result.valid_days.valid_days == 2  # 17 hours is not a valid day
    assert result.completeness.hours_with_data == 24 + 24 + 17
    assert result.completeness.hours_expected == 72
    assert result.worst_day.value == 37.55


def test_an_area_day_is_its_worst_valid_station(session: Session) -> None:
    a = make_station(session, area="Village A")
    b = make_station(session, area="Village A")
    make_station(session, area="Village B")
    publish(session, a.code, "pm10", date(2026, 2, 1), flat("130"))
    publish(session, b.code, "pm10", date(2026, 2, 1), flat("60"))
    publish(session, a.code, "pm10", date(2026, 2, 2), flat("50"))
    publish(session, b.code, "pm10", date(2026, 2, 2), flat("70"))
    result = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        area="Village A",
        parameter="pm10",
        start=date(2026, 2, 1),
        end=date(2026, 2, 2),
        zone=ZONE,
        baseline_start=date(2026, 2, 2),
        baseline_end=date(2026, 2, 2),
    )
    assert [(d.day.day, d.value, d.station_code) for d in result.days] == [
        (1, 130.0, a.code),
        (2, 70.0, b.code),
    ]
    assert result.exceedances.days == 1
    assert result.period_mean.value == 100.0
    assert (result.worst_day.value, result.worst_day.station_code) == (130.0, a.code)
    assert {s.station_code: s.exceedance_days for s in result.stations} == {a.code: 1, b.code: 0}
    assert result.change is not None
    assert (result.change.exceedance_days_change, result.change.baseline_mean) == (1, 70.0)
    assert result.change.mean_change_percent == pytest.approx(42.857)


def test_ppm_standards_are_compared_in_stored_ppb(session: Session) -> None:
    station = make_station(session)
    # 8 hours at 75 ppb then 16 at 20: the best 8-hour mean is 75 ppb, over 0.07 ppm.
    publish(session, station.code, "o3", date(2026, 3, 1), flat("75", 8) + flat("20", 16))
    publish(session, station.code, "o3", date(2026, 3, 2), flat("20"))
    result = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        station_code=station.code,
        parameter="o3",
        standard="th-o3-8h",
        start=date(2026, 3, 1),
        end=date(2026, 3, 1),
        zone=ZONE,
    )
    assert result.standards[0].limit_in_parameter_unit == 70.0
    assert [(d.value, d.over_standard) for d in result.days] == [(75.0, True)]
    one_hour = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        station_code=station.code,
        parameter="o3",
        standard="th-o3-1h",
        start=date(2026, 3, 1),
        end=date(2026, 3, 2),
        zone=ZONE,
    )
    assert one_hour.exceedances.days == 0  # 75 ppb is under 0.1 ppm
    assert [d.value for d in one_hour.days] == [75.0, 20.0]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"standard": "who-2021-co-24h", "parameter": "co"}, InvalidInput, "no exact conversion"),
        ({"standard": "who-2021-no2-24h", "parameter": "no2"}, InvalidInput, "no exact conversion"),
        ({"standard": "th-nothing"}, InvalidInput, "unknown standard"),
        ({"standard": "th-pm25-24h"}, InvalidInput, "is for pm25"),
        ({"parameter": "dust"}, InvalidInput, "unknown parameter"),
        ({"start": date(2026, 2, 1)}, InvalidInput, "after its end"),
        ({"start": date(2010, 1, 1)}, InvalidInput, "ten years"),
        ({"area": "Village A"}, InvalidInput, "not both"),
        ({"station_code": "nowhere"}, NotFound, "no station"),
        ({"station_code": None, "area": "Nowhere"}, NotFound, "no area"),
        ({"baseline_start": date(2025, 1, 1)}, InvalidInput, "both baseline"),
    ],
)
def test_refused_input_says_why(
    session: Session, changes: dict[str, object], error: type[Exception], message: str
) -> None:
    station = make_station(session)
    arguments: dict[str, object] = {
        "scope": PUBLIC_SCOPE,
        "station_code": station.code,
        "parameter": "pm10",
        "start": date(2026, 1, 1),
        "end": date(2026, 1, 31),
        "zone": ZONE,
    } | changes
    with pytest.raises(error, match=message):
        compute_indicators(session, **arguments)  # type: ignore[arg-type]


def test_private_stations_only_for_those_who_may_see_them(session: Session) -> None:
    private = make_station(session, kind=StationKind.FACTORY, public=False, area="Mill")
    publish(session, private.code, "pm10", date(2026, 2, 1), flat("200"))
    arguments = {
        "parameter": "pm10",
        "start": date(2026, 2, 1),
        "end": date(2026, 2, 1),
        "zone": ZONE,
        "station_code": private.code,
    }
    with pytest.raises(NotFound):
        compute_indicators(session, scope=PUBLIC_SCOPE, **arguments)  # type: ignore[arg-type]
    own = StationScope(organisation_id=private.organisation_id)
    assert compute_indicators(session, scope=own, **arguments).exceedances.days == 1  # type: ignore[arg-type]
    whole = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        parameter="pm10",
        start=date(2026, 2, 1),
        end=date(2026, 2, 1),
        zone=ZONE,
    )
    assert private.code not in whole.scope.stations
