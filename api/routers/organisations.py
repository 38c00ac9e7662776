"""The stakeholder registry."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, public, require_roles
from api.deps import SessionDep
from core.kit.db import RowId
from core.models import Role
from core.organisations.schemas import OrganisationCreate, OrganisationPublic, OrganisationUpdate
from core.organisations.service import (
    create_organisation,
    get_organisation,
    list_organisations,
    organisation_public,
    update_organisation,
)

router = APIRouter(prefix="/organisations", tags=["organisations"])

managers = require_roles(Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[OrganisationPublic], dependencies=[Depends(public)])
def get_organisations(session: SessionDep, principal: PrincipalDep) -> list[OrganisationPublic]:
    """Every organisation with its stakeholder group and areas; contacts for signed-in
    callers only."""
    return list_organisations(session, viewer=principal)


@router.get("/{organisation_id}", response_model=OrganisationPublic, dependencies=[Depends(public)])
def get_one_organisation(
    organisation_id: RowId, session: SessionDep, principal: PrincipalDep
) -> OrganisationPublic:
    organisation = get_organisation(session, organisation_id=organisation_id)
    return organisation_public(organisation, viewer=principal)


@router.post(
    "",
    response_model=OrganisationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(managers)],
)
def post_organisation(
    data: OrganisationCreate, session: SessionDep, principal: PrincipalDep
) -> OrganisationPublic:
    """Register an organisation (backbone staff, admins); 409 when the English name is taken."""
    organisation = create_organisation(session, actor=principal, data=data)
    return organisation_public(organisation, viewer=principal)


@router.patch(
    "/{organisation_id}", response_model=OrganisationPublic, dependencies=[Depends(managers)]
)
def patch_organisation(
    organisation_id: RowId, data: OrganisationUpdate, session: SessionDep, principal: PrincipalDep
) -> OrganisationPublic:
    """Change an organisation; `contacts`, when given, replaces the whole list."""
    organisation = update_organisation(
        session, actor=principal, organisation_id=organisation_id, data=data
    )
    return organisation_public(organisation, viewer=principal)
