"""Stations: who measures where, and whether their data is public."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kit.errors import Conflict, NotFound
from core.models import Station, StationKind
from core.stations.schemas import StationCreate


def create_station(session: Session, *, data: StationCreate) -> Station:
    """Register a station; raises Conflict when the code is taken."""
    public = data.public if data.public is not None else data.kind != StationKind.FACTORY
    station = Station(
        **data.model_dump(exclude={"public"}), public=public, created_at=datetime.now(UTC)
    )
    try:
        with session.begin_nested():
            session.add(station)
            session.flush()
    except IntegrityError:
        raise Conflict(f"station {data.code!r} already exists") from None
    return station


def list_stations(session: Session, *, include_private: bool) -> list[Station]:
    query = select(Station).order_by(Station.code)
    if not include_private:
        query = query.where(Station.public.is_(True))
    return list(session.scalars(query))


def get_station(session: Session, *, code: str, include_private: bool) -> Station:
    """Raises NotFound for an unknown station, and for a private one when not allowed to see it,
    so that the public cannot learn which private stations exist."""
    station = session.scalars(select(Station).where(Station.code == code)).one_or_none()
    if station is None or (not station.public and not include_private):
        raise NotFound(f"no station {code!r}")
    return station
