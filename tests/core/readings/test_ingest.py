"""Accepting readings: stored once, bad input kept with its reason, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.scope import PUBLIC_SCOPE, StationScope
from core.kit.errors import InvalidInput, NotFound
from core.models import HourlyAggregate, LatestReading, Reading, RejectedMessage
from core.readings.ingest import IncomingMessage, ingest_messages
from core.readings.queries import list_readings
from core.settings import default_zone
from tests.factories import make_station

PREFIX = "dustwatch/v1"
NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)

EVERYTHING = StationScope(all_private=True)


def message(code: str, payload: object | bytes, *, received_at: datetime = NOW) -> IncomingMessage:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return IncomingMessage(f"{PREFIX}/readings/{code}", body, received_at)


def reading(
    parameter: str = "pm10", value: float = 87.5, at: str = "2026-11-22T12:00:00+07:00"
) -> dict[str, object]:
    return {"parameter": parameter, "value": value, "time": at}


def ingest(session: Session, *messages: IncomingMessage):  # type: ignore[no-untyped-def]
    return ingest_messages(
        session, messages=list(messages), topic_prefix=PREFIX, zone=default_zone()
    )


def rejections(session: Session) -> list[str]:
    return list(session.scalars(select(RejectedMessage.reason).order_by(RejectedMessage.id)))


def test_reading_is_stored_with_its_value_in_utc(session: Session) -> None:
    station = make_station(session)
    outcome = ingest(session, message(station.code, reading(value=87.5)))
    assert (outcome.accepted, outcome.rejected) == (1, 0)
    stored = session.scalars(select(Reading)).one()
    assert stored.time == datetime(2026, 11, 22, 5, tzinfo=UTC)
    assert stored.value_milli == 87_500


def test_duplicate_reading_is_stored_once(session: Session) -> None:
    station = make_station(session)
    first = ingest(session, message(station.code, [reading(), reading()]))
    again = ingest(session, message(station.code, reading()))
    assert (first.accepted, first.duplicates) == (1, 1)
    assert (again.accepted, again.duplicates) == (1 - 1, 1)
    assert session.scalar(select(func.count()).select_from(Reading)) == 1
    hour = session.scalars(select(HourlyAggregate)).one()
    assert (hour.reading_count, hour.value_sum_milli) == (1, 87_500)


def test_hourly_aggregate_and_latest_follow_new_readings(session: Session) -> None:
    station = make_station(session)
    ingest(
        session,
        message(
            station.code,
            [
                reading(value=10, at="2026-11-22T05:10:00Z"),
                reading(value=20, at="2026-11-22T05:50:00Z"),
            ],
        ),
        message(station.code, reading(value=40, at="2026-11-22T04:59:59Z")),
    )
    sums = {
        (h.hour.hour, h.reading_count, h.value_sum_milli)
        for h in session.scalars(select(HourlyAggregate))
    }
    assert sums == {(5, 2, 30_000), (4, 1, 40_000)}
    latest = session.scalars(select(LatestReading)).one()
    assert (latest.time.minute, latest.value_milli) == (50, 20_000)
    ingest(session, message(station.code, reading(value=99, at="2026-11-22T03:00:00Z")))
    assert (
        session.scalars(select(LatestReading)).one().value_milli == 20_000
    )  # older does not replace


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"pm10=87", "payload is not JSON"),
        (b"\xff\xfe", "payload is not JSON"),
        ({"parameter": "pm10", "time": "2026-11-22T12:00:00+07:00"}, "value: Field required"),
        (
            {"parameter": "pm10", "value": "87", "time": "2026-11-22T12:00:00+07:00"},
            "value: Input should be a valid number",
        ),
        (
            {"parameter": "pm10", "value": 87, "time": "2026-11-22T12:00:00"},
            "time: Input should have timezone info",
        ),
        (
            {"parameter": "pm10", "value": 87, "time": "2026-11-23T12:00:00+07:00"},
            "is in the future",
        ),
        (
            {"parameter": "pm10", "value": 87, "time": "1970-01-01T00:00:00Z"},
            "is the device clock set",
        ),
        (
            {"parameter": "radon", "value": 87, "time": "2026-11-22T12:00:00+07:00"},
            "unknown parameter 'radon'",
        ),
        (
            {"parameter": "pm10", "value": -3, "time": "2026-11-22T12:00:00+07:00"},
            "outside the physically possible range",
        ),
        (
            {
                "parameter": "pm10",
                "value": 87,
                "unit": "mg/m3",
                "time": "2026-11-22T12:00:00+07:00",
            },
            "does not match",
        ),
        (
            {"parameter": "pm10", "value": 87, "time": "2026-11-22T12:00:00+07:00", "x": 1},
            "x: Extra inputs",
        ),
        ([], "payload is an empty list"),
        ("hello", "must be a JSON object"),
    ],
)
def test_malformed_reading_is_kept_with_its_reason(
    session: Session, payload: object, reason: str
) -> None:
    station = make_station(session)
    outcome = ingest(session, message(station.code, payload))
    assert (outcome.accepted, outcome.rejected) == (0, 1)
    [kept] = rejections(session)
    assert reason in kept
    assert session.scalar(select(func.count()).select_from(Reading)) == 0


def test_unknown_station_is_rejected(session: Session) -> None:
    outcome = ingest(session, message("nobody", reading()))
    assert outcome.rejected == 1
    assert rejections(session) == ["unknown station 'nobody'"]


def test_one_bad_reading_does_not_spoil_the_rest_of_its_message(session: Session) -> None:
    station = make_station(session)
    outcome = ingest(
        session,
        message(
            station.code,
            [
                reading(value=50),
                {"parameter": "pm10", "value": None, "time": "x"},
                reading("pm25", 20),
            ],
        ),
    )
    assert (outcome.accepted, outcome.rejected) == (2, 1)
    assert rejections(session)[0].startswith("reading 1: value:")


def test_topic_outside_the_readings_tree_is_rejected(session: Session) -> None:
    outcome = ingest_messages(
        session,
        messages=[IncomingMessage(f"{PREFIX}/other/x", b"{}", NOW)],
        topic_prefix=PREFIX,
        zone=default_zone(),
    )
    assert outcome.rejected == 1
    assert "topic must be" in rejections(session)[0]


def test_list_readings_filters_by_parameter_and_half_open_range(session: Session) -> None:
    station = make_station(session)
    ingest(
        session,
        message(
            station.code,
            [
                reading("pm10", 1, "2026-11-22T01:00:00Z"),
                reading("pm25", 2, "2026-11-22T01:00:00Z"),
                reading("pm10", 3, "2026-11-22T02:00:00Z"),
            ],
        ),
    )
    start = datetime(2026, 11, 22, 1, tzinfo=UTC)
    found = list_readings(
        session,
        station_code=station.code,
        parameter="pm10",
        start=start,
        end=start + timedelta(hours=1),
        now=start + timedelta(hours=1),
        scope=PUBLIC_SCOPE,
    )
    assert [(r.parameter, r.value, r.unit) for r in found] == [("pm10", 1.0, "ug/m3")]


def test_private_station_readings_are_hidden_from_the_public(session: Session) -> None:
    station = make_station(session, public=False)
    start = datetime(2026, 11, 22, tzinfo=UTC)
    with pytest.raises(NotFound):
        list_readings(
            session,
            station_code=station.code,
            parameter=None,
            start=start,
            end=start + timedelta(hours=1),
            now=start + timedelta(hours=1),
            scope=PUBLIC_SCOPE,
        )
    assert (
        list_readings(
            session,
            station_code=station.code,
            parameter=None,
            start=start,
            end=start + timedelta(hours=1),
            now=start + timedelta(hours=1),
            scope=EVERYTHING,
        )
        == []
    )


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (
            datetime(2026, 11, 2, tzinfo=UTC),
            datetime(2026, 11, 1, tzinfo=UTC),
            "start must be before end",
        ),
        (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), "at most 31 days"),
        (datetime(2026, 11, 1), datetime(2026, 11, 2), "must include a UTC offset"),
    ],
)
def test_bad_reading_range_is_refused(
    session: Session, start: datetime, end: datetime, reason: str
) -> None:
    station = make_station(session)
    with pytest.raises(InvalidInput, match=reason):
        list_readings(
            session,
            station_code=station.code,
            parameter=None,
            start=start,
            end=end,
            now=datetime(2026, 11, 22, tzinfo=UTC),
            scope=EVERYTHING,
        )


def test_deeply_nested_payload_is_rejected_not_crashed(session: Session) -> None:
    station = make_station(session)
    outcome = ingest(session, message(station.code, b"[" * 100_000 + b"]" * 100_000))
    assert outcome.rejected == 1
    assert rejections(session)[0].startswith("payload is not JSON")
