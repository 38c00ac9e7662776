"""An alert opens once when a 24-hour average goes over the Thai standard; resolves when under."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE, StationScope
from core.alerts.service import evaluate_24h_exceedances, list_alerts
from core.models import Alert
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.factories import make_station

PREFIX = "dustwatch/v1"
T0 = datetime(2026, 11, 20, 0, tzinfo=UTC)

EVERYTHING = StationScope(all_private=True)


def publish_hours(
    session: Session, code: str, parameter: str, value: float, start: datetime, count: int
) -> None:
    readings = [
        {
            "parameter": parameter,
            "value": value,
            "time": (start + timedelta(hours=h, minutes=m)).isoformat(),
        }
        for h in range(count)
        for m in (0, 30)
    ]
    ingest_messages(
        session,
        messages=[
            IncomingMessage(
                f"{PREFIX}/readings/{code}",
                json.dumps(readings).encode(),
                start + timedelta(days=3),
            )
        ],
        topic_prefix=PREFIX,
        zone=default_zone(),
    )


def test_alert_opens_once_and_resolves_when_the_average_falls_back(session: Session) -> None:
    station = make_station(session)
    publish_hours(session, station.code, "pm10", 150, T0, 24)
    publish_hours(session, station.code, "pm10", 60, T0 + timedelta(hours=24), 24)

    first = evaluate_24h_exceedances(
        session, now=T0 + timedelta(hours=24, minutes=5), zone=default_zone()
    )
    again = evaluate_24h_exceedances(
        session, now=T0 + timedelta(hours=24, minutes=6), zone=default_zone()
    )
    assert len(first.opened) == 1
    assert again.opened == []
    assert again.updated == first.opened
    [alert] = list_alerts(session, status="open", scope=PUBLIC_SCOPE)
    assert (alert.station_code, alert.parameter, alert.limit, alert.opening_average) == (
        station.code,
        "pm10",
        120.0,
        150.0,
    )

    # 12 hours later the window holds 12 hours at 150 and 12 at 60: 105, under the 120 limit
    later = evaluate_24h_exceedances(session, now=T0 + timedelta(hours=36), zone=default_zone())
    assert later.resolved == first.opened
    assert list_alerts(session, status="open", scope=PUBLIC_SCOPE) == []
    [resolved] = list_alerts(session, status="resolved", scope=PUBLIC_SCOPE)
    assert resolved.latest_average == 105.0


def test_peak_is_kept_while_the_alert_stays_open(session: Session) -> None:
    station = make_station(session)
    publish_hours(session, station.code, "pm25", 40, T0, 24)
    publish_hours(session, station.code, "pm25", 80, T0 + timedelta(hours=24), 12)
    evaluate_24h_exceedances(session, now=T0 + timedelta(hours=24), zone=default_zone())
    evaluate_24h_exceedances(session, now=T0 + timedelta(hours=36), zone=default_zone())
    alert = session.scalars(select(Alert)).one()
    assert alert.resolved_at is None
    assert (alert.opening_average_milli, alert.peak_average_milli) == (40_000, 60_000)


def test_too_few_hours_neither_open_nor_resolve(session: Session) -> None:
    station = make_station(session)
    publish_hours(session, station.code, "pm10", 300, T0, 17)
    run = evaluate_24h_exceedances(session, now=T0 + timedelta(hours=24), zone=default_zone())
    assert run.opened == []


def test_private_station_alerts_are_for_staff_only(session: Session) -> None:
    station = make_station(session, public=False)
    publish_hours(session, station.code, "pm10", 200, T0, 24)
    evaluate_24h_exceedances(session, now=T0 + timedelta(hours=24), zone=default_zone())
    assert list_alerts(session, status="open", scope=PUBLIC_SCOPE) == []
    assert [a.station_code for a in list_alerts(session, status="open", scope=EVERYTHING)] == [
        station.code
    ]
