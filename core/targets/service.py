"""Shared targets: proposed by the backbone, agreed by the organisations that sign up,
revised with a reason kept, and their progress computed from the indicators each time it is
read, never typed in.

How progress is computed (stated in `ProgressPublic.rule`):
- Every window is as long as the baseline period, so that a count of days compares like with
  like. The provisional window ends yesterday (local day).
- Only days the backbone certified count: the counted window is the latest window of that
  length whose every day lies in a certified period of the target's area. Until one exists
  the target shows its provisional value only and no judgement.
- The path runs straight from the baseline (at the baseline's end) through each milestone to
  the target at the deadline; on track means the counted value is at least as good as the
  path's value at the counted window's end, in the target's direction.
- Indicators are those of `core.indicators` over public stations only: a target's figures are
  public, so they rest on public data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, SEE_ALL_PRIVATE, Principal
from core.access.scope import PUBLIC_SCOPE
from core.audit.service import record_change
from core.indicators.schemas import IndicatorsPublic
from core.indicators.service import compute_indicators
from core.kit.errors import Conflict, InvalidInput, NotFound
from core.models import (
    DataCertification,
    Organisation,
    Role,
    Station,
    Target,
    TargetDirection,
    TargetIndicator,
    TargetMilestone,
    TargetRevision,
    TargetSignatory,
    TargetStatus,
)
from core.targets.schemas import (
    CertificationCreate,
    CertificationPublic,
    MilestoneIn,
    MilestonePublic,
    ProgressPublic,
    RevisionPublic,
    SeriesPoint,
    SignatoryPublic,
    TargetCreate,
    TargetDetail,
    TargetPublic,
    TargetRevise,
    WindowValue,
)

PROPOSERS = MANAGERS
"""The backbone (and admins) propose, revise and certify."""
AGREERS = frozenset({Role.OFFICIAL, Role.BACKBONE, Role.ADMIN})
"""Officials agree for their agency; the backbone for itself."""
MAX_BASELINE_DAYS = 366
SERIES_STEP = timedelta(days=30)
SERIES_POINTS = 12
PUBLIC_STATUSES = (TargetStatus.AGREED, TargetStatus.REVISED)
PROGRESS_RULE = (
    "Each window is as long as the baseline period; the provisional one ends yesterday. Only "
    "days the backbone certified count: the counted window is the latest one whose every day "
    "is certified. The path runs straight from the baseline through each milestone to the "
    "target at the deadline; on track means the counted value is at least as good as the path "
    "at the counted window's end. Public stations only."
)


@dataclass(frozen=True)
class Scope:
    """What a target measures, enough to compute its indicator."""

    indicator: TargetIndicator
    parameter: str
    area: str | None
    station_code: str | None


def _scope(target: Target) -> Scope:
    return Scope(target.indicator, target.parameter, target.area, target.station_code)


def _pick(indicator: TargetIndicator, figures: IndicatorsPublic) -> float | None:
    if figures.valid_days.valid_days == 0:
        return None
    if indicator == TargetIndicator.EXCEEDANCE_DAYS:
        return float(figures.exceedances.days)
    if indicator == TargetIndicator.PERIOD_MEAN:
        return figures.period_mean.value
    return figures.valid_days.share


def indicator_over(
    session: Session, scope: Scope, *, start: date, end: date, zone: ZoneInfo
) -> WindowValue:
    """The target's indicator over local days start..end, from `compute_indicators`."""
    figures = compute_indicators(
        session,
        scope=PUBLIC_SCOPE,
        parameter=scope.parameter,
        start=start,
        end=end,
        zone=zone,
        station_code=scope.station_code,
        area=scope.area,
    )
    return WindowValue(
        start=start,
        end=end,
        value=_pick(scope.indicator, figures),
        valid_day_share=figures.valid_days.share,
        hour_completeness=figures.completeness.share,
    )


def _today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def area_of(session: Session, target: Target) -> str:
    """The area whose certified data count for the target: its own, or its station's."""
    if target.area is not None:
        return target.area
    station = session.scalars(select(Station).where(Station.code == target.station_code)).first()
    if station is None:
        raise NotFound(f"no station {target.station_code!r}")
    return station.area


def certified_spans(session: Session, area: str) -> list[tuple[date, date]]:
    """The area's certified days as disjoint runs of consecutive days, oldest first."""
    periods = session.execute(
        select(DataCertification.period_start, DataCertification.period_end)
        .where(DataCertification.area == area)
        .order_by(DataCertification.period_start)
    ).all()
    spans: list[tuple[date, date]] = []
    for start, end in periods:
        if spans and start <= spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def counted_window(
    spans: Sequence[tuple[date, date]], *, length: int, last_day: date
) -> tuple[date, date] | None:
    """The latest window of `length` days, ending by `last_day`, wholly certified."""
    for start, end in reversed(spans):
        window_end = min(end, last_day)
        window_start = window_end - timedelta(days=length - 1)
        if window_start >= start:
            return window_start, window_end
    return None


def path_value(target: Target, day: date) -> float:
    """The value the straight path through baseline, milestones and target asks for."""
    points = [
        (target.baseline_end, target.baseline_value),
        *((m.due, m.value) for m in target.milestones),
        (target.deadline, target.target_value),
    ]
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    return points[-1][1]


def _better_or_equal(direction: TargetDirection, value: float, than: float) -> bool:
    return value <= than if direction == TargetDirection.LOWER else value >= than


def compute_progress(
    session: Session, target: Target, *, now: datetime, zone: ZoneInfo
) -> ProgressPublic:
    scope = _scope(target)
    length = (target.baseline_end - target.baseline_start).days + 1
    yesterday = _today(now, zone) - timedelta(days=1)
    window = timedelta(days=length)
    provisional = indicator_over(
        session, scope, start=yesterday - window + timedelta(days=1), end=yesterday, zone=zone
    )
    previous = indicator_over(
        session,
        scope,
        start=provisional.start - window,
        end=provisional.start - timedelta(days=1),
        zone=zone,
    )
    certified = counted_window(
        certified_spans(session, area_of(session, target)), length=length, last_day=yesterday
    )
    counted = (
        indicator_over(session, scope, start=certified[0], end=certified[1], zone=zone)
        if certified is not None
        else None
    )
    trend = (
        provisional.value - previous.value
        if provisional.value is not None and previous.value is not None
        else None
    )
    expected = path_value(target, counted.end) if counted is not None else None
    on_track = (
        _better_or_equal(target.direction, counted.value, expected)
        if counted is not None and counted.value is not None and expected is not None
        else None
    )
    return ProgressPublic(
        window_days=length,
        provisional=provisional,
        counted=counted,
        previous=previous,
        trend=trend,
        improving=(
            None
            if trend is None or trend == 0
            else (trend < 0) == (target.direction == TargetDirection.LOWER)
        ),
        expected=expected,
        on_track=on_track,
        rule=PROGRESS_RULE,
    )


def progress_series(
    session: Session, target: Target, *, now: datetime, zone: ZoneInfo
) -> list[SeriesPoint]:
    """The indicator over time: the baseline, then a window of the baseline's length ending
    every 30 days back from yesterday (at most 12, none before the baseline ended), each with
    the path's value for that day, so a chart shows the trend against the milestones."""
    scope = _scope(target)
    length = timedelta(days=(target.baseline_end - target.baseline_start).days + 1)
    yesterday = _today(now, zone) - timedelta(days=1)
    ends = [
        end
        for n in range(SERIES_POINTS)
        if (end := yesterday - n * SERIES_STEP) > target.baseline_end
    ]
    baseline = indicator_over(
        session, scope, start=target.baseline_start, end=target.baseline_end, zone=zone
    )
    points = [
        SeriesPoint(
            day=target.baseline_end,
            value=target.baseline_value,
            expected=target.baseline_value,
            valid_day_share=baseline.valid_day_share,
        )
    ]
    for end in reversed(ends):
        window = indicator_over(
            session, scope, start=end - length + timedelta(days=1), end=end, zone=zone
        )
        points.append(
            SeriesPoint(
                day=end,
                value=window.value,
                expected=path_value(target, end),
                valid_day_share=window.valid_day_share,
            )
        )
    return points


def _snapshot(target: Target) -> dict[str, Any]:
    return {
        "title_th": target.title_th,
        "title_en": target.title_en,
        "target_value": target.target_value,
        "deadline": target.deadline.isoformat(),
        "status": target.status.value,
        "milestones": [[m.due.isoformat(), m.value] for m in target.milestones],
    }


def _milestones(rows: list[MilestoneIn]) -> list[TargetMilestone]:
    return [TargetMilestone(due=m.due, value=m.value) for m in sorted(rows, key=lambda m: m.due)]


def create_target(
    session: Session, *, data: TargetCreate, actor: Principal, now: datetime, zone: ZoneInfo
) -> Target:
    """A proposed target, its baseline computed from the data of the baseline period."""
    actor.require_role(*PROPOSERS)
    if (data.baseline_end - data.baseline_start).days + 1 > MAX_BASELINE_DAYS:
        raise InvalidInput(f"the baseline is at most {MAX_BASELINE_DAYS} days")
    if data.baseline_end >= _today(now, zone):
        raise InvalidInput("the baseline must have ended before today")
    scope = Scope(data.indicator, data.parameter, data.area, data.station_code)
    try:
        baseline = indicator_over(
            session, scope, start=data.baseline_start, end=data.baseline_end, zone=zone
        )
    except NotFound as error:
        raise InvalidInput(str(error)) from error
    if baseline.value is None:
        raise InvalidInput("the baseline period has no valid day of data: choose another")
    target = Target(
        title_th=data.title_th,
        title_en=data.title_en,
        indicator=data.indicator,
        parameter=data.parameter,
        area=data.area,
        station_code=data.station_code,
        baseline_start=data.baseline_start,
        baseline_end=data.baseline_end,
        baseline_value=baseline.value,
        target_value=data.target_value,
        deadline=data.deadline,
        direction=data.direction,
        status=TargetStatus.PROPOSED,
        proposed_by=actor.label[:400],
        created_at=now,
        updated_at=now,
        milestones=_milestones(data.milestones),
    )
    session.add(target)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="target.propose",
        entity="target",
        entity_id=str(target.id),
        before=None,
        after=_snapshot(target) | {"baseline_value": target.baseline_value},
    )
    return target


def _get(session: Session, target_id: int) -> Target:
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound(f"no target {target_id}")
    return target


def agree_target(
    session: Session, *, target_id: int, actor: Principal, now: datetime, zone: ZoneInfo
) -> Target:
    """The actor's organisation signs up to the target; the first signature agrees it."""
    actor.require_role(*AGREERS)
    target = _get(session, target_id)
    if target.status == TargetStatus.RETIRED:
        raise Conflict("the target was retired")
    if actor.organisation_id is None:
        raise InvalidInput("you sign for an organisation: your account has none")
    if any(s.organisation_id == actor.organisation_id for s in target.signatories):
        raise Conflict("your organisation has already agreed to this target")
    before = _snapshot(target)
    target.signatories.append(
        TargetSignatory(
            organisation_id=actor.organisation_id,
            signed_on=_today(now, zone),
            signed_by=actor.label[:400],
        )
    )
    if target.status == TargetStatus.PROPOSED:
        target.status = TargetStatus.AGREED
    target.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        action="target.agree",
        entity="target",
        entity_id=str(target.id),
        before=before | {"organisation_id": None},
        after=_snapshot(target) | {"organisation_id": actor.organisation_id},
    )
    return target


def revise_target(
    session: Session, *, target_id: int, data: TargetRevise, actor: Principal, now: datetime
) -> Target:
    """Changes a target and keeps the reason with what changed, in the target and the log."""
    actor.require_role(*PROPOSERS)
    target = _get(session, target_id)
    if target.status == TargetStatus.RETIRED:
        raise Conflict("the target was retired")
    before = _snapshot(target)
    if data.title_th is not None:
        target.title_th = data.title_th
    if data.title_en is not None:
        target.title_en = data.title_en
    if data.target_value is not None:
        target.target_value = data.target_value
    if data.deadline is not None:
        if data.deadline <= target.baseline_end:
            raise InvalidInput("the deadline must come after the baseline")
        target.deadline = data.deadline
    if data.milestones is not None:
        target.milestones.clear()
        session.flush()  # the old rows go first: the new ones may keep their dates
        target.milestones = _milestones(data.milestones)
    if any(not target.baseline_end < m.due < target.deadline for m in target.milestones):
        raise InvalidInput("milestones fall after the baseline and before the deadline")
    if (
        target.indicator == TargetIndicator.VALID_SHARE
        and max([target.target_value, *(m.value for m in target.milestones)]) > 1
    ):
        raise InvalidInput("a share of valid days is between 0 and 1")
    if data.retire:
        target.status = TargetStatus.RETIRED
    elif target.status == TargetStatus.AGREED:
        target.status = TargetStatus.REVISED
    after = _snapshot(target)
    if after == before:
        raise InvalidInput("the revision changes nothing")
    target.updated_at = now
    target.revisions.append(
        TargetRevision(at=now, by=actor.label[:400], reason=data.reason, before=before, after=after)
    )
    session.flush()
    record_change(
        session,
        actor=actor,
        action="target.revise",
        entity="target",
        entity_id=str(target.id),
        before=before,
        after=after | {"reason": data.reason},
    )
    return target


def certify_period(
    session: Session, *, data: CertificationCreate, actor: Principal, now: datetime, zone: ZoneInfo
) -> DataCertification:
    """The backbone states that an area's data over a past period were checked."""
    actor.require_role(*PROPOSERS)
    if data.period_end >= _today(now, zone):
        raise InvalidInput("only days that have ended can be certified")
    if session.scalars(select(Station.id).where(Station.area == data.area)).first() is None:
        raise InvalidInput(f"no area {data.area!r}")
    exists = session.scalars(
        select(DataCertification.id).where(
            DataCertification.area == data.area,
            DataCertification.period_start == data.period_start,
            DataCertification.period_end == data.period_end,
        )
    ).first()
    if exists is not None:
        raise Conflict("this period of this area is already certified")
    certification = DataCertification(
        area=data.area,
        period_start=data.period_start,
        period_end=data.period_end,
        certified_by=actor.label[:400],
        certified_at=now,
    )
    session.add(certification)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="data.certify",
        entity="data_certification",
        entity_id=str(certification.id),
        before=None,
        after={
            "area": data.area,
            "period_start": data.period_start.isoformat(),
            "period_end": data.period_end.isoformat(),
        },
    )
    return certification


def certification_public(certification: DataCertification) -> CertificationPublic:
    return CertificationPublic.model_validate(certification, from_attributes=True)


def _sees_proposed(viewer: Principal) -> bool:
    return viewer.has_role(*SEE_ALL_PRIVATE)


def _visible(target: Target, viewer: Principal) -> bool:
    return target.status in PUBLIC_STATUSES or _sees_proposed(viewer)


def target_public(session: Session, target: Target) -> TargetPublic:
    names = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                Organisation.id.in_([s.organisation_id for s in target.signatories])
            )
        )
    }
    return TargetPublic(
        **{
            name: getattr(target, name)
            for name in TargetPublic.model_fields
            if name not in ("milestones", "signatories")
        },
        milestones=[MilestonePublic(due=m.due, value=m.value) for m in target.milestones],
        signatories=[
            SignatoryPublic(
                organisation_id=s.organisation_id,
                organisation_name_th=names[s.organisation_id].name_th,
                organisation_name_en=names[s.organisation_id].name_en,
                signed_on=s.signed_on,
                signed_by=s.signed_by,
            )
            for s in target.signatories
        ],
    )


def list_targets(session: Session, *, viewer: Principal) -> list[TargetPublic]:
    """Agreed and revised targets for everyone; proposed and retired ones for staff too."""
    query = select(Target).order_by(Target.id)
    if not _sees_proposed(viewer):
        query = query.where(Target.status.in_(PUBLIC_STATUSES))
    return [target_public(session, t) for t in session.scalars(query)]


def target_detail(
    session: Session, *, target_id: int, viewer: Principal, now: datetime, zone: ZoneInfo
) -> TargetDetail:
    target = session.get(Target, target_id)
    if target is None or not _visible(target, viewer):
        raise NotFound(f"no target {target_id}")
    return TargetDetail(
        **target_public(session, target).model_dump(),
        revisions=[
            RevisionPublic(at=r.at, by=r.by, reason=r.reason, before=r.before, after=r.after)
            for r in target.revisions
        ],
        progress=compute_progress(session, target, now=now, zone=zone),
    )


def agreed_targets_of_area(
    session: Session, *, area: str, now: datetime, zone: ZoneInfo
) -> list[tuple[Target, ProgressPublic]]:
    """The area's agreed targets (and its stations' ones) with their progress, for bulletins."""
    codes = select(Station.code).where(Station.area == area)
    targets = session.scalars(
        select(Target)
        .where(
            Target.status.in_(PUBLIC_STATUSES),
            (Target.area == area) | Target.station_code.in_(codes),
        )
        .order_by(Target.id)
    ).all()
    return [(t, compute_progress(session, t, now=now, zone=zone)) for t in targets]


def targets_overview(
    session: Session, *, viewer: Principal, now: datetime, zone: ZoneInfo
) -> list[TargetDetail]:
    """Every target the viewer may see with its progress: the case at a glance."""
    return [
        target_detail(session, target_id=t.id, viewer=viewer, now=now, zone=zone)
        for t in list_targets(session, viewer=viewer)
    ]


def list_certifications(session: Session) -> list[CertificationPublic]:
    """Every certified period, newest first: what the backbone has checked so far."""
    query = select(DataCertification).order_by(
        DataCertification.period_end.desc(), DataCertification.id.desc()
    )
    return [certification_public(c) for c in session.scalars(query)]
