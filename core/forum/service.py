"""The forum as people use it: the backbone keeps working groups and meetings and records the
decisions taken; everyone reads them, proposed targets aside (staff only, as on the target
pages). No contact detail of anyone is ever part of what this module shows.

`record_decision` is the single place a decision is made: a decision naming a target becomes a
tracked action of the responsible organisation in the same transaction, so neither exists
without the other. `decision_public` is the single place a decision is shown, with the
action's status beside the decision's own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import SEE_ALL_PRIVATE, Principal
from core.actions.schemas import ActionCreate
from core.actions.service import create_action, set_status
from core.actions.service import is_overdue as action_overdue
from core.audit.service import record_change
from core.forum.schemas import (
    AgendaItemIn,
    AgendaItemPublic,
    DecisionIn,
    DecisionPublic,
    DocumentPublic,
    MeetingDetail,
    MeetingIn,
    MeetingSummary,
    MemberPublic,
    OrganisationRef,
    SupersedeIn,
    TargetRef,
    WorkingGroupDetail,
    WorkingGroupIn,
    WorkingGroupPublic,
    WorkingGroupRef,
)
from core.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from core.models import (
    FINISHED_STATUSES,
    Action,
    ActionKind,
    ActionStatus,
    AgendaItem,
    Decision,
    DecisionStatus,
    DecisionTarget,
    Meeting,
    MeetingDocument,
    MeetingParticipant,
    MeetingStatus,
    Organisation,
    Role,
    Target,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTarget,
)
from core.targets.service import PUBLIC_STATUSES

KEEPERS = (Role.BACKBONE, Role.ADMIN)
ACTION_TITLE_LENGTH = 300
"""An action's title holds at most this much of the decision's text."""
"""Who creates and edits working groups and meetings and records decisions."""


# Lookups shared by the views


def _organisations(session: Session, ids: Iterable[int]) -> dict[int, Organisation]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
    return {o.id: o for o in rows}


def _targets(session: Session, ids: Iterable[int]) -> dict[int, Target]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {t.id: t for t in session.scalars(select(Target).where(Target.id.in_(wanted)))}


def _require_organisations(session: Session, ids: Sequence[int]) -> None:
    missing = sorted(set(ids) - set(_organisations(session, ids)))
    if missing:
        raise InvalidInput(f"no organisation {', '.join(map(str, missing))}")


def _require_targets(session: Session, ids: Sequence[int]) -> None:
    missing = sorted(set(ids) - set(_targets(session, ids)))
    if missing:
        raise InvalidInput(f"no target {', '.join(map(str, missing))}")


def _unique(ids: Sequence[int], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"each {what} once only")


def _sees_proposed(viewer: Principal) -> bool:
    return viewer.has_role(*SEE_ALL_PRIVATE)


def _target_refs(targets: Iterable[Target | None], viewer: Principal) -> list[TargetRef]:
    return [
        TargetRef(id=t.id, title_th=t.title_th, title_en=t.title_en)
        for t in targets
        if t is not None and (t.status in PUBLIC_STATUSES or _sees_proposed(viewer))
    ]


def _org_ref(organisation: Organisation) -> OrganisationRef:
    return OrganisationRef(
        id=organisation.id, name_th=organisation.name_th, name_en=organisation.name_en
    )


def _group_ref(group: WorkingGroup | None) -> WorkingGroupRef | None:
    if group is None:
        return None
    return WorkingGroupRef(id=group.id, title_th=group.title_th, title_en=group.title_en)


# Working groups


def _group_snapshot(group: WorkingGroup) -> dict[str, Any]:
    return {
        "title_th": group.title_th,
        "title_en": group.title_en,
        "description_th": group.description_th,
        "description_en": group.description_en,
        "area": group.area,
        "members": [[m.organisation_id, m.joined_on.isoformat()] for m in group.members],
        "target_ids": [t.target_id for t in group.targets],
    }


def _check_group(session: Session, data: WorkingGroupIn, group_id: int | None) -> None:
    organisation_ids = [m.organisation_id for m in data.members]
    _unique(organisation_ids, "member organisation")
    _unique(data.target_ids, "target")
    _require_organisations(session, organisation_ids)
    _require_targets(session, data.target_ids)
    if data.target_ids:
        taken = session.scalars(
            select(WorkingGroupTarget).where(WorkingGroupTarget.target_id.in_(data.target_ids))
        ).all()
        elsewhere = sorted(t.target_id for t in taken if t.working_group_id != group_id)
        if elsewhere:
            raise Conflict(
                "a target belongs to one working group at most; already grouped: "
                + ", ".join(map(str, elsewhere))
            )


def _fill_group(group: WorkingGroup, data: WorkingGroupIn) -> None:
    group.title_th = data.title_th
    group.title_en = data.title_en
    group.description_th = data.description_th
    group.description_en = data.description_en
    group.area = data.area or None
    joined = {m.organisation_id: m for m in group.members}
    group.members = [
        _member(joined.get(m.organisation_id), m.organisation_id, m.joined_on) for m in data.members
    ]
    kept = {t.target_id: t for t in group.targets}
    group.targets = [
        kept.get(target_id) or WorkingGroupTarget(target_id=target_id)
        for target_id in data.target_ids
    ]


def _member(
    existing: WorkingGroupMember | None, organisation_id: int, joined_on: date
) -> WorkingGroupMember:
    if existing is None:
        return WorkingGroupMember(organisation_id=organisation_id, joined_on=joined_on)
    existing.joined_on = joined_on
    return existing


def create_working_group(
    session: Session, *, actor: Principal, data: WorkingGroupIn, now: datetime
) -> WorkingGroup:
    actor.require_role(*KEEPERS)
    _check_group(session, data, None)
    group = WorkingGroup(created_at=now, updated_at=now)
    _fill_group(group, data)
    session.add(group)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="working_group.create",
        entity="working_group",
        entity_id=str(group.id),
        before=None,
        after=_group_snapshot(group),
    )
    return group


def _get_group(session: Session, group_id: int) -> WorkingGroup:
    group = session.get(WorkingGroup, group_id)
    if group is None:
        raise NotFound(f"no working group {group_id}")
    return group


def update_working_group(
    session: Session, *, actor: Principal, group_id: int, data: WorkingGroupIn, now: datetime
) -> WorkingGroup:
    """Replaces the group's text, members and targets; a member keeps its row (and so its
    place) when it stays."""
    actor.require_role(*KEEPERS)
    group = _get_group(session, group_id)
    _check_group(session, data, group.id)
    before = _group_snapshot(group)
    _fill_group(group, data)
    session.flush()
    after = _group_snapshot(group)
    if after != before:
        group.updated_at = now
    record_change(
        session,
        actor=actor,
        action="working_group.update",
        entity="working_group",
        entity_id=str(group.id),
        before=before,
        after=after,
    )
    return group


def _group_public(session: Session, group: WorkingGroup, viewer: Principal) -> WorkingGroupPublic:
    organisations = _organisations(session, (m.organisation_id for m in group.members))
    targets = _targets(session, (t.target_id for t in group.targets))
    return WorkingGroupPublic(
        id=group.id,
        title_th=group.title_th,
        title_en=group.title_en,
        description_th=group.description_th,
        description_en=group.description_en,
        area=group.area,
        members=[
            MemberPublic(
                **_org_ref(organisations[m.organisation_id]).model_dump(), joined_on=m.joined_on
            )
            for m in group.members
        ],
        targets=_target_refs((targets.get(t.target_id) for t in group.targets), viewer),
    )


def list_working_groups(session: Session, *, viewer: Principal) -> list[WorkingGroupPublic]:
    groups = session.scalars(select(WorkingGroup).order_by(WorkingGroup.title_en)).all()
    return [_group_public(session, g, viewer) for g in groups]


def working_group_detail(
    session: Session, *, group_id: int, viewer: Principal
) -> WorkingGroupDetail:
    group = _get_group(session, group_id)
    meetings = list_meetings(session, working_group_id=group.id)
    return WorkingGroupDetail(
        **_group_public(session, group, viewer).model_dump(), meetings=meetings
    )


# Meetings


def _meeting_snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "working_group_id": meeting.working_group_id,
        "title_th": meeting.title_th,
        "title_en": meeting.title_en,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "status": meeting.status.value,
        "participant_ids": [p.organisation_id for p in meeting.participants],
        "agenda": [[a.text_th, a.text_en] for a in meeting.agenda],
        "documents": [[d.label, d.url] for d in meeting.documents],
        "minutes": meeting.minutes,
    }


def _check_meeting(session: Session, data: MeetingIn) -> None:
    if data.working_group_id is not None:
        _get_group(session, data.working_group_id)
    _unique(data.participant_ids, "participant organisation")
    _require_organisations(session, data.participant_ids)


def _fill_meeting(meeting: Meeting, data: MeetingIn) -> None:
    meeting.working_group_id = data.working_group_id
    meeting.title_th = data.title_th
    meeting.title_en = data.title_en
    meeting.starts_at = data.starts_at
    meeting.place = data.place
    meeting.status = data.status
    meeting.minutes = data.minutes or None
    present = {p.organisation_id: p for p in meeting.participants}
    meeting.participants = [
        present.get(i) or MeetingParticipant(organisation_id=i) for i in data.participant_ids
    ]
    proposed = {(a.text_th, a.text_en): a.proposed_by_organisation_id for a in meeting.agenda}
    meeting.agenda = [
        AgendaItem(
            position=n,
            text_th=a.text_th,
            text_en=a.text_en,
            proposed_by_organisation_id=proposed.get((a.text_th, a.text_en)),
        )
        for n, a in enumerate(data.agenda, start=1)
    ]
    meeting.documents = [MeetingDocument(label=d.label, url=d.url) for d in data.documents]


def create_meeting(
    session: Session, *, actor: Principal, data: MeetingIn, now: datetime
) -> Meeting:
    actor.require_role(*KEEPERS)
    _check_meeting(session, data)
    meeting = Meeting(created_at=now, updated_at=now)
    _fill_meeting(meeting, data)
    session.add(meeting)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="meeting.create",
        entity="meeting",
        entity_id=str(meeting.id),
        before=None,
        after=_meeting_snapshot(meeting),
    )
    return meeting


def _get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


def update_meeting(
    session: Session, *, actor: Principal, meeting_id: int, data: MeetingIn, now: datetime
) -> Meeting:
    """Replaces the meeting's record; a meeting with decisions stays held."""
    actor.require_role(*KEEPERS)
    meeting = _get_meeting(session, meeting_id)
    if _decisions_of(session, meeting.id) and data.status is not MeetingStatus.HELD:
        raise InvalidInput("a meeting that took decisions was held")
    _check_meeting(session, data)
    before = _meeting_snapshot(meeting)
    _fill_meeting(meeting, data)
    session.flush()
    after = _meeting_snapshot(meeting)
    if after != before:
        meeting.updated_at = now
    record_change(
        session,
        actor=actor,
        action="meeting.update",
        entity="meeting",
        entity_id=str(meeting.id),
        before=before,
        after=after,
    )
    return meeting


def _summary(meeting: Meeting, groups: dict[int, WorkingGroup]) -> MeetingSummary:
    group = groups.get(meeting.working_group_id) if meeting.working_group_id else None
    return MeetingSummary(
        id=meeting.id,
        working_group=_group_ref(group),
        title_th=meeting.title_th,
        title_en=meeting.title_en,
        starts_at=meeting.starts_at,
        place=meeting.place,
        status=meeting.status,
    )


def _groups(session: Session, ids: Iterable[int | None]) -> dict[int, WorkingGroup]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(wanted)))
    return {g.id: g for g in rows}


def list_meetings(
    session: Session,
    *,
    working_group_id: int | None = None,
    joint_forum_only: bool = False,
    status: MeetingStatus | None = None,
) -> list[MeetingSummary]:
    """Newest first."""
    query = select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if working_group_id is not None:
        query = query.where(Meeting.working_group_id == working_group_id)
    if joint_forum_only:
        query = query.where(Meeting.working_group_id.is_(None))
    if status is not None:
        query = query.where(Meeting.status == status)
    meetings = session.scalars(query).all()
    groups = _groups(session, (m.working_group_id for m in meetings))
    return [_summary(m, groups) for m in meetings]


def meeting_detail(
    session: Session, *, meeting_id: int, viewer: Principal, today: date
) -> MeetingDetail:
    meeting = _get_meeting(session, meeting_id)
    organisations = _organisations(
        session,
        [p.organisation_id for p in meeting.participants]
        + [a.proposed_by_organisation_id for a in meeting.agenda if a.proposed_by_organisation_id],
    )
    summary = _summary(meeting, _groups(session, [meeting.working_group_id]))
    return MeetingDetail(
        **summary.model_dump(),
        participants=[_org_ref(organisations[p.organisation_id]) for p in meeting.participants],
        agenda=[
            AgendaItemPublic(
                position=a.position,
                text_th=a.text_th,
                text_en=a.text_en,
                proposed_by=(
                    _org_ref(organisations[a.proposed_by_organisation_id])
                    if a.proposed_by_organisation_id
                    else None
                ),
            )
            for a in meeting.agenda
        ],
        documents=[DocumentPublic(label=d.label, url=d.url) for d in meeting.documents],
        minutes=meeting.minutes,
        decisions=_decisions_public(
            session, _decisions_of(session, meeting.id), viewer=viewer, today=today
        ),
    )


def may_propose_agenda(session: Session, actor: Principal, meeting: Meeting) -> bool:
    """The backbone, and the people of an organisation invited to the meeting or member of
    its working group, while the meeting is planned."""
    if meeting.status is not MeetingStatus.PLANNED or actor.is_anonymous:
        return False
    if actor.has_role(*KEEPERS):
        return True
    if actor.organisation_id is None or actor.user_id is None:
        return False
    invited = {p.organisation_id for p in meeting.participants}
    if meeting.working_group_id is not None:
        group = _get_group(session, meeting.working_group_id)
        invited |= {m.organisation_id for m in group.members}
    return actor.organisation_id in invited


def propose_agenda_item(
    session: Session, *, actor: Principal, meeting_id: int, data: AgendaItemIn
) -> AgendaItem:
    """An item added at the end of a planned meeting's agenda, with the proposing
    organisation shown beside it."""
    if actor.is_anonymous:
        raise Unauthenticated("sign in first")
    meeting = _get_meeting(session, meeting_id)
    if meeting.status is not MeetingStatus.PLANNED:
        raise InvalidInput("items are added to the agenda of a planned meeting")
    if not may_propose_agenda(session, actor, meeting):
        raise Forbidden("only organisations invited to the meeting add to its agenda")
    before = _meeting_snapshot(meeting)
    item = AgendaItem(
        position=len(meeting.agenda) + 1,
        text_th=data.text_th,
        text_en=data.text_en,
        proposed_by_organisation_id=None if actor.has_role(*KEEPERS) else actor.organisation_id,
    )
    meeting.agenda.append(item)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="meeting.agenda_item",
        entity="meeting",
        entity_id=str(meeting.id),
        before=before,
        after=_meeting_snapshot(meeting),
    )
    return item


# Decisions


def _decisions_of(session: Session, meeting_id: int) -> Sequence[Decision]:
    return session.scalars(
        select(Decision).where(Decision.meeting_id == meeting_id).order_by(Decision.id)
    ).all()


def _decision_snapshot(decision: Decision) -> dict[str, Any]:
    return {
        "meeting_id": decision.meeting_id,
        "text_th": decision.text_th,
        "text_en": decision.text_en,
        "responsible_organisation_id": decision.responsible_organisation_id,
        "due_on": decision.due_on.isoformat(),
        "status": decision.status.value,
        "superseded_reason": decision.superseded_reason,
        "target_ids": [t.target_id for t in decision.targets],
    }


def record_decision(
    session: Session, *, actor: Principal, meeting_id: int, data: DecisionIn, now: datetime
) -> Decision:
    """A decision of a held meeting: who is responsible, by when, which targets it serves.
    Audited; the tracked action it turns into is to be created here, in one transaction."""
    actor.require_role(*KEEPERS)
    meeting = _get_meeting(session, meeting_id)
    if meeting.status is not MeetingStatus.HELD:
        raise InvalidInput("decisions are recorded for a held meeting")
    _unique(data.target_ids, "target")
    _require_organisations(session, [data.responsible_organisation_id])
    _require_targets(session, data.target_ids)
    decision = Decision(
        meeting_id=meeting.id,
        text_th=data.text_th,
        text_en=data.text_en,
        responsible_organisation_id=data.responsible_organisation_id,
        due_on=data.due_on,
        status=DecisionStatus.TAKEN,
        recorded_at=now,
        recorded_by=actor.label[:400],
        targets=[DecisionTarget(target_id=i) for i in data.target_ids],
    )
    session.add(decision)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="decision.record",
        entity="decision",
        entity_id=str(decision.id),
        before=None,
        after=_decision_snapshot(decision),
    )
    if data.target_ids:
        _track(session, decision, actor=actor, now=now)
    return decision


def _track(session: Session, decision: Decision, *, actor: Principal, now: datetime) -> None:
    """The decision becomes an action of the responsible organisation towards its targets,
    due when the decision is: the organisation then reports progress on it like on any of
    its actions, and its status shows beside the decision."""
    responsible = session.get_one(Organisation, decision.responsible_organisation_id)
    create_action(
        session,
        data=ActionCreate(
            title_th=_shortened(decision.text_th),
            title_en=_shortened(decision.text_en),
            kind=ActionKind.OTHER,
            organisation_id=responsible.id,
            responsible=responsible.name_en[:200],
            due_date=decision.due_on,
            target_ids=[t.target_id for t in decision.targets],
            decision_id=decision.id,
        ),
        actor=actor,
        now=now,
    )


def _shortened(text: str, limit: int = ACTION_TITLE_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _action_of(session: Session, decision_id: int) -> Action | None:
    return session.scalars(select(Action).where(Action.decision_id == decision_id)).first()


def supersede_decision(
    session: Session, *, actor: Principal, decision_id: int, data: SupersedeIn, now: datetime
) -> Decision:
    """A later meeting replaced the decision; it stays on record with the reason, and its
    action, unless already finished, is cancelled."""
    actor.require_role(*KEEPERS)
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id}")
    if decision.status is DecisionStatus.SUPERSEDED:
        raise Conflict("the decision is already superseded")
    before = _decision_snapshot(decision)
    decision.status = DecisionStatus.SUPERSEDED
    decision.superseded_reason = data.reason
    action = _action_of(session, decision.id)
    if action is not None and action.status not in FINISHED_STATUSES:
        set_status(
            session, action_id=action.id, status=ActionStatus.CANCELLED, actor=actor, now=now
        )
    record_change(
        session,
        actor=actor,
        action="decision.supersede",
        entity="decision",
        entity_id=str(decision.id),
        before=before,
        after=_decision_snapshot(decision),
    )
    return decision


def is_overdue(decision: Decision, today: date) -> bool:
    return decision.status is DecisionStatus.TAKEN and decision.due_on < today


def decision_public(
    decision: Decision,
    *,
    meeting: Meeting,
    responsible: Organisation,
    targets: list[TargetRef],
    today: date,
    action: Action | None = None,
) -> DecisionPublic:
    """How everyone sees a decision, with the status of the action it became."""
    return DecisionPublic(
        id=decision.id,
        meeting_id=meeting.id,
        meeting_title_th=meeting.title_th,
        meeting_title_en=meeting.title_en,
        meeting_starts_at=meeting.starts_at,
        text_th=decision.text_th,
        text_en=decision.text_en,
        responsible=_org_ref(responsible),
        due_on=decision.due_on,
        status=decision.status,
        superseded_reason=decision.superseded_reason,
        overdue=is_overdue(decision, today),
        targets=targets,
        recorded_at=decision.recorded_at,
        action_id=action.id if action is not None else None,
        action_status=action.status if action is not None else None,
        action_overdue=action_overdue(action, on=today) if action is not None else None,
    )


def _decisions_public(
    session: Session, decisions: Sequence[Decision], *, viewer: Principal, today: date
) -> list[DecisionPublic]:
    meetings = {
        m.id: m
        for m in session.scalars(
            select(Meeting).where(Meeting.id.in_({d.meeting_id for d in decisions}))
        )
    }
    organisations = _organisations(session, (d.responsible_organisation_id for d in decisions))
    targets = _targets(session, (t.target_id for d in decisions for t in d.targets))
    actions = {
        a.decision_id: a
        for a in session.scalars(
            select(Action).where(Action.decision_id.in_([d.id for d in decisions]))
        )
    }
    return [
        decision_public(
            d,
            meeting=meetings[d.meeting_id],
            responsible=organisations[d.responsible_organisation_id],
            targets=_target_refs((targets.get(t.target_id) for t in d.targets), viewer),
            today=today,
            action=actions.get(d.id),
        )
        for d in decisions
    ]


def list_decisions(
    session: Session,
    *,
    viewer: Principal,
    today: date,
    meeting_id: int | None = None,
    organisation_id: int | None = None,
    target_id: int | None = None,
    overdue: bool | None = None,
    limit: int | None = None,
) -> list[DecisionPublic]:
    """Decisions newest first; `overdue` keeps only those due before today and not
    superseded (True) or only the others (False)."""
    query = select(Decision).order_by(Decision.recorded_at.desc(), Decision.id.desc())
    if meeting_id is not None:
        _get_meeting(session, meeting_id)
        query = query.where(Decision.meeting_id == meeting_id)
    if organisation_id is not None:
        query = query.where(Decision.responsible_organisation_id == organisation_id)
    if target_id is not None:
        linked = select(DecisionTarget.decision_id).where(DecisionTarget.target_id == target_id)
        query = query.where(Decision.id.in_(linked))
    if overdue is not None:
        late = (Decision.status == DecisionStatus.TAKEN) & (Decision.due_on < today)
        query = query.where(late if overdue else ~late)
    if limit is not None:
        query = query.limit(limit)
    return _decisions_public(session, session.scalars(query).all(), viewer=viewer, today=today)


def working_group_of_target(session: Session, *, target_id: int) -> WorkingGroupRef | None:
    """The working group a target belongs to, for the target's page."""
    link = session.get(WorkingGroupTarget, target_id)
    return _group_ref(session.get(WorkingGroup, link.working_group_id) if link else None)
