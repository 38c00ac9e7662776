"""Readings over HTTP, for devices that do not speak MQTT: native JSON and the unmodified
Sensor.Community (airrohr) firmware. Thin: the checks and the records are in
core/devices/ingest.py and the acceptance pipeline behind it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.auth import DeviceDep, PrincipalDep, device, require_roles
from api.deps import SessionDep, SettingsDep
from api.errors import error_code
from core.devices.ingest import receive_airrohr, receive_native
from core.readings.rejected import MAX_PAGE, SOURCES, VIEWERS, RejectedFilter, list_rejections
from core.readings.schemas import IngestResultPublic, ReadingPayload, RejectedPagePublic

router = APIRouter(prefix="/ingest", tags=["ingest"])

NATIVE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        ReadingPayload.model_json_schema(),
                        {"type": "array", "items": ReadingPayload.model_json_schema()},
                    ]
                }
            }
        },
    }
}
AIRROHR_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "esp8266id": {"type": "string"},
                        "software_version": {"type": "string"},
                        "sensordatavalues": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "value_type": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}


@router.get(
    "/rejected",
    response_model=RejectedPagePublic,
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def get_rejected(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    station: Annotated[str | None, Query(max_length=64, description="Station code.")] = None,
    reason: Annotated[
        str | None, Query(max_length=200, description="Part of the reason, any case.")
    ] = None,
    source: Annotated[str | None, Query(description=f"One of: {', '.join(SOURCES)}.")] = None,
    since: Annotated[
        datetime | None,
        Query(description="Last seen at or after (no offset: the deployment's local time)."),
    ] = None,
    until: Annotated[
        datetime | None, Query(description="First seen before (no offset: local time).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> RejectedPagePublic:
    """Every refusal of every source (MQTT, HTTP, airrohr …), newest first, each kept once
    with how often it was seen: backbone staff and admins see all, those on topics
    dustwatch does not use included; an operator its organisation's stations, a volunteer
    the stations it keeps. Payloads are cut to 2,000 characters, control characters shown
    as `\\xNN`."""
    return list_rejections(
        session,
        viewer=principal,
        filters=RejectedFilter(
            station=station,
            reason=reason,
            source=source,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        ),
        zone=settings.zone,
    )


async def raw_body(request: Request) -> bytes:
    """The body as sent, so that even one that is not JSON is kept with its rejection."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def _answer(result: IngestResultPublic) -> IngestResultPublic | JSONResponse:
    """200 when anything was stored, was stored already or was kept as a conflict for review;
    422 when everything was refused."""
    if result.accepted or result.duplicates or result.conflicts or not result.rejected:
        return result
    refused = status.HTTP_422_UNPROCESSABLE_CONTENT
    return JSONResponse(
        status_code=refused,
        content={
            "error": error_code(refused),
            "detail": f"nothing was stored: {result.rejected[0].reason}"[:300],
            "errors": [],
        }
        | jsonable_encoder(result),
    )


@router.post(
    "/readings",
    response_model=IngestResultPublic,
    dependencies=[Depends(device)],
    openapi_extra=NATIVE_BODY,
)
def post_readings(
    session: SessionDep,
    settings: SettingsDep,
    credentials: DeviceDep,
    payload: RawBody,
    station: Annotated[
        str | None,
        Query(description="Organisation keys only: which of its stations."),
    ] = None,
) -> IngestResultPublic | JSONResponse:
    """Native JSON readings, the same objects as on MQTT (one or a list), sent with the
    device's API key: `Authorization: Bearer dw_…` or `X-API-Key: dw_…`. A device key
    publishes as its own station; an organisation key names one of its stations in
    `?station=`. The answer lists what was stored (with quality control's grade), what was
    stored already, what conflicts with a stored reading (same parameter and time, another
    value: kept for the backbone's review, the stored value stays) and what was refused and
    why (200 if anything was stored, already stored or a conflict, else 422); refusals are
    recorded for the backbone too."""
    result = receive_native(
        session,
        credentials=credentials,
        payload=payload,
        station_code=station,
        received_at=datetime.now(UTC),
        zone=settings.zone,
        origin="POST /ingest/readings",
    )
    return _answer(result)


@router.post(
    "/airrohr",
    response_model=IngestResultPublic,
    dependencies=[Depends(device)],
    openapi_extra=AIRROHR_BODY,
)
def post_airrohr(
    session: SessionDep,
    settings: SettingsDep,
    credentials: DeviceDep,
    payload: RawBody,
    x_sensor: Annotated[str | None, Header()] = None,
) -> IngestResultPublic | JSONResponse:
    """A Sensor.Community (airrohr) sensor's "send to own API" body, unmodified: the
    firmware's own API user is the station code, its password the station's device API key
    (see the README). Values are stored at the time of receipt; values that are not
    readings (`samples`, `signal`, …) are kept as the message's metadata."""
    result = receive_airrohr(
        session,
        credentials=credentials,
        payload=payload,
        x_sensor=x_sensor,
        x_pin=None,
        per_sensor=False,
        received_at=datetime.now(UTC),
        zone=settings.zone,
        origin="POST /ingest/airrohr",
    )
    return _answer(result)


@router.post(
    "/airrohr/v1/push-sensor-data/",
    response_model=IngestResultPublic,
    dependencies=[Depends(device)],
    openapi_extra=AIRROHR_BODY,
)
def post_airrohr_per_sensor(
    session: SessionDep,
    settings: SettingsDep,
    credentials: DeviceDep,
    payload: RawBody,
    x_sensor: Annotated[str | None, Header()] = None,
    x_pin: Annotated[str | None, Header()] = None,
) -> IngestResultPublic | JSONResponse:
    """The per-sensor form the airrohr firmware posts to the Sensor.Community API
    (`X-Pin: 1` for PM sensors, `11` for the BME280 …, `X-Sensor: esp8266-<chip id>`), for
    a relay or a firmware build pointed here; it needs HTTP Basic like the own-API form."""
    result = receive_airrohr(
        session,
        credentials=credentials,
        payload=payload,
        x_sensor=x_sensor,
        x_pin=x_pin,
        per_sensor=True,
        received_at=datetime.now(UTC),
        zone=settings.zone,
        origin="POST /ingest/airrohr/v1/push-sensor-data/",
    )
    return _answer(result)
