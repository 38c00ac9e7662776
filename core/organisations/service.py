"""Registering and editing organisations (backbone staff and admins), and listing them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, Principal
from core.audit.service import record_change
from core.kit.errors import Conflict, InvalidInput, NotFound
from core.models import Organisation, OrganisationContact
from core.organisations.schemas import (
    Contact,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
)


def organisation_public(organisation: Organisation, *, viewer: Principal) -> OrganisationPublic:
    """Contacts are personal data: the public gets the organisation without them."""
    contacts = (
        None if viewer.is_anonymous else [Contact.model_validate(c) for c in organisation.contacts]
    )
    return OrganisationPublic(
        id=organisation.id,
        name_th=organisation.name_th,
        name_en=organisation.name_en,
        stakeholder_group=organisation.stakeholder_group,
        areas=list(organisation.areas),
        contacts=contacts,
    )


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    return OrganisationPublic(
        id=organisation.id,
        name_th=organisation.name_th,
        name_en=organisation.name_en,
        stakeholder_group=organisation.stakeholder_group,
        areas=list(organisation.areas),
        contacts=[Contact.model_validate(c) for c in organisation.contacts],
    ).model_dump(mode="json")


def list_organisations(session: Session, *, viewer: Principal) -> list[OrganisationPublic]:
    query = select(Organisation).order_by(Organisation.name_en)
    return [organisation_public(o, viewer=viewer) for o in session.scalars(query)]


def get_organisation(session: Session, *, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation {organisation_id}")
    return organisation


def find_organisation(session: Session, *, reference: str) -> Organisation:
    """By id, or by its English or Thai name in any case (for the command line)."""
    if reference.isdigit():
        return get_organisation(session, organisation_id=int(reference))
    wanted = reference.strip().lower()
    found = list(
        session.scalars(
            select(Organisation).where(
                or_(
                    func.lower(Organisation.name_en) == wanted,
                    func.lower(Organisation.name_th) == wanted,
                )
            )
        )
    )
    if not found:
        raise NotFound(f"no organisation named {reference!r}")
    if len(found) > 1:
        raise InvalidInput(f"several organisations are named {reference!r}: give the id")
    return found[0]


def create_organisation(
    session: Session, *, actor: Principal, data: OrganisationCreate
) -> Organisation:
    actor.require_role(*MANAGERS)
    _ensure_name_free(session, name_en=data.name_en, except_id=None)
    organisation = Organisation(
        name_th=data.name_th,
        name_en=data.name_en,
        stakeholder_group=data.stakeholder_group,
        areas=list(data.areas),
        created_at=datetime.now(UTC),
        contacts=[OrganisationContact(**c.model_dump()) for c in data.contacts],
    )
    session.add(organisation)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity="organisation",
        entity_id=str(organisation.id),
        before=None,
        after=_snapshot(organisation),
    )
    return organisation


def update_organisation(
    session: Session, *, actor: Principal, organisation_id: int, data: OrganisationUpdate
) -> Organisation:
    actor.require_role(*MANAGERS)
    organisation = get_organisation(session, organisation_id=organisation_id)
    before = _snapshot(organisation)
    changes = data.model_dump(exclude_unset=True, exclude={"contacts"})
    if changes.get("name_en") is not None:
        _ensure_name_free(session, name_en=changes["name_en"], except_id=organisation.id)
    for field, value in changes.items():
        if value is None:
            raise InvalidInput(f"{field} cannot be empty")
        setattr(organisation, field, list(value) if field == "areas" else value)
    if data.contacts is not None:
        organisation.contacts = [OrganisationContact(**c.model_dump()) for c in data.contacts]
    session.flush()
    record_change(
        session,
        actor=actor,
        action="update",
        entity="organisation",
        entity_id=str(organisation.id),
        before=before,
        after=_snapshot(organisation),
    )
    return organisation


def _ensure_name_free(session: Session, *, name_en: str, except_id: int | None) -> None:
    query = select(Organisation.id).where(func.lower(Organisation.name_en) == name_en.lower())
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    if session.scalars(query).first() is not None:
        raise Conflict(f"an organisation named {name_en!r} already exists")
