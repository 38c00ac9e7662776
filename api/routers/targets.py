"""Shared targets: everyone reads the agreed ones with their progress; the backbone proposes
and revises; officials and the backbone agree for their organisation; the backbone certifies
an area's data for a period so that it counts towards the targets."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep, SettingsDep
from core.kit.db import RowId
from core.targets.schemas import (
    CertificationCreate,
    CertificationPublic,
    TargetCreate,
    TargetDetail,
    TargetPublic,
    TargetRevise,
)
from core.targets.service import (
    AGREERS,
    PROPOSERS,
    agree_target,
    certification_public,
    certify_period,
    create_target,
    list_targets,
    revise_target,
    target_detail,
    target_public,
)

router = APIRouter(prefix="/targets", tags=["targets"])
certifications_router = APIRouter(prefix="/certifications", tags=["targets"])

proposers = require_roles(*PROPOSERS)
agreers = require_roles(*AGREERS)


@router.get("", response_model=list[TargetPublic], dependencies=[Depends(public)])
def get_targets(session: SessionDep, principal: PrincipalDep) -> list[TargetPublic]:
    """Agreed and revised targets; officials, the backbone and admins also see proposed and
    retired ones."""
    return list_targets(session, viewer=principal)


@router.get("/{target_id}", response_model=TargetDetail, dependencies=[Depends(public)])
def get_target(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, target_id: RowId
) -> TargetDetail:
    """One target with its revisions and its progress computed from the indicators now."""
    return target_detail(
        session, target_id=target_id, viewer=principal, now=datetime.now(UTC), zone=settings.zone
    )


@router.post(
    "",
    response_model=TargetPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(proposers)],
)
def post_target(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: TargetCreate
) -> TargetPublic:
    """Propose a target; its baseline value is computed from the baseline period's data
    (422 when that period has no valid day)."""
    target = create_target(
        session, data=body, actor=principal, now=datetime.now(UTC), zone=settings.zone
    )
    return target_public(session, target)


@router.post("/{target_id}/agree", response_model=TargetPublic, dependencies=[Depends(agreers)])
def post_agree(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, target_id: RowId
) -> TargetPublic:
    """The caller's organisation signs up to the target (409 if it already has)."""
    target = agree_target(
        session, target_id=target_id, actor=principal, now=datetime.now(UTC), zone=settings.zone
    )
    return target_public(session, target)


@router.put("/{target_id}", response_model=TargetPublic, dependencies=[Depends(proposers)])
def put_target(
    session: SessionDep, principal: PrincipalDep, target_id: RowId, body: TargetRevise
) -> TargetPublic:
    """Revise a target with a reason; the reason and what changed are kept."""
    target = revise_target(
        session, target_id=target_id, data=body, actor=principal, now=datetime.now(UTC)
    )
    return target_public(session, target)


@certifications_router.post(
    "",
    response_model=CertificationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(proposers)],
)
def post_certification(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: CertificationCreate
) -> CertificationPublic:
    """Certify an area's data over past local days: only certified days count towards
    targets."""
    return certification_public(
        certify_period(
            session, data=body, actor=principal, now=datetime.now(UTC), zone=settings.zone
        )
    )
