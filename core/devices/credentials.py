"""Stations' MQTT credentials: issued or rotated (the password shown once), revoked, verified,
and written out as Mosquitto's files.

Who may manage a station's credential is who may maintain the station: backbone staff and
admins, the operators of its organisation, the volunteers who keep it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.access.scope import StationScope
from core.audit.service import record_change
from core.devices.mosquitto import (
    check_password,
    hash_password,
    render_acl_file,
    render_password_file,
)
from core.devices.schemas import MqttCredentialIssued, MqttCredentialPublic
from core.devices.topics import ALERTS_USER, INGEST_USER
from core.kit.errors import NotFound
from core.models import MqttCredential, Station
from core.stations.service import ensure_may_maintain, get_station

PASSWORD_BYTES = 24
"""Random bytes in a device password (32 characters of URL-safe base64)."""


def _public(station: Station, credential: MqttCredential) -> MqttCredentialPublic:
    return MqttCredentialPublic(
        station_code=station.code,
        username=station.code,
        issued_at=credential.created_at,
        revoked_at=credential.revoked_at,
    )


def _snapshot(station: Station, credential: MqttCredential) -> dict[str, Any]:
    """For the audit log: when, never the password or its hash."""
    return _public(station, credential).model_dump(mode="json")


def _maintained_station(session: Session, *, actor: Principal, code: str) -> Station:
    station = get_station(session, code=code, scope=StationScope.for_principal(actor))
    ensure_may_maintain(session, actor=actor, station=station)
    return station


def issue_credential(
    session: Session, *, actor: Principal, code: str, now: datetime
) -> MqttCredentialIssued:
    """A new random password for the station's device; the previous one, if any, stops
    working once the broker learns of it (at once on the embedded broker, when the files
    are written again on Mosquitto). The password is in the result only."""
    station = _maintained_station(session, actor=actor, code=code)
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    credential = session.get(MqttCredential, station.id)
    if credential is None:
        before = None
        credential = MqttCredential(station_id=station.id)
        session.add(credential)
    else:
        before = _snapshot(station, credential)
    action = "issue" if before is None or credential.revoked_at is not None else "rotate"
    credential.password_hash = hash_password(password)
    credential.created_at = now
    credential.revoked_at = None
    session.flush()
    record_change(
        session,
        actor=actor,
        action=action,
        entity="mqtt_credential",
        entity_id=str(station.id),
        before=before,
        after=_snapshot(station, credential),
    )
    public = _public(station, credential)
    return MqttCredentialIssued(**public.model_dump(), password=password)


def revoke_credential(
    session: Session, *, actor: Principal, code: str, now: datetime
) -> MqttCredentialPublic:
    """The device may no longer sign in; revoking twice changes nothing. NotFound when the
    station never had a credential."""
    station = _maintained_station(session, actor=actor, code=code)
    credential = session.get(MqttCredential, station.id)
    if credential is None:
        raise NotFound(f"station {station.code!r} has no MQTT credential")
    if credential.revoked_at is None:
        before = _snapshot(station, credential)
        credential.revoked_at = now
        session.flush()
        record_change(
            session,
            actor=actor,
            action="revoke",
            entity="mqtt_credential",
            entity_id=str(station.id),
            before=before,
            after=_snapshot(station, credential),
        )
    return _public(station, credential)


def verify_device(session: Session, *, user: str, password: str) -> bool:
    """Whether `user` is a station code (exactly as registered, as Mosquitto compares user
    names) with a credential that is not revoked and whose password is `password`."""
    if user == INGEST_USER:
        return False
    password_hash = session.scalars(
        select(MqttCredential.password_hash)
        .join(Station, Station.id == MqttCredential.station_id)
        .where(Station.code == user, MqttCredential.revoked_at.is_(None))
    ).one_or_none()
    return password_hash is not None and check_password(password, password_hash)


@dataclass(frozen=True)
class MosquittoFiles:
    password_file: str
    acl_file: str


def mosquitto_files(
    session: Session, *, ingest_password: str, prefix: str, alerts_password: str | None = None
) -> MosquittoFiles:
    """Mosquitto's `password_file` and `acl_file` for every station with a credential that
    is not revoked, plus the ingest user with `ingest_password` and, when given, the user
    that publishes alert messages with `alerts_password`."""
    rows = session.execute(
        select(Station.code, MqttCredential.password_hash)
        .join(MqttCredential, MqttCredential.station_id == Station.id)
        .where(MqttCredential.revoked_at.is_(None), Station.code != INGEST_USER)
        .order_by(Station.code)
    ).all()
    entries = [(INGEST_USER, hash_password(ingest_password))]
    if alerts_password:
        entries.append((ALERTS_USER, hash_password(alerts_password)))
    entries += [(c, h) for c, h in rows]
    return MosquittoFiles(
        password_file=render_password_file(entries),
        acl_file=render_acl_file([code for code, _ in rows], prefix=prefix),
    )
