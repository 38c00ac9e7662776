"""API keys for organisations and single devices: shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, Principal
from core.access.scope import StationScope
from core.accounts.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic
from core.audit.service import record_change
from core.kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from core.models import ApiKey, Organisation, Role, StationKeeper
from core.stations.service import ensure_may_maintain, get_station

LAST_USED_PRECISION = timedelta(minutes=1)
"""`last_used_at` is written at most this often, not on every request."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _snapshot(key: ApiKey) -> dict[str, Any]:
    return ApiKeyPublic.model_validate(key).model_dump(mode="json", exclude={"last_used_at"})


def create_api_key(
    session: Session, *, actor: Principal, data: ApiKeyCreate, now: datetime
) -> ApiKeyCreated:
    """The new key with the key itself, `dw_<prefix>_<secret>`, to show once.

    Device keys: backbone staff and admins for any station, operators for their
    organisation's stations, volunteers for the stations they keep. Organisation keys:
    backbone staff and admins.
    """
    if (data.station_code is None) == (data.organisation_id is None):
        raise InvalidInput("give either station_code (a device key) or organisation_id")
    station_id: int | None = None
    if data.station_code is not None:
        station = get_station(
            session, code=data.station_code, scope=StationScope.for_principal(actor)
        )
        ensure_may_maintain(session, actor=actor, station=station)
        organisation_id, station_id = station.organisation_id, station.id
    else:
        actor.require_role(*MANAGERS)
        assert data.organisation_id is not None
        if session.get(Organisation, data.organisation_id) is None:
            raise InvalidInput(f"organisation_id: no organisation {data.organisation_id}")
        organisation_id = data.organisation_id
    prefix = secrets.token_hex(4)
    key = f"dw_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiKey(
        prefix=prefix,
        secret_hash=_hash(key),
        name=data.name,
        organisation_id=organisation_id,
        station_id=station_id,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(record)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity="api_key",
        entity_id=str(record.id),
        before=None,
        after=_snapshot(record),
    )
    public = ApiKeyPublic.model_validate(record)
    return ApiKeyCreated(**public.model_dump(), key=key)


def _manageable(actor: Principal) -> ColumnElement[bool]:
    """The keys an actor may see and revoke: the same rule as for creating them."""
    if actor.is_manager:
        return true()
    if actor.has_role(Role.OPERATOR) and actor.organisation_id is not None:
        return (ApiKey.organisation_id == actor.organisation_id) & ApiKey.station_id.is_not(None)
    if actor.has_role(Role.VOLUNTEER) and actor.user_id is not None:
        kept = select(StationKeeper.station_id).where(StationKeeper.user_id == actor.user_id)
        return ApiKey.station_id.in_(kept)
    return false()


def list_api_keys(session: Session, *, actor: Principal) -> list[ApiKey]:
    if actor.is_anonymous or actor.role is None:
        raise Forbidden("API keys are managed by signed-in people")
    query = select(ApiKey).where(_manageable(actor)).order_by(ApiKey.id.desc())
    return list(session.scalars(query))


def revoke_api_key(session: Session, *, actor: Principal, key_id: int, now: datetime) -> ApiKey:
    """Revoked keys stop working at once; revoking twice changes nothing."""
    key = session.scalars(
        select(ApiKey).where(ApiKey.id == key_id, _manageable(actor))
    ).one_or_none()
    if key is None:
        raise NotFound(f"no API key {key_id} that you manage")
    if key.revoked_at is None:
        before = _snapshot(key)
        key.revoked_at = now
        session.flush()
        record_change(
            session,
            actor=actor,
            action="revoke",
            entity="api_key",
            entity_id=str(key.id),
            before=before,
            after=_snapshot(key),
        )
    return key


def principal_for_api_key(session: Session, *, key: str, now: datetime) -> Principal:
    """The organisation or device a `dw_<prefix>_<secret>` key stands for."""
    _, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    record = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
    if (
        record is None
        or not secret
        or not secrets.compare_digest(record.secret_hash, _hash(key))
        or record.revoked_at is not None
    ):
        raise Unauthenticated("invalid or revoked API key")
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
        record.last_used_at = now
        session.flush()
    return Principal(
        organisation_id=record.organisation_id,
        api_key_id=record.id,
        station_id=record.station_id,
        label=f"API key dw_{record.prefix} ({record.name})",
    )
