"""One page per target (monitoring, evaluation and learning): the target and its progress,
its indicator over time against the path, and what happens in its area that bears on it:
the facilities' commitments with their breaches and replies, and the villagers' complaints."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.commitments.service import list_commitments, list_events
from core.complaints.service import count_by_status, list_complaints
from core.kit.errors import NotFound
from core.models import Station, Target
from core.targets.service import area_of, progress_series, target_detail
from core.workspace.schemas import CommitmentInArea, ComplaintsInArea, TargetWorkspace

COMPLAINTS_SHOWN = 10


def _area_station_codes(session: Session, area: str) -> set[str]:
    return set(session.scalars(select(Station.code).where(Station.area == area)))


def target_workspace(
    session: Session,
    *,
    target_id: int,
    viewer: Principal,
    now: datetime,
    zone: ZoneInfo,
    reply_days: int,
) -> TargetWorkspace:
    """Everything the target's page shows, each part as the viewer may see it: commitments
    and their events by the commitments' own rules, complaints anonymised."""
    detail = target_detail(session, target_id=target_id, viewer=viewer, now=now, zone=zone)
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound(f"no target {target_id}")
    area = area_of(session, target)
    codes = _area_station_codes(session, area)
    commitments = [
        CommitmentInArea(
            commitment=commitment,
            events=list_events(
                session,
                actor=viewer,
                now=now,
                reply_days=reply_days,
                commitment_id=commitment.id,
            ),
        )
        for commitment in list_commitments(session, actor=viewer)
        if codes.intersection(commitment.station_codes)
    ]
    counts = count_by_status(session, village=area)
    return TargetWorkspace(
        target=detail,
        area=area,
        series=progress_series(session, target, now=now, zone=zone),
        commitments=commitments,
        complaints=ComplaintsInArea(
            open=sum(n for status, n in counts.items() if not status.closed),
            closed=sum(n for status, n in counts.items() if status.closed),
            by_status={status.value: n for status, n in counts.items()},
            latest=list_complaints(session, village=area, limit=COMPLAINTS_SHOWN),
        ),
    )
