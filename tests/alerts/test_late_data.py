"""A device's backlog, sent with its own time stamps after an outage, is judged for the past:
an alert opens for yesterday's exceedance, marked arrived late, and resolves when it cleared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import core.alerts.late
from alerts.jobs import check_exceedances
from core.models import Alert, PendingEvaluation, Role
from core.readings.ingest import IncomingMessage, ingest_messages
from core.readings.late import record_late_hours
from core.settings import AuthSettings, Settings, default_zone
from core.standards.parameters import BY_CODE
from tests.api.conftest import Api, make_api
from tests.factories import make_station, make_user
from tests.web.test_pages import SIGNIN_COOKIE, form

PREFIX = "dustwatch/v1"
NOW = datetime(2026, 11, 20, 12, 10, tzinfo=UTC)
D0 = datetime(2026, 11, 18, 12, tzinfo=UTC)
"""Two days before the hour of NOW: the backlog starts here."""
HOUR = timedelta(hours=1)
PM10 = BY_CODE["pm10"].id


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine)


@pytest.fixture
def web(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine, Settings(auth=AuthSettings(secure_cookies=False)))


def send(
    session: Session, code: str, hours: list[tuple[int, float]], *, received_at: datetime
) -> None:
    """Readings at :00 and :30 of the hours D0 + h, as MQTT messages of 12 hours each,
    received (and committed) at `received_at`."""
    readings = [
        {
            "parameter": "pm10",
            "value": value,
            "time": (D0 + h * HOUR + timedelta(minutes=m)).isoformat(),
        }
        for h, value in hours
        for m in (0, 30)
    ]
    messages = [
        IncomingMessage(
            f"{PREFIX}/readings/{code}", json.dumps(readings[i : i + 24]).encode(), received_at
        )
        for i in range(0, len(readings), 24)
    ]
    outcome = ingest_messages(session, messages=messages, topic_prefix=PREFIX, zone=default_zone())
    assert outcome.rejected == 0, outcome.rejections
    session.commit()


def check(api: Api, now: datetime) -> Any:
    run = check_exceedances(api.factory, zone=default_zone(), now=now)
    assert run is not None
    return run


def alerts(api: Api) -> list[dict[str, Any]]:
    response = api.client.get("/alerts")
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def pending(api: Api) -> int:
    return api.session.scalar(select(func.count()).select_from(PendingEvaluation)) or 0


def test_yesterdays_exceedance_in_a_backlog_opens_an_alert_for_yesterday(api: Api) -> None:
    station = make_station(api.session)
    api.session.commit()
    # Silent for two days, then a day at 160 (limit 120) and a day at 50, sent at once.
    send(
        api.session,
        station.code,
        [(h, 160.0) for h in range(24)] + [(h, 50.0) for h in range(24, 48)],
        received_at=NOW,
    )

    first = check(api, NOW)

    [alert] = alerts(api)
    assert alert["station_code"] == station.code
    assert alert["arrived_late"] is True
    assert at(alert["detected_at"]) == NOW
    # The first window with 18 hours of data ends 18 hours in; the window ending 33 hours
    # in holds 15 hours at 160 and 9 at 50, 118.75: the first under the limit.
    assert at(alert["opened_at"]) == D0 + 18 * HOUR
    assert alert["status"] == "resolved"
    assert at(alert["resolved_at"]) == D0 + 33 * HOUR
    assert (alert["opening_average"], alert["peak_average"]) == (160.0, 160.0)
    assert alert["latest_average"] < 120
    assert len(first.opened) == 1
    assert first.reevaluated_hours == 48
    assert pending(api) == 0

    again = check(api, NOW + timedelta(minutes=1))
    assert (again.opened, again.updated, again.resolved, again.reevaluated_hours) == ([], [], [], 0)
    assert alerts(api) == [alert]


def test_a_backlog_under_the_limit_opens_nothing(api: Api) -> None:
    station = make_station(api.session)
    api.session.commit()
    send(api.session, station.code, [(h, 50.0) for h in range(48)], received_at=NOW)

    run = check(api, NOW)

    assert alerts(api) == []
    assert run.reevaluated_hours == 48
    assert pending(api) == 0


def test_a_backlog_still_over_leaves_one_open_alert_that_the_live_check_follows(
    web: Api,
) -> None:
    station = make_station(web.session)
    web.session.commit()
    send(web.session, station.code, [(h, 160.0) for h in range(48)], received_at=NOW)

    check(web, NOW)

    [alert] = alerts(web)
    assert alert["status"] == "open"
    assert alert["arrived_late"] is True
    assert at(alert["opened_at"]) == D0 + 18 * HOUR
    assert at(alert["updated_at"]) == NOW  # the live check of the current window took it over

    official = make_user(web.session, role=Role.OFFICIAL)
    web.session.commit()
    signed_in = web.client.post("/signin", data=form(official.email), headers=SIGNIN_COOKIE)
    assert signed_in.status_code == 200, signed_in.text
    home = web.client.get("/home")
    assert "ข้อมูลมาถึงล่าช้า" in home.text
    assert "Arrived late" in web.client.get("/home", params={"lang": "en"}).text


def test_a_backlog_in_two_parts_keeps_one_alert_and_resolves_it_in_the_past(api: Api) -> None:
    station = make_station(api.session)
    api.session.commit()
    send(
        api.session,
        station.code,
        [(h, 160.0) for h in range(24)] + [(h, 50.0) for h in range(24, 30)],
        received_at=NOW,
    )
    check(api, NOW)
    [open_alert] = alerts(api)
    assert open_alert["status"] == "open"  # as far as the first part tells, it goes on

    send(api.session, station.code, [(h, 50.0) for h in range(30, 48)], received_at=NOW)
    check(api, NOW + timedelta(minutes=10))

    [alert] = alerts(api)
    assert alert["id"] == open_alert["id"]
    assert (at(alert["opened_at"]), at(alert["resolved_at"])) == (
        D0 + 18 * HOUR,
        D0 + 33 * HOUR,
    )


def test_a_backlog_before_a_live_alert_moves_its_start_instead_of_opening_another(
    api: Api,
) -> None:
    station = make_station(api.session)
    api.session.commit()
    for h in range(24, 48):  # each hour sent while it lasts
        send(
            api.session,
            station.code,
            [(h, 160.0)],
            received_at=D0 + h * HOUR + timedelta(minutes=40),
        )
    check(api, NOW)
    [live] = alerts(api)
    assert (live["arrived_late"], at(live["opened_at"]), at(live["detected_at"])) == (
        False,
        NOW,
        NOW,
    )

    send(api.session, station.code, [(h, 160.0) for h in range(24)], received_at=NOW)
    check(api, NOW + timedelta(minutes=5))

    [alert] = alerts(api)
    assert alert["id"] == live["id"]
    assert alert["arrived_late"] is True
    assert at(alert["opened_at"]) == D0 + 18 * HOUR
    assert at(alert["detected_at"]) == NOW
    assert alert["status"] == "open"


def test_readings_sent_in_their_own_hour_leave_nothing_to_judge_again(api: Api) -> None:
    station = make_station(api.session)
    api.session.commit()
    for h in range(48):
        send(
            api.session,
            station.code,
            [(h, 160.0)],
            received_at=D0 + h * HOUR + timedelta(minutes=45),
        )
    assert pending(api) == 0
    run = check(api, NOW)
    [alert] = alerts(api)
    assert run.reevaluated_hours == 0
    assert (alert["arrived_late"], at(alert["opened_at"])) == (False, NOW)


def test_an_hour_touched_again_while_the_check_runs_is_judged_at_the_next_run(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    station = make_station(api.session)
    api.session.commit()
    send(api.session, station.code, [(h, 50.0) for h in range(48)], received_at=NOW)
    judge = core.alerts.late.series_24h_verdicts

    def touched_meanwhile(session: Session, **kwargs: Any) -> Any:
        # As if a writer stored another late reading of hour 5 while the check works.
        record_late_hours(session, [(station.id, PM10, D0 + 5 * HOUR, NOW)])
        return judge(session, **kwargs)

    monkeypatch.setattr(core.alerts.late, "series_24h_verdicts", touched_meanwhile)
    check(api, NOW)
    monkeypatch.setattr(core.alerts.late, "series_24h_verdicts", judge)

    left = api.session.scalars(select(PendingEvaluation)).all()
    assert [(p.station_id, p.hour, p.generation) for p in left] == [(station.id, D0 + 5 * HOUR, 2)]
    assert check(api, NOW).reevaluated_hours == 1
    assert pending(api) == 0
    assert api.session.scalars(select(Alert).where(Alert.station_id == station.id)).all() == []
