"""A 24-hour average flapping around the limit keeps one alert open, not a storm of
opened-resolved-opened alerts; it resolves after several evaluations in a row under it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.alerts.service import Hysteresis, evaluate_24h_exceedances
from core.models import Alert
from core.settings import default_zone
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.factories import make_station

HOUR = timedelta(hours=1)
FLAPS = 10


def publish_flapping_day(session: Session, code: str) -> None:
    """A day at 121 (limit 120), then hours at 73 and 169 in turn: the 24-hour average
    goes 121, 119, 121, 119, ...; then hours at 73 bring it down to 119, 117, 115."""
    publish_hours(session, code, "pm10", 121, T0, 24)
    for offset in range(FLAPS):
        value = 73 if offset % 2 == 0 else 169
        publish_hours(session, code, "pm10", value, T0 + (24 + offset) * HOUR, 1)
    publish_hours(session, code, "pm10", 73, T0 + (24 + FLAPS) * HOUR, 6)


def evaluate_hours(session: Session, hours: range, hysteresis: Hysteresis) -> None:
    for k in hours:
        moment = T0 + (24 + k) * HOUR + timedelta(minutes=5)
        evaluate_24h_exceedances(session, now=moment, zone=default_zone(), hysteresis=hysteresis)


def alerts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Alert)) or 0


def test_a_flapping_average_keeps_one_alert_open(session: Session) -> None:
    station = make_station(session)
    publish_flapping_day(session, station.code)
    evaluate_hours(session, range(FLAPS + 1), Hysteresis(clear_evaluations=3, clear_margin=0.1))
    [alert] = session.scalars(select(Alert)).all()
    assert alert.resolved_at is None
    assert alert.latest_average_milli == 121_000

    # 119, 117, 115: three evaluations in a row under the limit, none under 108
    evaluate_hours(session, range(FLAPS + 1, FLAPS + 3), Hysteresis())
    assert alert.resolved_at is None
    evaluate_hours(session, range(FLAPS + 3, FLAPS + 4), Hysteresis())
    assert alert.resolved_at == T0 + (24 + FLAPS + 3) * HOUR + timedelta(minutes=5)
    assert (alert.resolution, alert.resolved_average_milli) == ("automatic", 115_000)
    assert alerts(session) == 1


def test_without_hysteresis_the_same_series_is_a_storm(session: Session) -> None:
    station = make_station(session)
    publish_flapping_day(session, station.code)
    evaluate_hours(session, range(FLAPS + 1), Hysteresis(clear_evaluations=1, clear_margin=0))
    assert alerts(session) == 6


def test_an_average_well_under_the_limit_resolves_at_once(session: Session) -> None:
    station = make_station(session)
    publish_hours(session, station.code, "pm10", 130, T0, 24)
    publish_hours(session, station.code, "pm10", 10, T0 + 24 * HOUR, 12)
    evaluate_hours(session, range(1), Hysteresis())
    # 12 hours at 130 and 12 at 10: 70, under 120 × 0.9
    evaluate_hours(session, range(12, 13), Hysteresis())
    alert = session.scalars(select(Alert)).one()
    assert (alert.resolution, alert.resolved_average_milli) == ("automatic", 70_000)


def test_the_same_moment_judged_twice_counts_once(session: Session) -> None:
    station = make_station(session)
    publish_flapping_day(session, station.code)
    evaluate_hours(session, range(2), Hysteresis(clear_evaluations=2))
    evaluate_hours(session, range(1, 2), Hysteresis(clear_evaluations=2))
    alert = session.scalars(select(Alert)).one()
    assert (alert.clear_streak, alert.resolved_at) == (1, None)
