from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from core.models import Station, StationKeeper, StationKind, UserAccount
from tests.factories.organisations import make_organisation


def make_station(session: Session, **overrides: Any) -> Station:
    """A public volunteer station; its own new organisation unless one is given."""
    values: dict[str, Any] = {
        "code": f"st-{uuid.uuid4().hex[:8]}",
        "name": "Test station",
        "kind": StationKind.VOLUNTEER,
        "latitude": 14.68,
        "longitude": 100.87,
        "area": "Na Phra Lan",
        "public": True,
        "created_at": datetime.now(UTC),
    }
    values.update(overrides)
    if "organisation_id" not in values:
        values["organisation_id"] = make_organisation(session).id
    station = Station(**values)
    session.add(station)
    session.flush()
    return station


def keep(session: Session, user: UserAccount, station: Station) -> None:
    session.add(StationKeeper(station_id=station.id, user_id=user.id, created_at=datetime.now(UTC)))
    session.flush()
