"""Actions: registered by an organisation against shared targets, edited by its members and
by the backbone, read by everyone (they are public activity), every change audited.

Who may do what: any signed-in person registers and edits the actions of their own
organisation (an official for their agency, an operator for their factory, a volunteer for
their group); the backbone and admins register for any organisation and edit any action.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.actions.schemas import (
    ActionCreate,
    ActionDetail,
    ActionEdit,
    ActionPublic,
    EvidenceIn,
    EvidencePublic,
    NoteIn,
    NotePublic,
    TargetRef,
)
from core.audit.service import record_change
from core.indicators.service import choose_series
from core.kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from core.kit.text import is_storable
from core.models import (
    FINISHED_STATUSES,
    Action,
    ActionEvidence,
    ActionNote,
    ActionStatus,
    ActionTarget,
    Organisation,
    Target,
    TargetStatus,
)
from core.reports.photos import store_photo
from core.standards.parameters import parameter_by_code

DEFAULT_PARAMETER = "pm10"


def today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def is_overdue(action: Action, *, on: date) -> bool:
    """Due before `on` and neither done nor cancelled."""
    return (
        action.due_date is not None
        and action.due_date < on
        and action.status not in FINISHED_STATUSES
    )


def may_edit(actor: Principal, organisation_id: int) -> bool:
    """The backbone and admins edit any action; a person edits their organisation's."""
    if actor.is_anonymous or actor.role is None:
        return False
    return actor.is_manager or actor.organisation_id == organisation_id


def _require_edit(actor: Principal, organisation_id: int) -> None:
    if actor.is_anonymous:
        raise Unauthenticated("sign in first")
    if not may_edit(actor, organisation_id):
        raise Forbidden("only the owner organisation's members and the backbone edit its actions")


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "title_th": action.title_th,
        "title_en": action.title_en,
        "kind": action.kind.value,
        "organisation_id": action.organisation_id,
        "responsible": action.responsible,
        "start_date": action.start_date.isoformat() if action.start_date else None,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status.value,
        "parameter": action.parameter,
        "place": [action.latitude, action.longitude, action.radius_km, action.station_codes],
        "targets": [t.target_id for t in action.targets],
        "decision_id": action.decision_id,
    }


def create_action(
    session: Session, *, data: ActionCreate, actor: Principal, now: datetime
) -> Action:
    """Registers an action for the caller's organisation (any organisation for the backbone)."""
    if actor.is_anonymous:
        raise Unauthenticated("sign in first")
    organisation_id = data.organisation_id or actor.organisation_id
    if organisation_id is None:
        raise InvalidInput("name the organisation the action belongs to: your account has none")
    _require_edit(actor, organisation_id)
    if session.get(Organisation, organisation_id) is None:
        raise InvalidInput(f"no organisation {organisation_id}")
    targets = _checked_targets(session, data.target_ids)
    by_id = {t.id: t for t in targets}
    parameter = data.parameter or by_id[data.target_ids[0]].parameter or DEFAULT_PARAMETER
    info = parameter_by_code(parameter)
    if info is None:
        raise InvalidInput(f"unknown parameter {parameter!r}")
    choose_series(info, None)  # the change counts days over its Thai standard: refuse without
    action = Action(
        title_th=data.title_th,
        title_en=data.title_en,
        kind=data.kind,
        organisation_id=organisation_id,
        responsible=data.responsible,
        start_date=data.start_date,
        due_date=data.due_date,
        status=data.status,
        parameter=info.code,
        latitude=data.latitude,
        longitude=data.longitude,
        radius_km=data.radius_km,
        station_codes=list(dict.fromkeys(c.strip() for c in data.station_codes)),
        decision_id=data.decision_id,
        created_by=actor.label[:400],
        created_at=now,
        updated_at=now,
        targets=[ActionTarget(target_id=t) for t in data.target_ids],
    )
    session.add(action)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="action.register",
        entity="action",
        entity_id=str(action.id),
        before=None,
        after=_snapshot(action),
    )
    return action


def _checked_targets(session: Session, target_ids: list[int]) -> list[Target]:
    targets = session.scalars(select(Target).where(Target.id.in_(target_ids))).all()
    missing = set(target_ids) - {t.id for t in targets}
    if missing:
        raise InvalidInput(f"no target {min(missing)}")
    if any(t.status == TargetStatus.RETIRED for t in targets):
        raise InvalidInput("a retired target takes no new action")
    return list(targets)


def edit_action(
    session: Session, *, action_id: int, data: ActionEdit, actor: Principal, now: datetime
) -> Action:
    """Replaces the fields given; audited with what it was before."""
    action = get_action(session, action_id)
    _require_edit(actor, action.organisation_id)
    before = _snapshot(action)
    given = data.model_fields_set
    for name in ("title_th", "title_en", "kind", "responsible"):
        value = getattr(data, name)
        if name in given and value is not None:
            setattr(action, name, value)
    for name in ("start_date", "due_date", "decision_id"):
        if name in given:
            setattr(action, name, getattr(data, name))
    if action.start_date and action.due_date and action.due_date < action.start_date:
        raise InvalidInput("the due date comes before the start date")
    if "latitude" in given:
        action.latitude, action.longitude = data.latitude, data.longitude
        action.radius_km = data.radius_km
    if data.station_codes is not None:
        action.station_codes = list(dict.fromkeys(c.strip() for c in data.station_codes))
    if data.target_ids is not None:
        _checked_targets(session, data.target_ids)
        action.targets = [ActionTarget(target_id=t) for t in data.target_ids]
    after = _snapshot(action)
    if after == before:
        raise InvalidInput("the edit changes nothing")
    action.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        action="action.edit",
        entity="action",
        entity_id=str(action.id),
        before=before,
        after=after,
    )
    return action


def get_action(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"no action {action_id}")
    return action


def set_status(
    session: Session, *, action_id: int, status: ActionStatus, actor: Principal, now: datetime
) -> Action:
    action = get_action(session, action_id)
    _require_edit(actor, action.organisation_id)
    before = _snapshot(action)
    action.status = status
    action.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        action="action.status",
        entity="action",
        entity_id=str(action.id),
        before=before,
        after=_snapshot(action),
    )
    return action


def add_note(
    session: Session,
    *,
    action_id: int,
    data: NoteIn,
    actor: Principal,
    now: datetime,
    zone: ZoneInfo,
) -> ActionNote:
    action = get_action(session, action_id)
    _require_edit(actor, action.organisation_id)
    note = ActionNote(
        noted_on=data.noted_on or today(now, zone),
        author=actor.label[:400],
        text=data.text,
        written_at=now,
    )
    action.notes.append(note)
    action.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        action="action.note",
        entity="action_note",
        entity_id=str(note.id),
        before=None,
        after={"action_id": action.id, "noted_on": note.noted_on.isoformat(), "text": note.text},
    )
    return note


def add_evidence(
    session: Session,
    *,
    action_id: int,
    label: str,
    actor: Principal,
    now: datetime,
    link: EvidenceIn | None = None,
    photo: bytes | None = None,
    storage_dir: Path | None = None,
    max_photo_bytes: int = 0,
) -> ActionEvidence:
    """A link, or a photo kept like the reports' photos (JPEG, PNG or WebP, size-limited)."""
    action = get_action(session, action_id)
    _require_edit(actor, action.organisation_id)
    if not 1 <= len(label) <= 200 or not is_storable(label):
        raise InvalidInput("the label is 1 to 200 characters, without NUL characters")
    evidence = ActionEvidence(label=label, added_by=actor.label[:400], added_at=now)
    if link is not None:
        evidence.url = link.url
    elif photo is not None and storage_dir is not None:
        stored = store_photo(photo, storage_dir=storage_dir, max_bytes=max_photo_bytes)
        evidence.photo_name = stored.file_name
        evidence.photo_type = stored.media_type
    else:
        raise InvalidInput("give a link or a photo")
    action.evidence.append(evidence)
    action.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        action="action.evidence",
        entity="action_evidence",
        entity_id=str(evidence.id),
        before=None,
        after={
            "action_id": action.id,
            "label": evidence.label,
            "url": evidence.url,
            "photo": evidence.photo_name,
        },
    )
    return evidence


def _targets(session: Session, actions: list[Action]) -> dict[int, Target]:
    ids = {t.target_id for a in actions for t in a.targets}
    if not ids:
        return {}
    return {t.id: t for t in session.scalars(select(Target).where(Target.id.in_(ids)))}


def _organisations(session: Session, actions: list[Action]) -> dict[int, Organisation]:
    ids = {a.organisation_id for a in actions}
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def _public(
    action: Action, targets: dict[int, Target], organisations: dict[int, Organisation], on: date
) -> ActionPublic:
    owner = organisations[action.organisation_id]
    return ActionPublic(
        id=action.id,
        title_th=action.title_th,
        title_en=action.title_en,
        kind=action.kind,
        organisation_id=action.organisation_id,
        organisation_name_th=owner.name_th,
        organisation_name_en=owner.name_en,
        responsible=action.responsible,
        start_date=action.start_date,
        due_date=action.due_date,
        status=action.status,
        overdue=is_overdue(action, on=on),
        parameter=action.parameter,
        latitude=action.latitude,
        longitude=action.longitude,
        radius_km=action.radius_km,
        station_codes=action.station_codes,
        decision_id=action.decision_id,
        targets=[
            TargetRef(
                id=t.target_id,
                title_th=targets[t.target_id].title_th,
                title_en=targets[t.target_id].title_en,
            )
            for t in action.targets
        ],
        created_by=action.created_by,
        created_at=action.created_at,
        updated_at=action.updated_at,
    )


def list_actions(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    target_id: int | None = None,
    organisation_id: int | None = None,
    status: ActionStatus | None = None,
    overdue: bool | None = None,
) -> list[ActionPublic]:
    """Every action (they are public), overdue ones first, then by due date."""
    query = select(Action)
    if target_id is not None:
        query = query.where(
            Action.id.in_(select(ActionTarget.action_id).where(ActionTarget.target_id == target_id))
        )
    if organisation_id is not None:
        query = query.where(Action.organisation_id == organisation_id)
    if status is not None:
        query = query.where(Action.status == status)
    actions = list(session.scalars(query.order_by(Action.id)))
    on = today(now, zone)
    if overdue is not None:
        actions = [a for a in actions if is_overdue(a, on=on) == overdue]
    targets, organisations = _targets(session, actions), _organisations(session, actions)
    shown = [_public(a, targets, organisations, on) for a in actions]
    return sorted(shown, key=lambda a: (not a.overdue, a.due_date or date.max, a.id))


def action_detail(
    session: Session, *, action_id: int, now: datetime, zone: ZoneInfo
) -> ActionDetail:
    action = get_action(session, action_id)
    public = _public(
        action,
        _targets(session, [action]),
        _organisations(session, [action]),
        today(now, zone),
    )
    return ActionDetail(
        **public.model_dump(),
        notes=[
            NotePublic(id=n.id, noted_on=n.noted_on, author=n.author, text=n.text)
            for n in action.notes
        ],
        evidence=[
            EvidencePublic(
                id=e.id,
                label=e.label,
                url=e.url,
                photo_url=(f"/actions/{action.id}/evidence/{e.id}/photo" if e.photo_name else None),
                added_by=e.added_by,
                added_at=e.added_at,
            )
            for e in action.evidence
        ],
    )


def evidence_photo(session: Session, *, action_id: int, evidence_id: int) -> ActionEvidence:
    evidence = session.get(ActionEvidence, evidence_id)
    if evidence is None or evidence.action_id != action_id or evidence.photo_name is None:
        raise NotFound(f"no photo {evidence_id} for action {action_id}")
    return evidence
