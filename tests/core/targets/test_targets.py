"""Targets: the baseline computed from history, progress that moves with the readings, the
judgement against the milestone path, only certified days counted, and every change audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.bulletins.figures import target_progress
from core.kit.errors import Conflict, Forbidden, InvalidInput
from core.models import AuditEvent, Role, StakeholderGroup, TargetStatus
from core.targets.schemas import (
    CertificationCreate,
    MilestoneIn,
    TargetCreate,
    TargetRevise,
)
from core.targets.service import (
    agree_target,
    certify_period,
    compute_progress,
    create_target,
    progress_series,
    revise_target,
    target_detail,
)
from tests.core.indicators.test_indicators import ZONE, flat, publish
from tests.factories import make_organisation, make_station

NOW = datetime(2026, 3, 1, 9, tzinfo=ZONE)
"""Yesterday is 2026-02-28: the provisional window of a 10-day baseline is Feb 19..28."""
AREA = "Na Phra Lan"


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def dusty(session: Session, code: str, when: list[date], value: str = "200") -> None:
    """PM10 24-h standard is 120: 200 is a day over it, 50 a day under."""
    for day in when:
        publish(session, code, "pm10", day, flat(value))


def proposal(**changes: object) -> TargetCreate:
    values: dict[str, object] = {
        "title_th": "วันเกินมาตรฐาน PM10 ลดลง",
        "title_en": "Fewer days over the PM10 standard",
        "indicator": "exceedance_days",
        "parameter": "pm10",
        "area": AREA,
        "baseline_start": date(2026, 1, 1),
        "baseline_end": date(2026, 1, 10),
        "target_value": 0,
        "deadline": date(2026, 4, 20),
    }
    return TargetCreate.model_validate(values | changes)


def backbone(session: Session) -> Principal:
    organisation = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
    return Principal(
        user_id=None, role=Role.BACKBONE, label="backbone", organisation_id=organisation.id
    )


def certify(session: Session, actor: Principal, start: date, end: date) -> None:
    certify_period(
        session,
        data=CertificationCreate(area=AREA, period_start=start, period_end=end),
        actor=actor,
        now=NOW,
        zone=ZONE,
    )


def test_the_baseline_is_computed_from_the_history(session: Session) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 7))
    dusty(session, station.code, days(date(2026, 1, 8), 3), value="50")
    actor = backbone(session)
    target = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)
    assert (target.baseline_value, target.status) == (7.0, TargetStatus.PROPOSED)
    mean = create_target(
        session, data=proposal(indicator="period_mean"), actor=actor, now=NOW, zone=ZONE
    )
    assert mean.baseline_value == pytest.approx((7 * 200 + 3 * 50) / 10)
    with pytest.raises(InvalidInput, match="no valid day"):
        create_target(
            session,
            data=proposal(baseline_start=date(2025, 1, 1), baseline_end=date(2025, 1, 10)),
            actor=actor,
            now=NOW,
            zone=ZONE,
        )


def test_progress_moves_when_readings_arrive_and_counts_only_certified_days(
    session: Session,
) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    actor = backbone(session)
    target = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)

    before = compute_progress(session, target, now=NOW, zone=ZONE)
    assert before.provisional.value is None
    assert (before.provisional.start, before.provisional.end) == (
        date(2026, 2, 19),
        date(2026, 2, 28),
    )

    dusty(session, station.code, days(date(2026, 2, 19), 3))
    dusty(session, station.code, days(date(2026, 2, 22), 6), value="50")
    after = compute_progress(session, target, now=NOW, zone=ZONE)
    assert after.provisional.value == 3.0
    assert after.provisional.valid_day_share == pytest.approx(0.9)
    assert (after.counted, after.on_track) == (None, None)

    dusty(session, station.code, [date(2026, 2, 28)])
    assert compute_progress(session, target, now=NOW, zone=ZONE).provisional.value == 4.0

    # Two adjacent certified periods make one run; the counted window is its last 10 days.
    certify(session, actor, date(2026, 2, 1), date(2026, 2, 15))
    certify(session, actor, date(2026, 2, 16), date(2026, 2, 28))
    counted = compute_progress(session, target, now=NOW, zone=ZONE).counted
    assert counted is not None
    assert (counted.start, counted.end, counted.value) == (
        date(2026, 2, 19),
        date(2026, 2, 28),
        4.0,
    )


def test_a_partly_certified_month_counts_the_latest_certified_window_only(
    session: Session,
) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    dusty(session, station.code, days(date(2026, 2, 16), 13))
    actor = backbone(session)
    target = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)
    certify(session, actor, date(2026, 2, 1), date(2026, 2, 20))
    progress = compute_progress(session, target, now=NOW, zone=ZONE)
    assert progress.provisional.value == 10.0
    assert progress.counted is not None
    assert (progress.counted.start, progress.counted.end) == (date(2026, 2, 11), date(2026, 2, 20))
    assert progress.counted.value == 5.0


def test_on_track_is_judged_against_the_milestone_path(session: Session) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    dusty(session, station.code, days(date(2026, 2, 19), 3))
    dusty(session, station.code, days(date(2026, 2, 22), 7), value="50")
    actor = backbone(session)
    certify(session, actor, date(2026, 2, 1), date(2026, 2, 28))
    straight = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)
    progress = compute_progress(session, straight, now=NOW, zone=ZONE)
    # From 10 on Jan 10 to 0 on Apr 20: 49 of 100 days gone, 5.1 expected; 3 is better.
    assert progress.expected == pytest.approx(5.1)
    assert progress.on_track is True
    assert (progress.trend, progress.improving) == (None, None)  # nothing before Feb 19

    dusty(session, station.code, days(date(2026, 2, 13), 6))
    progress = compute_progress(session, straight, now=NOW, zone=ZONE)
    assert (progress.previous.value, progress.trend, progress.improving) == (6.0, -3.0, True)

    steep = create_target(
        session,
        data=proposal(milestones=[MilestoneIn(due=date(2026, 2, 20), value=2)]),
        actor=actor,
        now=NOW,
        zone=ZONE,
    )
    progress = compute_progress(session, steep, now=NOW, zone=ZONE)
    assert progress.expected == pytest.approx(2 - 2 * 8 / 59)
    assert progress.on_track is False


def test_the_series_shows_each_window_against_the_path(session: Session) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    dusty(session, station.code, days(date(2026, 1, 21), 4))
    dusty(session, station.code, days(date(2026, 2, 25), 2))
    target = create_target(session, data=proposal(), actor=backbone(session), now=NOW, zone=ZONE)
    series = progress_series(session, target, now=NOW, zone=ZONE)
    # The baseline, then the 10-day windows ending Jan 29 and Feb 28 (Dec 30 is before it).
    assert [p.day for p in series] == [date(2026, 1, 10), date(2026, 1, 29), date(2026, 2, 28)]
    assert [p.value for p in series] == [10.0, 4.0, 2.0]
    assert [p.valid_day_share for p in series] == [1.0, 0.4, 0.2]
    # The straight path from 10 on Jan 10 to 0 on Apr 20 (100 days).
    assert [p.expected for p in series] == pytest.approx([10.0, 8.1, 5.1])


def test_agreement_and_revision_are_kept_and_audited(session: Session) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    actor = backbone(session)
    district = make_organisation(session, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
    official = Principal(
        user_id=None, role=Role.OFFICIAL, label="district officer", organisation_id=district.id
    )
    target = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)
    with pytest.raises(Forbidden):
        agree_target(
            session,
            target_id=target.id,
            actor=Principal(user_id=1, role=Role.OPERATOR, label="op", organisation_id=district.id),
            now=NOW,
            zone=ZONE,
        )
    agree_target(session, target_id=target.id, actor=official, now=NOW, zone=ZONE)
    assert target.status == TargetStatus.AGREED
    with pytest.raises(Conflict):
        agree_target(session, target_id=target.id, actor=official, now=NOW, zone=ZONE)
    agree_target(session, target_id=target.id, actor=actor, now=NOW, zone=ZONE)

    revise_target(
        session,
        target_id=target.id,
        data=TargetRevise(reason="The forum asked for 2 days a year", target_value=2),
        actor=actor,
        now=NOW,
    )
    detail = target_detail(session, target_id=target.id, viewer=Principal(), now=NOW, zone=ZONE)
    assert detail.status == TargetStatus.REVISED
    assert [s.signed_by for s in detail.signatories] == ["district officer", "backbone"]
    assert detail.signatories[0].organisation_name_en == district.name_en
    [revision] = detail.revisions
    assert (revision.before["target_value"], revision.after["target_value"]) == (0.0, 2.0)
    assert revision.reason == "The forum asked for 2 days a year"
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_id == str(target.id))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["target.propose", "target.agree", "target.agree", "target.revise"]
    with pytest.raises(InvalidInput, match="changes nothing"):
        revise_target(
            session,
            target_id=target.id,
            data=TargetRevise(reason="again", target_value=2),
            actor=actor,
            now=NOW,
        )


def test_bulletins_report_the_agreed_targets_of_their_area(session: Session) -> None:
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    dusty(session, station.code, days(date(2026, 2, 19), 3))
    actor = backbone(session)
    target = create_target(session, data=proposal(), actor=actor, now=NOW, zone=ZONE)
    assert target_progress(session, area=AREA, end=date(2026, 2, 28), zone=ZONE) == []
    agree_target(session, target_id=target.id, actor=actor, now=NOW, zone=ZONE)
    certify(session, actor, date(2026, 2, 1), date(2026, 2, 28))
    [shown] = target_progress(session, area=AREA, end=date(2026, 2, 28), zone=ZONE)
    assert shown.name_th == "วันเกินมาตรฐาน PM10 ลดลง"
    assert shown.progress == (
        "3 over the last 10 days (provisional), 3 on certified data, on track; "
        "target 0 by 2026-04-20"
    )
    assert "เป็นไปตามแผน" in shown.progress_th
    assert target_progress(session, area="Elsewhere", end=date(2026, 2, 28), zone=ZONE) == []


def test_a_revision_may_keep_a_milestone_date_and_change_its_value(session: Session) -> None:
    """The form sends every milestone back: the old rows go before the new ones are added."""
    station = make_station(session, area=AREA)
    dusty(session, station.code, days(date(2026, 1, 1), 10))
    actor = backbone(session)
    due = date(2026, 3, 1)
    target = create_target(
        session,
        data=proposal(milestones=[MilestoneIn(due=due, value=5)]),
        actor=actor,
        now=NOW,
        zone=ZONE,
    )
    revise_target(
        session,
        target_id=target.id,
        data=TargetRevise(
            reason="The forum's new path", milestones=[MilestoneIn(due=due, value=4)]
        ),
        actor=actor,
        now=NOW,
    )
    detail = target_detail(session, target_id=target.id, viewer=actor, now=NOW, zone=ZONE)
    assert [(m.due, m.value) for m in detail.milestones] == [(due, 4.0)]
