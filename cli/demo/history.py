"""A demo case's simulated history stored in-process, through the same ingest as the MQTT
messages, for tests and for building a demonstration database without a broker."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cli.demo.publisher import demo_readings
from cli.demo.simulator import times_between
from cli.demo.spec import DemoCase
from core.readings.ingest import IncomingMessage, ingest_messages

TOPIC_PREFIX = "dustwatch/v1"


def store_history(
    session: Session,
    case: DemoCase,
    *,
    start: datetime,
    end: datetime,
    step: timedelta,
    zone: ZoneInfo,
) -> int:
    """Every station's readings at start, start + step, … before end, a day per message as
    backfill; returns how many were stored."""
    stored = 0
    day = timedelta(days=1)
    for first in times_between(start, end, day):
        moments = list(times_between(first, min(first + day, end), step))
        messages = [
            IncomingMessage(
                f"{TOPIC_PREFIX}/readings/{site.station.code}",
                json.dumps(demo_readings(site, moments, backfill=True)).encode(),
                end,
            )
            for site in case.stations
        ]
        outcome = ingest_messages(session, messages=messages, topic_prefix=TOPIC_PREFIX, zone=zone)
        stored += outcome.accepted
    return stored
