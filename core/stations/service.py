"""Stations: registration, changes, keepers, visibility, lookup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, Principal
from core.access.scope import StationScope
from core.audit.service import record_change
from core.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import Organisation, Role, Station, StationKeeper, StationKind, UserAccount
from core.stations.schemas import (
    STAFF_ONLY_FIELDS,
    KeeperPublic,
    StationCreate,
    StationPublic,
    StationUpdate,
)


def _snapshot(station: Station) -> dict[str, Any]:
    return StationPublic.model_validate(station).model_dump(mode="json")


def _ensure_organisation(session: Session, organisation_id: int) -> None:
    if session.get(Organisation, organisation_id) is None:
        raise InvalidInput(f"organisation_id: no organisation {organisation_id}")


def create_station(session: Session, *, actor: Principal, data: StationCreate) -> Station:
    """Register a station (backbone staff, admins); raises Conflict when the code is taken
    in any case."""
    actor.require_role(*MANAGERS)
    _ensure_organisation(session, data.organisation_id)
    if _find(session, data.code) is not None:
        raise Conflict(f"station {data.code!r} already exists")
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
    record_change(
        session,
        actor=actor,
        action="create",
        entity="station",
        entity_id=str(station.id),
        before=None,
        after=_snapshot(station),
    )
    return station


def update_station(
    session: Session, *, actor: Principal, code: str, data: StationUpdate
) -> Station:
    """Keepers and the owner's operators may describe their station; the rest is for
    backbone staff and admins."""
    station = get_station(session, code=code, scope=StationScope.for_principal(actor))
    ensure_may_maintain(session, actor=actor, station=station)
    changes = data.model_dump(exclude_unset=True)
    if not actor.is_manager and STAFF_ONLY_FIELDS & changes.keys():
        fields = ", ".join(sorted(STAFF_ONLY_FIELDS & changes.keys()))
        raise Forbidden(f"only backbone staff may change {fields}")
    if "organisation_id" in changes and changes["organisation_id"] is not None:
        _ensure_organisation(session, changes["organisation_id"])
    before = _snapshot(station)
    for field, value in changes.items():
        if value is None:
            raise InvalidInput(f"{field} cannot be empty")
        setattr(station, field, value)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="update",
        entity="station",
        entity_id=str(station.id),
        before=before,
        after=_snapshot(station),
    )
    return station


def may_maintain(session: Session, *, actor: Principal, station: Station) -> bool:
    """Backbone staff and admins; operators of the owning organisation; its keepers."""
    if actor.is_manager:
        return True
    if actor.has_role(Role.OPERATOR) and actor.organisation_id == station.organisation_id:
        return True
    if actor.has_role(Role.VOLUNTEER) and actor.user_id is not None:
        keeper = session.get(StationKeeper, (station.id, actor.user_id))
        return keeper is not None
    return False


def ensure_may_maintain(session: Session, *, actor: Principal, station: Station) -> None:
    if actor.is_anonymous:
        raise Forbidden("sign in first")
    if not may_maintain(session, actor=actor, station=station):
        raise Forbidden(f"you do not maintain station {station.code!r}")


def list_stations(session: Session, *, scope: StationScope) -> list[Station]:
    query = select(Station).where(scope.visible()).order_by(Station.code)
    return list(session.scalars(query))


def get_station(session: Session, *, code: str, scope: StationScope) -> Station:
    """Found regardless of case. Raises NotFound for an unknown station, and for one the
    scope may not see, so that nobody learns which private stations exist."""
    station = session.scalars(
        select(Station).where(func.lower(Station.code) == code.lower(), scope.visible())
    ).one_or_none()
    if station is None:
        raise NotFound(f"no station {code!r}")
    return station


def _find(session: Session, code: str) -> Station | None:
    query = select(Station).where(func.lower(Station.code) == code.lower())
    return session.scalars(query).one_or_none()


def list_keepers(session: Session, *, actor: Principal, code: str) -> list[KeeperPublic]:
    actor.require_role(*MANAGERS)
    station = get_station(session, code=code, scope=StationScope.for_principal(actor))
    rows = session.execute(
        select(StationKeeper, UserAccount)
        .join(UserAccount, UserAccount.id == StationKeeper.user_id)
        .where(StationKeeper.station_id == station.id)
        .order_by(UserAccount.email)
    )
    return [
        KeeperPublic(
            user_id=user.id, display_name=user.display_name, email=user.email, since=k.created_at
        )
        for k, user in rows
    ]


def add_keeper(
    session: Session, *, actor: Principal, code: str, user_id: int
) -> list[KeeperPublic]:
    """Make a volunteer the keeper of a station (backbone staff, admins)."""
    actor.require_role(*MANAGERS)
    station = get_station(session, code=code, scope=StationScope.for_principal(actor))
    user = session.get(UserAccount, user_id)
    if user is None:
        raise InvalidInput(f"user_id: no user {user_id}")
    if user.role != Role.VOLUNTEER:
        raise InvalidInput(f"user_id: keepers are volunteers; user {user_id} is {user.role}")
    if session.get(StationKeeper, (station.id, user.id)) is None:
        session.add(StationKeeper(station_id=station.id, user_id=user.id, created_at=_now()))
        session.flush()
        record_change(
            session,
            actor=actor,
            action="create",
            entity="station_keeper",
            entity_id=f"{station.id}:{user.id}",
            before=None,
            after={"station": station.code, "user_id": user.id, "email": user.email},
        )
    return list_keepers(session, actor=actor, code=code)


def remove_keeper(
    session: Session, *, actor: Principal, code: str, user_id: int
) -> list[KeeperPublic]:
    actor.require_role(*MANAGERS)
    station = get_station(session, code=code, scope=StationScope.for_principal(actor))
    keeper = session.get(StationKeeper, (station.id, user_id))
    if keeper is None:
        raise NotFound(f"user {user_id} does not keep station {station.code!r}")
    session.delete(keeper)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="delete",
        entity="station_keeper",
        entity_id=f"{station.id}:{user_id}",
        before={"station": station.code, "user_id": user_id},
        after=None,
    )
    return list_keepers(session, actor=actor, code=code)


def _now() -> datetime:
    return datetime.now(UTC)
