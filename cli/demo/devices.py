"""MQTT credentials for the demo's simulated devices, new at every start (demo only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cli.demo.people import DEMO_ACTOR
from cli.demo.spec import DemoCase
from core.devices.credentials import issue_credential


def issue_demo_device_passwords(session: Session, case: DemoCase) -> dict[str, str]:
    """Station code -> a new MQTT password, for every demo station; flushes only.

    Run after `ensure_demo`, which registers the stations.
    """
    now = datetime.now(UTC)
    return {
        demo.station.code: issue_credential(
            session, actor=DEMO_ACTOR, code=demo.station.code, now=now
        ).password
        for demo in case.stations
    }
