"""The forum: working groups, meetings of the joint forum and of working groups, and the
decisions taken at them. Everyone reads (contact details are never part of it); the backbone
and admins create, edit and record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, public, require_roles, signed_in
from api.deps import SessionDep, SettingsDep
from core.forum.schemas import (
    AgendaItemIn,
    DecisionIn,
    DecisionPublic,
    MeetingDetail,
    MeetingIn,
    MeetingSummary,
    SupersedeIn,
    WorkingGroupDetail,
    WorkingGroupIn,
    WorkingGroupPublic,
)
from core.forum.service import (
    KEEPERS,
    create_meeting,
    create_working_group,
    list_decisions,
    list_meetings,
    list_working_groups,
    meeting_detail,
    propose_agenda_item,
    record_decision,
    supersede_decision,
    update_meeting,
    update_working_group,
    working_group_detail,
)
from core.kit.db import RowId
from core.models import MeetingStatus
from core.settings import Settings

router = APIRouter(tags=["forum"])

keepers = require_roles(*KEEPERS)
QueryId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _today(settings: Settings) -> date:
    return datetime.now(settings.zone).date()


@router.get(
    "/working-groups", response_model=list[WorkingGroupPublic], dependencies=[Depends(public)]
)
def get_working_groups(session: SessionDep, principal: PrincipalDep) -> list[WorkingGroupPublic]:
    """Every working group with its member organisations and targets."""
    return list_working_groups(session, viewer=principal)


@router.post(
    "/working-groups",
    response_model=WorkingGroupDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(keepers)],
)
def post_working_group(
    body: WorkingGroupIn, session: SessionDep, principal: PrincipalDep
) -> WorkingGroupDetail:
    """Create a working group; a target already in another group is refused (409)."""
    group = create_working_group(session, actor=principal, data=body, now=datetime.now(UTC))
    return working_group_detail(session, group_id=group.id, viewer=principal)


@router.get(
    "/working-groups/{group_id}",
    response_model=WorkingGroupDetail,
    dependencies=[Depends(public)],
)
def get_working_group(
    group_id: RowId, session: SessionDep, principal: PrincipalDep
) -> WorkingGroupDetail:
    """One working group with its members, targets and meetings."""
    return working_group_detail(session, group_id=group_id, viewer=principal)


@router.put(
    "/working-groups/{group_id}",
    response_model=WorkingGroupDetail,
    dependencies=[Depends(keepers)],
)
def put_working_group(
    group_id: RowId, body: WorkingGroupIn, session: SessionDep, principal: PrincipalDep
) -> WorkingGroupDetail:
    """Replace the group's texts, members (with the day each joined) and targets."""
    update_working_group(
        session, actor=principal, group_id=group_id, data=body, now=datetime.now(UTC)
    )
    return working_group_detail(session, group_id=group_id, viewer=principal)


@router.get("/meetings", response_model=list[MeetingSummary], dependencies=[Depends(public)])
def get_meetings(
    session: SessionDep,
    working_group_id: QueryId = None,
    joint_forum: bool = False,
    meeting_status: Annotated[MeetingStatus | None, Query(alias="status")] = None,
) -> list[MeetingSummary]:
    """Meetings newest first: of one working group, of the joint forum only
    (`joint_forum=true`), planned or held."""
    return list_meetings(
        session,
        working_group_id=working_group_id,
        joint_forum_only=joint_forum,
        status=meeting_status,
    )


@router.post(
    "/meetings",
    response_model=MeetingDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(keepers)],
)
def post_meeting(
    body: MeetingIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> MeetingDetail:
    """Create a meeting of the joint forum (no `working_group_id`) or of a working group."""
    meeting = create_meeting(session, actor=principal, data=body, now=datetime.now(UTC))
    return meeting_detail(session, meeting_id=meeting.id, viewer=principal, today=_today(settings))


@router.get("/meetings/{meeting_id}", response_model=MeetingDetail, dependencies=[Depends(public)])
def get_meeting(
    meeting_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> MeetingDetail:
    """One meeting: participants, agenda, documents, minutes and decisions."""
    return meeting_detail(session, meeting_id=meeting_id, viewer=principal, today=_today(settings))


@router.put("/meetings/{meeting_id}", response_model=MeetingDetail, dependencies=[Depends(keepers)])
def put_meeting(
    meeting_id: RowId,
    body: MeetingIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> MeetingDetail:
    """Replace the meeting's record (e.g. mark it held and add the minutes)."""
    update_meeting(
        session, actor=principal, meeting_id=meeting_id, data=body, now=datetime.now(UTC)
    )
    return meeting_detail(session, meeting_id=meeting_id, viewer=principal, today=_today(settings))


@router.post(
    "/meetings/{meeting_id}/agenda",
    response_model=MeetingDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(signed_in)],
)
def post_agenda_item(
    meeting_id: RowId,
    body: AgendaItemIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> MeetingDetail:
    """Add an item to a planned meeting's agenda: the backbone, or the people of an
    organisation invited to it (or member of its working group); shown with that
    organisation's name."""
    propose_agenda_item(session, actor=principal, meeting_id=meeting_id, data=body)
    return meeting_detail(session, meeting_id=meeting_id, viewer=principal, today=_today(settings))


@router.get(
    "/meetings/{meeting_id}/decisions",
    response_model=list[DecisionPublic],
    dependencies=[Depends(public)],
)
def get_meeting_decisions(
    meeting_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> list[DecisionPublic]:
    return list_decisions(session, viewer=principal, today=_today(settings), meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/decisions",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(keepers)],
)
def post_decision(
    meeting_id: RowId,
    body: DecisionIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> DecisionPublic:
    """Record a decision of a held meeting: the responsible organisation, the due date and
    the targets it serves."""
    decision = record_decision(
        session, actor=principal, meeting_id=meeting_id, data=body, now=datetime.now(UTC)
    )
    decisions = list_decisions(
        session, viewer=principal, today=_today(settings), meeting_id=meeting_id
    )
    return next(d for d in decisions if d.id == decision.id)


@router.get("/decisions", response_model=list[DecisionPublic], dependencies=[Depends(public)])
def get_decisions(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    organisation_id: QueryId = None,
    target_id: QueryId = None,
    overdue: bool | None = None,
) -> list[DecisionPublic]:
    """All decisions newest first, with the responsible organisation and the due date;
    `overdue=true`: due before today and not superseded."""
    return list_decisions(
        session,
        viewer=principal,
        today=_today(settings),
        organisation_id=organisation_id,
        target_id=target_id,
        overdue=overdue,
    )


@router.post(
    "/decisions/{decision_id}/supersede",
    response_model=DecisionPublic,
    dependencies=[Depends(keepers)],
)
def post_supersede(
    decision_id: RowId,
    body: SupersedeIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> DecisionPublic:
    """Mark a decision superseded by a later one, with the reason; it stays on record."""
    decision = supersede_decision(
        session, actor=principal, decision_id=decision_id, data=body, now=datetime.now(UTC)
    )
    decisions = list_decisions(
        session, viewer=principal, today=_today(settings), meeting_id=decision.meeting_id
    )
    return next(d for d in decisions if d.id == decision_id)
