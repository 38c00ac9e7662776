"""Volunteers' reports from a phone: a reading typed in by hand, or an observation with an
optional photo, in one multipart form (or a plain urlencoded one without a photo)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status
from fastapi.responses import FileResponse

from api.auth import PrincipalDep, public, require_roles, signed_in
from api.deps import SessionDep, SettingsDep
from api.uploads import read_photo, storage_of, validated
from core.kit.db import RowId
from core.reports.schemas import (
    ManualReadingCreate,
    ObservationCreate,
    ObservationPublic,
    ReportReceipt,
)
from core.reports.service import (
    REPORTERS,
    list_observations,
    observation_photo,
    report_observation,
    report_reading,
)

router = APIRouter(prefix="/reports", tags=["reports"])

reporters = require_roles(*REPORTERS)

READING = "reading"
TextField = Annotated[str | None, Form()]


@router.post(
    "",
    response_model=ReportReceipt,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(reporters)],
)
def post_report(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    kind: Annotated[
        str,
        Form(
            description="`reading` for a value typed in, or an observation: visible_dust, "
            "uncovered_truck, burning, strong_smell, other",
            max_length=32,
        ),
    ],
    station_code: Annotated[str | None, Form(description="reading: a station you keep")] = None,
    parameter: Annotated[str | None, Form(description="reading: e.g. pm10, pm25")] = None,
    value: Annotated[str | None, Form(description="reading: in the parameter's unit")] = None,
    time: Annotated[
        str | None, Form(description="ISO 8601 with offset; default now (both kinds)")
    ] = None,
    latitude: TextField = None,
    longitude: TextField = None,
    village: Annotated[str | None, Form(description="observation: an area of the stations")] = None,
    note: Annotated[str | None, Form(description="observation: at most 1000 characters")] = None,
    photo: Annotated[
        UploadFile | None, File(description="observation: JPEG, PNG or WebP, size-limited")
    ] = None,
) -> ReportReceipt:
    """Report from a phone. A reading is stored like a device's (source `manual`) for a
    station you keep; an observation is kept as an observation, never as a reading. The
    answer names what was stored and its id; a refusal says why (403/404 for a station that
    is not yours, 409 for a time that already has a reading, 422 for anything implausible,
    413 for a request over the upload limit)."""
    now = datetime.now(UTC)
    if kind == READING:
        reading = validated(
            ManualReadingCreate,
            {"station_code": station_code, "parameter": parameter, "value": value, "time": time},
        )
        return report_reading(session, actor=principal, data=reading, now=now, zone=settings.zone)
    observation = validated(
        ObservationCreate,
        {
            "kind": kind,
            "observed_at": time,
            "latitude": latitude,
            "longitude": longitude,
            "village": village,
            "note": note,
        },
    )
    storage = storage_of(settings)
    return report_observation(
        session,
        actor=principal,
        data=observation,
        photo=read_photo(photo, storage.max_photo_bytes),
        storage=storage,
        now=now,
    )


@router.get("", response_model=list[ObservationPublic], dependencies=[Depends(public)])
def get_reports(
    session: SessionDep,
    principal: PrincipalDep,
    mine: Annotated[bool, Query(description="only your own reports")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ObservationPublic]:
    """Observations, newest first. Everyone sees each one's kind, time and village; its
    reporter, officials, the backbone and admins also see the exact place, the note, the
    photo's address and who reported it. Readings typed in by hand are readings:
    `GET /stations/{code}/readings`."""
    return list_observations(session, viewer=principal, mine=mine, limit=limit)


@router.get(
    "/{observation_id}/photo",
    response_class=FileResponse,
    dependencies=[Depends(signed_in)],
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def get_report_photo(
    observation_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> FileResponse:
    """The photo of an observation, for its reporter, officials, the backbone and admins;
    404 for anyone else."""
    path, media_type = observation_photo(
        session, viewer=principal, observation_id=observation_id, storage=storage_of(settings)
    )
    return FileResponse(
        path, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"}
    )
