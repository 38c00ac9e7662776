"""Devices that send readings over HTTP: who they are, which station they speak for, and the
acceptance pipeline behind them.

A device proves itself with an API key (core/accounts/api_keys.py): `Authorization: Bearer
dw_…`, `X-API-Key: dw_…`, or HTTP Basic with the key as the password (the airrohr firmware's
"own API" settings have only user and password; the user is the station code). A device key
publishes only as its own station; an organisation key names one of its organisation's
stations. Every refusal, a wrong key included, is recorded through the pipeline's
`record_rejection` before the error is raised; the errors here keep that record when the
request's transaction ends (`keeps_changes`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.accounts.api_keys import principal_for_api_key
from core.kit.errors import Forbidden, InvalidInput, Unauthenticated
from core.models import QualityFlag, ReadingSource, Station
from core.readings.airrohr import chip_id_from_x_sensor, parse_airrohr, read_body
from core.readings.native import parse_native, payload_text
from core.readings.pipeline import (
    Conflict,
    IngestOutcome,
    NewReading,
    Rejection,
    accept_readings,
    record_rejection,
    store_metadata,
)
from core.readings.schemas import (
    IngestConflictPublic,
    IngestedReadingPublic,
    IngestRejectionPublic,
    IngestResultPublic,
)
from core.standards.parameters import from_milli

MAX_CHIP_ID = 20
E = TypeVar("E", bound=Exception)


class DeviceUnauthenticated(Unauthenticated):
    """No usable key: recorded as a rejection, which the request keeps."""

    keeps_changes = True


class DeviceForbidden(Forbidden):
    """A good key for another station, or a person's sign-in: recorded, kept."""

    keeps_changes = True


class DeviceInputRefused(InvalidInput):
    """A message refused as a whole (not JSON, no chip id …): recorded, kept."""

    keeps_changes = True


@dataclass(frozen=True)
class DeviceCredentials:
    """What a request offered as credentials, read from its headers without judging them."""

    api_key: str | None = None
    basic_user: str | None = None
    person_token: bool = False
    """A bearer token that is not an API key: a person's sign-in, refused here."""
    problem: str | None = None
    """Why an Authorization header could not be read."""


def credentials_from_headers(authorization: str | None, x_api_key: str | None) -> DeviceCredentials:
    """`X-API-Key` first, else `Authorization: Bearer …` or `Basic …`."""
    if x_api_key is not None and x_api_key.strip():
        return DeviceCredentials(api_key=x_api_key.strip())
    if authorization is None or not authorization.strip():
        return DeviceCredentials()
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        token = value.strip()
        if token.startswith("dw_"):
            return DeviceCredentials(api_key=token)
        return DeviceCredentials(person_token=True)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return DeviceCredentials(problem="HTTP Basic credentials are not base64 user:password")
        user, colon, password = decoded.partition(":")
        if not colon:
            return DeviceCredentials(problem="HTTP Basic credentials are not base64 user:password")
        return DeviceCredentials(api_key=password or None, basic_user=user or None)
    return DeviceCredentials(
        problem=f"Authorization {scheme[:20]!r} is not understood: send Bearer dw_…, "
        "X-API-Key: dw_…, or HTTP Basic with the key as password"
    )


@dataclass(frozen=True)
class _Request:
    """One HTTP message, for rejections."""

    payload: bytes
    received_at: datetime
    origin: str
    source: ReadingSource


def _refuse(session: Session, request: _Request, error: E, station_code: str | None) -> E:
    """Record the refusal, then hand the error back for raising."""
    record_rejection(
        session,
        Rejection(
            received_at=request.received_at,
            origin=request.origin,
            payload=payload_text(request.payload),
            reason=str(error),
            station_code=station_code,
        ),
        source=request.source,
    )
    session.flush()
    return error


def _device_station(
    session: Session,
    request: _Request,
    credentials: DeviceCredentials,
    *,
    station_code: str | None,
    missing_key: str,
) -> Station:
    """The station the key may publish as; every refusal recorded."""
    if credentials.problem is not None:
        raise _refuse(session, request, DeviceUnauthenticated(credentials.problem), station_code)
    if credentials.person_token:
        message = "readings are sent with a device or organisation API key (dw_…), not a sign-in"
        raise _refuse(session, request, DeviceForbidden(message), station_code)
    if credentials.api_key is None:
        raise _refuse(session, request, DeviceUnauthenticated(missing_key), station_code)
    try:
        principal = principal_for_api_key(session, key=credentials.api_key, now=request.received_at)
    except Unauthenticated as error:
        raise _refuse(session, request, DeviceUnauthenticated(str(error)), station_code) from None
    return _station_for(session, request, principal, station_code)


def _station_for(
    session: Session, request: _Request, principal: Principal, station_code: str | None
) -> Station:
    if principal.station_id is not None:
        station = session.get(Station, principal.station_id)
        assert station is not None  # the key's foreign key
        if station_code is not None and station_code.lower() != station.code.lower():
            error = DeviceForbidden(f"this device key publishes only as station {station.code}")
            raise _refuse(session, request, error, station_code)
        return station
    if station_code is None:
        error_input = DeviceInputRefused(
            "an organisation key must name the station: ?station=<code> (HTTP Basic: user)"
        )
        raise _refuse(session, request, error_input, None)
    found = session.scalars(
        select(Station).where(
            func.lower(Station.code) == station_code[:64].lower(),
            Station.organisation_id == principal.organisation_id,
        )
    ).one_or_none()
    if found is None:
        error = DeviceForbidden(f"no station {station_code[:64]!r} of this key's organisation")
        raise _refuse(session, request, error, station_code)
    return found


def receive_native(
    session: Session,
    *,
    credentials: DeviceCredentials,
    payload: bytes,
    station_code: str | None,
    received_at: datetime,
    zone: ZoneInfo,
    origin: str,
) -> IngestResultPublic:
    """Native JSON over HTTP (the MQTT body: one reading object or a list of them).
    `station_code` (the query's) else the HTTP Basic user names the station."""
    request = _Request(payload, received_at, origin, ReadingSource.HTTP)
    station = _device_station(
        session,
        request,
        credentials,
        station_code=station_code if station_code is not None else credentials.basic_user,
        missing_key="send the device's API key: Authorization: Bearer dw_… or X-API-Key: dw_…",
    )
    parsed = parse_native(
        payload,
        station_id=station.id,
        station_code=station.code,
        received_at=received_at,
        origin=origin,
    )
    outcome = accept_readings(
        session,
        parsed.candidates,
        rejections=parsed.rejections,
        source=ReadingSource.HTTP,
        zone=zone,
    )
    return result_public(station.code, outcome)


AIRROHR_NO_AUTH = (
    "set the firmware's own API user to the station code and its password to the station's "
    "device API key (dw_…)"
)


def receive_airrohr(
    session: Session,
    *,
    credentials: DeviceCredentials,
    payload: bytes,
    x_sensor: str | None,
    x_pin: str | None,
    per_sensor: bool,
    received_at: datetime,
    zone: ZoneInfo,
    origin: str,
) -> IngestResultPublic:
    """An airrohr body in either form; see core/readings/airrohr.py for the shapes.

    The chip id (`esp8266id`, else `X-Sensor`) is bound to the station on its first
    authenticated message; a different chip for a bound station, or a chip bound to
    another station, is refused.
    """
    request = _Request(payload, received_at, origin, ReadingSource.AIRROHR)
    station = _device_station(
        session,
        request,
        credentials,
        station_code=credentials.basic_user,
        missing_key=AIRROHR_NO_AUTH,
    )
    document, problem = read_body(payload)
    if document is None:
        raise _refuse(session, request, DeviceInputRefused(str(problem)), station.code)
    pin: int | None = None
    if per_sensor:
        if x_pin is None or not x_pin.strip().isdigit() or len(x_pin.strip()) > 3:
            error = DeviceInputRefused("the per-sensor form needs an X-Pin header (1, 11, …)")
            raise _refuse(session, request, error, station.code)
        pin = int(x_pin.strip())
    chip = _chip_id(document.get("esp8266id"), x_sensor)
    if chip is None:
        error = DeviceInputRefused(
            "no chip id: esp8266id in the body or an X-Sensor: esp8266-<chip id> header"
        )
        raise _refuse(session, request, error, station.code)
    _bind_chip(session, request, station, chip)
    message = parse_airrohr(
        document,
        payload=payload,
        pin=pin,
        station_id=station.id,
        station_code=station.code,
        received_at=received_at,
        origin=origin,
    )
    outcome = accept_readings(
        session,
        message.parsed.candidates,
        rejections=message.parsed.rejections,
        source=ReadingSource.AIRROHR,
        zone=zone,
    )
    if outcome.accepted:
        store_metadata(
            session,
            station_id=station.id,
            time=outcome.accepted_readings[0].time,
            source=ReadingSource.AIRROHR,
            values={"chip_id": chip, **message.metadata},
        )
    return result_public(station.code, outcome)


def _chip_id(in_body: object, x_sensor: str | None) -> str | None:
    if isinstance(in_body, str | int) and not isinstance(in_body, bool):
        text = str(in_body).strip()
        return text if text.isalnum() and text.isascii() and len(text) <= MAX_CHIP_ID else None
    return chip_id_from_x_sensor(x_sensor)


def _bind_chip(session: Session, request: _Request, station: Station, chip: str) -> None:
    if station.airrohr_chip_id == chip:
        return
    if station.airrohr_chip_id is not None:
        error = DeviceForbidden(
            f"station {station.code} belongs to airrohr chip {station.airrohr_chip_id}, "
            f"not {chip}: a replaced sensor needs the station's chip id cleared first"
        )
        raise _refuse(session, request, error, station.code)
    taken = session.scalars(select(Station.code).where(Station.airrohr_chip_id == chip)).first()
    if taken is not None:
        error = DeviceForbidden(f"airrohr chip {chip} belongs to another station")
        raise _refuse(session, request, error, station.code)
    station.airrohr_chip_id = chip
    session.flush()


def _reading_public(reading: NewReading, outcome: IngestOutcome | None) -> IngestedReadingPublic:
    parameter = reading.parameter
    grade = outcome.quality.grade_of(reading.key) if outcome is not None else None
    return IngestedReadingPublic(
        parameter=parameter.code,
        unit=parameter.unit,
        time=reading.time,
        value=float(from_milli(reading.value_milli)),
        quality=QualityFlag(grade.flag).name.lower() if grade is not None else None,
        quality_rule=grade.rule if grade is not None else None,
    )


def _conflict_public(conflict: Conflict) -> IngestConflictPublic:
    parameter = conflict.sent.parameter
    return IngestConflictPublic(
        parameter=parameter.code,
        unit=parameter.unit,
        time=conflict.sent.time,
        value=float(from_milli(conflict.sent.value_milli)),
        stored_value=float(from_milli(conflict.stored_value_milli)),
    )


def result_public(station_code: str, outcome: IngestOutcome) -> IngestResultPublic:
    return IngestResultPublic(
        station=station_code,
        accepted=[_reading_public(r, outcome) for r in outcome.accepted_readings],
        duplicates=[_reading_public(r, None) for r in outcome.duplicate_readings],
        conflicts=[_conflict_public(c) for c in outcome.conflict_readings],
        rejected=[IngestRejectionPublic(reason=r) for r in outcome.rejections],
    )
