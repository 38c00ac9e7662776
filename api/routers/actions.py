"""Actions against shared targets: everyone reads them and their measured change (they are
public activity); an organisation's members register and update their own, the backbone and
admins any. API keys act for a station, not an organisation, and are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status
from fastapi.responses import FileResponse

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from api.uploads import read_photo
from core.actions.change import measured_change
from core.actions.schemas import (
    ActionCreate,
    ActionDetail,
    ActionEdit,
    ActionPublic,
    EvidenceIn,
    MeasuredChange,
    NoteIn,
    StatusIn,
)
from core.actions.service import (
    action_detail,
    add_evidence,
    add_note,
    create_action,
    edit_action,
    evidence_photo,
    get_action,
    list_actions,
    set_status,
)
from core.kit.db import RowId
from core.kit.errors import NotFound
from core.models import ActionStatus, Role
from core.reports.photos import photo_path

router = APIRouter(prefix="/actions", tags=["actions"])

members = require_roles(*Role)
PhotoLabel = Annotated[str, Form(min_length=1, max_length=200)]


def _detail(session: SessionDep, settings: SettingsDep, action_id: int) -> ActionDetail:
    return action_detail(session, action_id=action_id, now=datetime.now(UTC), zone=settings.zone)


@router.get("", response_model=list[ActionPublic], dependencies=[Depends(public)])
def get_actions(
    session: SessionDep,
    settings: SettingsDep,
    target_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: ActionStatus | None = None,
    overdue: bool | None = None,
) -> list[ActionPublic]:
    """Every action, overdue ones first; `overdue` = the due date passed and the action is
    neither done nor cancelled."""
    return list_actions(
        session,
        now=datetime.now(UTC),
        zone=settings.zone,
        target_id=target_id,
        organisation_id=organisation_id,
        status=status,
        overdue=overdue,
    )


@router.post(
    "",
    response_model=ActionDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(members)],
)
def post_action(
    body: ActionCreate, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> ActionDetail:
    """Register an action of your organisation (any organisation for the backbone) against
    one or more targets."""
    action = create_action(session, data=body, actor=principal, now=datetime.now(UTC))
    return _detail(session, settings, action.id)


@router.get("/{action_id}", response_model=ActionDetail, dependencies=[Depends(public)])
def get_one(action_id: RowId, session: SessionDep, settings: SettingsDep) -> ActionDetail:
    """One action with its progress notes and evidence."""
    return _detail(session, settings, action_id)


@router.put("/{action_id}", response_model=ActionDetail, dependencies=[Depends(members)])
def put_action(
    action_id: RowId,
    body: ActionEdit,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ActionDetail:
    """Change an action of your organisation (any, for the backbone): the fields given
    replace the stored ones."""
    edit_action(session, action_id=action_id, data=body, actor=principal, now=datetime.now(UTC))
    return _detail(session, settings, action_id)


@router.get("/{action_id}/change", response_model=MeasuredChange, dependencies=[Depends(public)])
def get_change(action_id: RowId, session: SessionDep, settings: SettingsDep) -> MeasuredChange:
    """The measured change on the action's public stations before and after its start (and
    against the same days a year earlier), by hour of the day and by wind sector, with what
    the comparison can and cannot show."""
    return measured_change(
        session, get_action(session, action_id), now=datetime.now(UTC), zone=settings.zone
    )


@router.put("/{action_id}/status", response_model=ActionDetail, dependencies=[Depends(members)])
def put_status(
    action_id: RowId,
    body: StatusIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ActionDetail:
    set_status(
        session, action_id=action_id, status=body.status, actor=principal, now=datetime.now(UTC)
    )
    return _detail(session, settings, action_id)


@router.post(
    "/{action_id}/notes",
    response_model=ActionDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(members)],
)
def post_note(
    action_id: RowId,
    body: NoteIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ActionDetail:
    """A dated progress note, signed with your name."""
    add_note(
        session,
        action_id=action_id,
        data=body,
        actor=principal,
        now=datetime.now(UTC),
        zone=settings.zone,
    )
    return _detail(session, settings, action_id)


@router.post(
    "/{action_id}/evidence",
    response_model=ActionDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(members)],
)
def post_evidence(
    action_id: RowId,
    body: EvidenceIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ActionDetail:
    """A link that shows the action being done (a report, a video, a news item)."""
    add_evidence(
        session,
        action_id=action_id,
        label=body.label,
        link=body,
        actor=principal,
        now=datetime.now(UTC),
    )
    return _detail(session, settings, action_id)


@router.post(
    "/{action_id}/evidence/photo",
    response_model=ActionDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(members)],
)
def post_evidence_photo(
    action_id: RowId,
    label: PhotoLabel,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP, size-limited")],
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ActionDetail:
    """A photo of the action being done, kept like the reports' photos."""
    add_evidence(
        session,
        action_id=action_id,
        label=label,
        photo=read_photo(photo, settings.storage.max_photo_bytes) or b"",
        storage_dir=settings.storage.dir,
        max_photo_bytes=settings.storage.max_photo_bytes,
        actor=principal,
        now=datetime.now(UTC),
    )
    return _detail(session, settings, action_id)


@router.get(
    "/{action_id}/evidence/{evidence_id}/photo",
    response_class=FileResponse,
    dependencies=[Depends(public)],
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def get_evidence_photo(
    action_id: RowId, evidence_id: RowId, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """An evidence photo: public, like the action."""
    evidence = evidence_photo(session, action_id=action_id, evidence_id=evidence_id)
    path = photo_path(settings.storage.dir, evidence.photo_name or "")
    if not path.is_file():
        raise NotFound(f"the photo of evidence {evidence_id} is missing from storage")
    return FileResponse(path, media_type=evidence.photo_type or "application/octet-stream")
