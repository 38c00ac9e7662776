"""The format-neutral pipeline: the same judgement, storage and rejection record whatever
parser made the candidates, and the MQTT writer's last-resort rejection through it too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import ingest.mqtt
from core.kit.health import HealthRegistry
from core.models import HourlyAggregate, LatestReading, Reading, ReadingSource, RejectedMessage
from core.readings.ingest import IncomingMessage
from core.readings.pipeline import CandidateReading, Rejection, accept_readings
from core.settings import MqttSettings, default_zone
from tests.factories import make_station

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def candidate(
    station_id: int, value: str, *, minutes_ago: int = 30, **kw: object
) -> CandidateReading:
    fields: dict[str, object] = {
        "station_id": station_id,
        "station_code": "s",
        "parameter": "pm25",
        "value": Decimal(value),
        "time": NOW - timedelta(minutes=minutes_ago),
        "received_at": NOW,
        "origin": "test",
        "payload": value,
    } | kw
    return CandidateReading(**fields)  # type: ignore[arg-type]


def test_candidates_are_judged_stored_once_and_rolled_up(session: Session) -> None:
    station = make_station(session)
    outcome = accept_readings(
        session,
        [
            candidate(station.id, "10.5"),
            candidate(station.id, "12.5"),  # same key, another value: a conflict
            candidate(station.id, "20", minutes_ago=10),
            candidate(station.id, "nan", minutes_ago=5, label="x: "),
            candidate(station.id, "1", minutes_ago=-60),
            candidate(station.id, "1", parameter="radon"),
        ],
        rejections=[Rejection(NOW, "test", "raw", "refused by the parser", "s")],
        source=ReadingSource.HTTP,
        zone=default_zone(),
    )

    assert (outcome.accepted, outcome.duplicates, outcome.conflicts, outcome.rejected) == (
        2,
        0,
        1,
        4,
    )
    assert outcome.rejections[0] == "refused by the parser"
    assert outcome.rejections[1] == "x: value NaN is not a finite number"
    assert "in the future" in outcome.rejections[2]
    assert outcome.rejections[3] == "unknown parameter 'radon'"
    assert sorted(session.scalars(select(Reading.value_milli))) == [10_500, 20_000]
    assert set(session.scalars(select(Reading.source))) == {ReadingSource.HTTP}
    hourly = session.execute(select(HourlyAggregate.value_sum_milli, HourlyAggregate.reading_count))
    assert [tuple(r) for r in hourly] == [(30_500, 2)]  # both in 06:00-07:00 UTC
    assert session.scalars(select(LatestReading.value_milli)).one() == 20_000
    sources = session.scalars(select(RejectedMessage.source))
    assert list(sources) == ["http"] * 4


def test_the_mqtt_writers_last_resort_rejection_goes_through_the_pipeline(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message that fails for a reason no parser foresaw is kept as a rejection, made by
    the same `record_rejection` as every other."""
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint")

    def explode(*_args: object, **_kwargs: object) -> None:
        raise ValueError("unforeseen")

    monkeypatch.setattr(ingest.mqtt, "ingest_messages", explode)
    writer = ingest.mqtt.MqttIngest(
        settings=MqttSettings(),
        session_factory=factory,
        health=HealthRegistry(),
        zone=default_zone(),
    )
    message = IncomingMessage("dustwatch/v1/readings/x", b"\x00payload", NOW)
    outcome = writer._store_one_by_one([ingest.mqtt._Received(message, 1, 1, 0)])

    assert outcome.rejected == 1
    row = session.scalars(select(RejectedMessage)).one()
    assert (row.source, row.topic, row.reason) == (
        "mqtt",
        "dustwatch/v1/readings/x",
        "could not be processed: ValueError('unforeseen')",
    )
    assert row.payload == "\ufffdpayload"
