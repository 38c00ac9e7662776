"""Commitments and their excess events: the public reads agreed commitments of public
stations and published events; the backbone or a facility's operator proposes, the other side
agrees; only the facility's operators reply to its events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from core.commitments.schemas import (
    CommitmentCreate,
    CommitmentDetail,
    CommitmentPublic,
    ExcessEventPublic,
    ReplyIn,
    ReplyState,
)
from core.commitments.service import (
    PROPOSERS,
    agree_commitment,
    commitment_detail,
    create_commitment,
    list_commitments,
    list_events,
    reply_to_event,
)
from core.kit.db import RowId
from core.models import Role

router = APIRouter(tags=["commitments"])

proposers = require_roles(*PROPOSERS)
operators = require_roles(Role.OPERATOR)


def _detail(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, commitment_id: int
) -> CommitmentDetail:
    return commitment_detail(
        session,
        actor=principal,
        commitment_id=commitment_id,
        now=datetime.now(UTC),
        reply_days=settings.commitments.reply_days,
        zone=settings.zone,
    )


@router.get("/commitments", response_model=list[CommitmentPublic], dependencies=[Depends(public)])
def get_commitments(session: SessionDep, principal: PrincipalDep) -> list[CommitmentPublic]:
    """Agreed commitments of public stations; a facility's operators also see its own
    proposals and private stations' commitments, staff see every one."""
    return list_commitments(session, actor=principal)


@router.post(
    "/commitments",
    response_model=CommitmentDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(proposers)],
)
def post_commitment(
    body: CommitmentCreate, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CommitmentDetail:
    """Propose a commitment (status `proposed`): the backbone for any facility, an operator
    for its own. The side that did not propose agrees with POST /commitments/{id}/agree."""
    commitment = create_commitment(session, actor=principal, data=body, now=datetime.now(UTC))
    return _detail(session, principal, settings, commitment.id)


@router.get(
    "/commitments/{commitment_id}",
    response_model=CommitmentDetail,
    dependencies=[Depends(public)],
)
def get_commitment(
    commitment_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CommitmentDetail:
    """One commitment with its events (published ones only, outside the facility and the
    staff) and each station's hours without data over the last 30 days."""
    return _detail(session, principal, settings, commitment_id)


@router.post(
    "/commitments/{commitment_id}/agree",
    response_model=CommitmentDetail,
    dependencies=[Depends(proposers)],
)
def post_agree(
    commitment_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CommitmentDetail:
    """Agree to a proposed commitment: the backbone to an operator's proposal, the facility's
    operator to the backbone's. From then on the data are checked against it."""
    agree_commitment(session, actor=principal, commitment_id=commitment_id, now=datetime.now(UTC))
    return _detail(session, principal, settings, commitment_id)


@router.get(
    "/excess-events", response_model=list[ExcessEventPublic], dependencies=[Depends(public)]
)
def get_excess_events(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    commitment_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    facility_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    reply_state: ReplyState | None = None,
) -> list[ExcessEventPublic]:
    """Excess events newest first, each with its reply state: outside the facility and the
    staff, only once replied to or once the reply period has passed."""
    return list_events(
        session,
        actor=principal,
        now=datetime.now(UTC),
        reply_days=settings.commitments.reply_days,
        commitment_id=commitment_id,
        facility_id=facility_id,
        state=reply_state,
    )


@router.post(
    "/excess-events/{event_id}/reply",
    response_model=ExcessEventPublic,
    dependencies=[Depends(operators)],
)
def post_reply(
    event_id: RowId,
    body: ReplyIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ExcessEventPublic:
    """The facility's operator gives the cause, the corrective action and a reply, shown
    beside the event; a later reply replaces it (each one audited)."""
    return reply_to_event(
        session,
        actor=principal,
        event_id=event_id,
        reply=body,
        now=datetime.now(UTC),
        reply_days=settings.commitments.reply_days,
    )
