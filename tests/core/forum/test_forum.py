"""The forum's domain: a target in one working group at most, decisions only of held
meetings, overdue computed from the due date and the status, proposed targets kept from the
public, and every change in the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, Principal
from core.accounts.signin import principal_for_user
from core.actions.service import list_actions, set_status
from core.forum.schemas import DecisionIn, MeetingIn, MemberIn, SupersedeIn, WorkingGroupIn
from core.forum.service import (
    create_meeting,
    create_working_group,
    list_decisions,
    meeting_detail,
    record_decision,
    supersede_decision,
    update_meeting,
    update_working_group,
    working_group_detail,
    working_group_of_target,
)
from core.kit.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from core.models import (
    ActionStatus,
    AuditEvent,
    MeetingStatus,
    Organisation,
    Role,
    StakeholderGroup,
    Target,
    TargetDirection,
    TargetIndicator,
    TargetStatus,
)
from core.settings import default_zone
from tests.factories import make_organisation, make_user

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)
ZONE = default_zone()
TODAY = date(2026, 11, 30)


def make_target(
    session: Session, title: str = "Fewer dusty days", status: TargetStatus = TargetStatus.AGREED
) -> Target:
    """A target row as the targets' service leaves it (its progress is not looked at here)."""
    target = Target(
        title_th=f"{title} (th)",
        title_en=title,
        indicator=TargetIndicator.EXCEEDANCE_DAYS,
        parameter="pm10",
        area="Na Phra Lan",
        baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 1, 31),
        baseline_value=12,
        target_value=4,
        deadline=date(2027, 12, 31),
        direction=TargetDirection.LOWER,
        status=status,
        proposed_by="test",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(target)
    session.flush()
    return target


@pytest.fixture
def backbone(session: Session) -> Principal:
    org = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
    return principal_for_user(make_user(session, role=Role.BACKBONE, organisation=org))


@pytest.fixture
def district(session: Session) -> Organisation:
    return make_organisation(session, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)


def group_in(title: str, members: list[int], targets: list[int]) -> WorkingGroupIn:
    return WorkingGroupIn(
        title_th=f"{title} (th)",
        title_en=title,
        area="Na Phra Lan",
        members=[MemberIn(organisation_id=i, joined_on=date(2026, 11, 1)) for i in members],
        target_ids=targets,
    )


def meeting_in(status: MeetingStatus, **changes: object) -> MeetingIn:
    return MeetingIn.model_validate(
        {
            "title_th": "ประชุมเวทีร่วม",
            "title_en": "Joint forum",
            "starts_at": "2026-11-28T09:00:00+07:00",
            "place": "Na Phra Lan school",
            "status": status,
            "agenda": [{"text_th": "ถนนขนส่ง", "text_en": "Haul roads"}],
        }
        | changes
    )


def decision_in(organisation_id: int, due: date, targets: list[int]) -> DecisionIn:
    return DecisionIn(
        text_th="รดน้ำถนนทุกชั่วโมง",
        text_en="Water the haul road every hour",
        responsible_organisation_id=organisation_id,
        due_on=due,
        target_ids=targets,
    )


def test_a_target_belongs_to_one_working_group_at_most(
    session: Session, backbone: Principal, district: Organisation
) -> None:
    target = make_target(session)
    roads = create_working_group(
        session, actor=backbone, data=group_in("Haul roads", [district.id], [target.id]), now=NOW
    )
    with pytest.raises(Conflict):
        create_working_group(
            session, actor=backbone, data=group_in("Kilns", [], [target.id]), now=NOW
        )
    again = update_working_group(
        session,
        actor=backbone,
        group_id=roads.id,
        data=group_in("Haul roads and trucks", [district.id], [target.id]),
        now=NOW,
    )
    grouped = working_group_of_target(session, target_id=target.id)
    assert grouped is not None
    assert (grouped.id, grouped.title_en) == (again.id, "Haul roads and trucks")
    detail = working_group_detail(session, group_id=roads.id, viewer=ANONYMOUS)
    assert [(m.name_en, m.joined_on) for m in detail.members] == [
        (district.name_en, date(2026, 11, 1))
    ]
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "working_group")
    ).all()
    assert actions == ["working_group.create", "working_group.update"]


def test_only_the_backbone_keeps_the_forum(session: Session, district: Organisation) -> None:
    official = principal_for_user(make_user(session, role=Role.OFFICIAL, organisation=district))
    with pytest.raises(Forbidden):
        create_meeting(session, actor=official, data=meeting_in(MeetingStatus.PLANNED), now=NOW)
    with pytest.raises(Unauthenticated):
        create_working_group(session, actor=ANONYMOUS, data=group_in("X", [], []), now=NOW)


def test_decisions_of_a_held_meeting_with_their_status_and_overdue(
    session: Session, backbone: Principal, district: Organisation
) -> None:
    target = make_target(session)
    meeting = create_meeting(
        session, actor=backbone, data=meeting_in(MeetingStatus.PLANNED), now=NOW
    )
    with pytest.raises(InvalidInput):
        record_decision(
            session,
            actor=backbone,
            meeting_id=meeting.id,
            data=decision_in(district.id, date(2026, 12, 15), []),
            now=NOW,
        )
    held = meeting_in(MeetingStatus.HELD, participant_ids=[district.id], minutes="Agreed.")
    update_meeting(session, actor=backbone, meeting_id=meeting.id, data=held, now=NOW)
    late = record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 11, 29), [target.id]),
        now=NOW,
    )
    on_time = record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 12, 15), []),
        now=NOW,
    )
    overdue = list_decisions(session, viewer=ANONYMOUS, today=TODAY, overdue=True)
    assert [d.id for d in overdue] == [late.id]
    assert overdue[0].responsible.name_en == district.name_en
    assert [t.title_en for t in overdue[0].targets] == ["Fewer dusty days"]
    by_target = list_decisions(session, viewer=ANONYMOUS, today=TODAY, target_id=target.id)
    assert [d.id for d in by_target] == [late.id]

    supersede_decision(
        session, actor=backbone, decision_id=late.id, data=SupersedeIn(reason="x"), now=NOW
    )
    assert list_decisions(session, viewer=ANONYMOUS, today=TODAY, overdue=True) == []
    shown = meeting_detail(session, meeting_id=meeting.id, viewer=ANONYMOUS, today=TODAY)
    assert [(d.id, d.status.value, d.overdue) for d in shown.decisions] == [
        (late.id, "superseded", False),
        (on_time.id, "taken", False),
    ]
    assert [p.name_en for p in shown.participants] == [district.name_en]
    with pytest.raises(InvalidInput):
        update_meeting(
            session,
            actor=backbone,
            meeting_id=meeting.id,
            data=meeting_in(MeetingStatus.PLANNED),
            now=NOW,
        )
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity.in_(["meeting", "decision"]))
    ).all()
    assert sorted(audited) == [
        "decision.record",
        "decision.record",
        "decision.supersede",
        "meeting.create",
        "meeting.update",
    ]


def test_the_public_does_not_see_proposed_targets_of_a_decision(
    session: Session, backbone: Principal, district: Organisation
) -> None:
    proposed = make_target(session, "Draft", TargetStatus.PROPOSED)
    meeting = create_meeting(session, actor=backbone, data=meeting_in(MeetingStatus.HELD), now=NOW)
    record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 12, 15), [proposed.id]),
        now=NOW,
    )
    (public,) = list_decisions(session, viewer=ANONYMOUS, today=TODAY)
    (staff,) = list_decisions(session, viewer=backbone, today=TODAY)
    assert public.targets == []
    assert [t.title_en for t in staff.targets] == ["Draft"]


def test_a_decision_naming_a_target_becomes_a_tracked_action_of_the_responsible_organisation(
    session: Session, backbone: Principal, district: Organisation
) -> None:
    target = make_target(session)
    held = meeting_in(MeetingStatus.HELD, participant_ids=[district.id], minutes="Agreed.")
    meeting = create_meeting(session, actor=backbone, data=held, now=NOW)
    decision = record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 11, 29), [target.id]),
        now=NOW,
    )
    [action] = list_actions(session, target_id=target.id, now=NOW, zone=ZONE)
    assert (action.decision_id, action.organisation_id) == (decision.id, district.id)
    assert (action.due_date, action.status.value, action.overdue) == (
        date(2026, 11, 29),
        "planned",
        True,
    )
    assert action.title_en == decision.text_en
    [shown] = list_decisions(session, viewer=ANONYMOUS, today=TODAY, target_id=target.id)
    assert (shown.action_id, shown.action_status, shown.action_overdue) == (
        action.id,
        ActionStatus.PLANNED,
        True,
    )

    # The organisation reports progress on it like on any of its own actions.
    officer = Principal(role=Role.OFFICIAL, organisation_id=district.id, label="district officer")
    set_status(session, action_id=action.id, status=ActionStatus.DONE, actor=officer, now=NOW)
    [shown] = list_decisions(session, viewer=ANONYMOUS, today=TODAY, target_id=target.id)
    assert (shown.action_status, shown.action_overdue) == (ActionStatus.DONE, False)

    # Superseded, an unfinished action is cancelled with it.
    again = record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 12, 20), [target.id]),
        now=NOW,
    )
    supersede_decision(
        session, actor=backbone, decision_id=again.id, data=SupersedeIn(reason="merged"), now=NOW
    )
    statuses = {
        a.decision_id: a.status
        for a in list_actions(session, target_id=target.id, now=NOW, zone=ZONE)
    }
    assert statuses == {decision.id: ActionStatus.DONE, again.id: ActionStatus.CANCELLED}
    # A decision naming no target stays a decision only.
    record_decision(
        session,
        actor=backbone,
        meeting_id=meeting.id,
        data=decision_in(district.id, date(2026, 12, 20), []),
        now=NOW,
    )
    assert len(list_actions(session, now=NOW, zone=ZONE)) == 2
