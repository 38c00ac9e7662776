"""Complaints from anyone: a form (multipart with an optional photo, or urlencoded), the
public's anonymised view, the reporter's private link, and the staff's updates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status

from api.auth import PrincipalDep, public, signed_in
from api.deps import SessionDep, SettingsDep
from api.uploads import read_photo, storage_of, validated
from core.complaints.schemas import (
    ComplaintCreate,
    ComplaintPrivate,
    ComplaintPublic,
    ComplaintReceipt,
    ComplaintUpdateCreate,
    ReporterReply,
)
from core.complaints.service import (
    add_update,
    list_complaints,
    private_complaint,
    public_complaint,
    reporter_reply,
    submit_complaint,
)
from core.models import ComplaintStatus

router = APIRouter(prefix="/complaints", tags=["complaints"])

TextField = Annotated[str | None, Form()]
Token = Annotated[str | None, Query(max_length=64, description="the private link's token")]


@router.post(
    "",
    response_model=ComplaintReceipt,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(public)],
)
def post_complaint(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    kind: Annotated[
        str,
        Form(max_length=32, description="dust, smell, noise, truck, burning, health, other"),
    ],
    time: Annotated[str | None, Form(description="ISO 8601 with offset; default now")] = None,
    latitude: TextField = None,
    longitude: TextField = None,
    village: Annotated[str | None, Form(description="an area of the stations")] = None,
    note: Annotated[str | None, Form(description="at most 2000 characters")] = None,
    facility: Annotated[str | None, Form(description="a facility you think is the cause")] = None,
    contact_name: TextField = None,
    contact_phone: TextField = None,
    contact_email: TextField = None,
    incident: Annotated[
        str | None, Form(description="an open incident nearby (see /complaint-incidents/nearby)")
    ] = None,
    photo: Annotated[UploadFile | None, File(description="JPEG, PNG or WebP")] = None,
) -> ComplaintReceipt:
    """Complain as anyone, signed in or not. The answer carries the private link (shown
    once) through which you follow the complaint and answer 'not fixed'. Contact details
    are optional and seen by the staff only. The complaint joins the open incident of the
    same event (or the one named in `incident`). 422 for an implausible place or time, or
    an incident that is closed."""
    data = validated(
        ComplaintCreate,
        {
            "kind": kind,
            "observed_at": time,
            "latitude": latitude,
            "longitude": longitude,
            "village": village,
            "note": note,
            "facility": facility,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "incident": incident,
        },
    )
    storage = storage_of(settings)
    return submit_complaint(
        session,
        actor=principal,
        data=data,
        photo=read_photo(photo, storage.max_photo_bytes),
        storage=storage,
        now=datetime.now(UTC),
        zone=settings.zone,
    )


@router.get("", response_model=list[ComplaintPublic], dependencies=[Depends(public)])
def get_complaints(
    session: SessionDep,
    status_: Annotated[ComplaintStatus | None, Query(alias="status")] = None,
    village: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ComplaintPublic]:
    """Complaints, newest first, anonymised: kind, status, village, time, the organisation
    assigned, public stations' readings and the notes the backbone made public."""
    return list_complaints(session, status=status_, village=village, limit=limit)


@router.get("/{public_id}", response_model=ComplaintPublic, dependencies=[Depends(public)])
def get_complaint(session: SessionDep, public_id: str) -> ComplaintPublic:
    """One complaint as the public sees it."""
    return public_complaint(session, public_id[:32])


@router.get("/{public_id}/private", response_model=ComplaintPrivate, dependencies=[Depends(public)])
def get_private_complaint(
    session: SessionDep, principal: PrincipalDep, public_id: str, token: Token = None
) -> ComplaintPrivate:
    """The reporter's view through the private link's token, or the staff's without it:
    every note and the details given. 404 without either."""
    return private_complaint(session, public_id[:32], token=token, viewer=principal)


@router.post(
    "/{public_id}/updates",
    response_model=ComplaintPrivate,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(signed_in)],
)
def post_update(
    session: SessionDep, principal: PrincipalDep, public_id: str, body: ComplaintUpdateCreate
) -> ComplaintPrivate:
    """A status change, a hand-off to another organisation (the backbone only) or a note,
    by the backbone or the assigned organisation's people."""
    return add_update(
        session, actor=principal, public_id=public_id[:32], data=body, now=datetime.now(UTC)
    )


@router.post(
    "/{public_id}/reply",
    response_model=ComplaintPrivate,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(public)],
)
def post_reply(
    session: SessionDep,
    public_id: str,
    body: ReporterReply,
    token: Annotated[str, Query(min_length=1, max_length=64)],
) -> ComplaintPrivate:
    """The reporter's answer through the private link: 'not fixed' reopens a closed case."""
    return reporter_reply(
        session, public_id=public_id[:32], token=token, data=body, now=datetime.now(UTC)
    )
