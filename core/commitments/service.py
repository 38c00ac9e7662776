"""Commitments and their excess events as people see and act on them: who proposes and
agrees, who sees what, and the operator's right of reply.

Nothing about an event is shown to anyone outside the facility and the staff until the
operator has replied or the reply period has passed; from then on it is shown with its reply
state ('replied' with the reply beside it, or 'no_reply')."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.audit.service import record_change
from core.commitments.detection import downtime_hours
from core.commitments.schemas import (
    CommitmentCreate,
    CommitmentDetail,
    CommitmentPublic,
    ExcessEventPublic,
    ReplyIn,
    ReplyState,
    StationDowntime,
)
from core.kit.errors import Forbidden, InvalidInput, NotFound
from core.models import (
    Commitment,
    CommitmentStatus,
    ExcessEvent,
    Organisation,
    Role,
    Station,
)

STAFF = (Role.OFFICIAL, Role.BACKBONE, Role.ADMIN)
PROPOSERS = (Role.OPERATOR, Role.BACKBONE, Role.ADMIN)
DOWNTIME_PERIOD = timedelta(days=30)
"""How far back the downtime shown beside a commitment's events is counted."""


def is_facility_operator(actor: Principal, facility_id: int) -> bool:
    return actor.has_role(Role.OPERATOR) and actor.organisation_id == facility_id


def sees_everything_of(actor: Principal, facility_id: int) -> bool:
    """Staff and the facility's own operators see its commitments and events unpublished."""
    return actor.has_role(*STAFF) or is_facility_operator(actor, facility_id)


def _stations(session: Session, ids: list[int]) -> dict[int, Station]:
    return {s.id: s for s in session.scalars(select(Station).where(Station.id.in_(ids)))}


def can_see(session: Session, actor: Principal, commitment: Commitment) -> bool:
    """The public sees agreed commitments whose stations are all public."""
    if sees_everything_of(actor, commitment.facility_id):
        return True
    stations = _stations(session, commitment.station_ids).values()
    return commitment.status is CommitmentStatus.AGREED and all(s.public for s in stations)


def reply_due(event: ExcessEvent, reply_days: int) -> datetime:
    return event.detected_at + timedelta(days=reply_days)


def reply_state(event: ExcessEvent, *, now: datetime, reply_days: int) -> ReplyState:
    if event.replied_at is not None:
        return "replied"
    return "no_reply" if now >= reply_due(event, reply_days) else "awaiting_reply"


def is_published(event: ExcessEvent, *, now: datetime, reply_days: int) -> bool:
    """Published once replied to, or once the reply period has passed without a reply."""
    return reply_state(event, now=now, reply_days=reply_days) != "awaiting_reply"


def _audit_view(commitment: Commitment) -> dict[str, object]:
    return {
        "facility_id": commitment.facility_id,
        "title_en": commitment.title_en,
        "kind": commitment.kind.value,
        "station_ids": commitment.station_ids,
        "parameter": commitment.parameter,
        "averaging": commitment.averaging.value,
        "limit_value": str(commitment.limit_value),
        "window": [str(commitment.window_start), str(commitment.window_end)],
        "effective": [str(commitment.effective_from), str(commitment.effective_to)],
        "status": commitment.status.value,
    }


def create_commitment(
    session: Session, *, actor: Principal, data: CommitmentCreate, now: datetime
) -> Commitment:
    """Proposed by the backbone or by the facility's own operator; the other side agrees."""
    actor.require_role(*PROPOSERS)
    if actor.has_role(Role.OPERATOR) and actor.organisation_id != data.facility_id:
        raise Forbidden("operators propose commitments of their own facility only")
    if session.get(Organisation, data.facility_id) is None:
        raise NotFound(f"no organisation {data.facility_id}")
    stations = session.scalars(
        select(Station).where(
            Station.code.in_(data.station_codes), Station.organisation_id == data.facility_id
        )
    ).all()
    found = {s.code for s in stations}
    missing = [c for c in data.station_codes if c not in found]
    if missing:
        raise InvalidInput(f"not stations of this facility: {', '.join(missing)}")
    commitment = Commitment(
        facility_id=data.facility_id,
        title_th=data.title_th,
        title_en=data.title_en,
        kind=data.kind,
        station_ids=sorted(s.id for s in stations),
        parameter=data.parameter,
        averaging=data.averaging,
        limit_value=data.limit_value,
        window_start=data.window_start,
        window_end=data.window_end,
        effective_from=data.effective_from,
        effective_to=data.effective_to,
        status=CommitmentStatus.PROPOSED,
        proposed_at=now,
        proposed_by_label=actor.label[:400],
        proposed_by_facility=actor.has_role(Role.OPERATOR),
    )
    session.add(commitment)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="commitment.propose",
        entity="commitment",
        entity_id=str(commitment.id),
        before=None,
        after=_audit_view(commitment),
    )
    return commitment


def agree_commitment(
    session: Session, *, actor: Principal, commitment_id: int, now: datetime
) -> Commitment:
    """The side that did not propose agrees: the backbone to an operator's proposal, the
    facility's operator to the backbone's."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or not can_see(session, actor, commitment):
        raise NotFound(f"no commitment {commitment_id}")
    if commitment.status is not CommitmentStatus.PROPOSED:
        raise InvalidInput(f"the commitment is {commitment.status.value}, not proposed")
    if commitment.proposed_by_facility:
        allowed = actor.has_role(Role.BACKBONE, Role.ADMIN)
    else:
        allowed = is_facility_operator(actor, commitment.facility_id)
    if not allowed:
        raise Forbidden("the side that did not propose the commitment agrees to it")
    before = _audit_view(commitment)
    commitment.status = CommitmentStatus.AGREED
    commitment.agreed_at = now
    commitment.agreed_by_label = actor.label[:400]
    record_change(
        session,
        actor=actor,
        action="commitment.agree",
        entity="commitment",
        entity_id=str(commitment.id),
        before=before,
        after=_audit_view(commitment),
    )
    return commitment


def _commitment_public(
    commitment: Commitment, facility: Organisation, codes: dict[int, str]
) -> CommitmentPublic:
    return CommitmentPublic(
        id=commitment.id,
        facility_id=commitment.facility_id,
        facility_name=facility.name_en,
        title_th=commitment.title_th,
        title_en=commitment.title_en,
        kind=commitment.kind,
        station_codes=[codes[i] for i in commitment.station_ids if i in codes],
        parameter=commitment.parameter,
        averaging=commitment.averaging,
        limit_value=float(commitment.limit_value),
        window_start=commitment.window_start,
        window_end=commitment.window_end,
        effective_from=commitment.effective_from,
        effective_to=commitment.effective_to,
        status=commitment.status.value,
        proposed_by_label=commitment.proposed_by_label,
        agreed_at=commitment.agreed_at,
    )


def _station_codes(session: Session) -> dict[int, str]:
    return {row.id: row.code for row in session.execute(select(Station.id, Station.code))}


def list_commitments(session: Session, *, actor: Principal) -> list[CommitmentPublic]:
    codes = _station_codes(session)
    rows = session.execute(
        select(Commitment, Organisation)
        .join(Organisation, Organisation.id == Commitment.facility_id)
        .order_by(Commitment.id)
    )
    return [_commitment_public(c, o, codes) for c, o in rows if can_see(session, actor, c)]


def _event_public(
    event: ExcessEvent, codes: dict[int, str], *, now: datetime, reply_days: int
) -> ExcessEventPublic:
    return ExcessEventPublic(
        id=event.id,
        commitment_id=event.commitment_id,
        station_code=codes.get(event.station_id, ""),
        started_at=event.started_at,
        ended_at=event.ended_at,
        peak_value=float(event.peak_value),
        hours_over=event.hours_over,
        data=event.data,
        reply_state=reply_state(event, now=now, reply_days=reply_days),
        reply_due=reply_due(event, reply_days),
        cause=event.cause,
        corrective_action=event.corrective_action,
        reply_text=event.reply_text,
        replied_at=event.replied_at,
    )


def list_events(
    session: Session,
    *,
    actor: Principal,
    now: datetime,
    reply_days: int,
    commitment_id: int | None = None,
    facility_id: int | None = None,
    state: ReplyState | None = None,
) -> list[ExcessEventPublic]:
    """Events newest first, each only if the caller may see its commitment and, outside the
    facility and the staff, only once published."""
    query = select(ExcessEvent, Commitment).join(
        Commitment, Commitment.id == ExcessEvent.commitment_id
    )
    if commitment_id is not None:
        query = query.where(ExcessEvent.commitment_id == commitment_id)
    if facility_id is not None:
        query = query.where(Commitment.facility_id == facility_id)
    codes = _station_codes(session)
    shown = []
    for event, commitment in session.execute(
        query.order_by(ExcessEvent.started_at.desc(), ExcessEvent.id.desc())
    ):
        if not can_see(session, actor, commitment):
            continue
        if not sees_everything_of(actor, commitment.facility_id) and not is_published(
            event, now=now, reply_days=reply_days
        ):
            continue
        public = _event_public(event, codes, now=now, reply_days=reply_days)
        if state is None or public.reply_state == state:
            shown.append(public)
    return shown


def commitment_detail(
    session: Session,
    *,
    actor: Principal,
    commitment_id: int,
    now: datetime,
    reply_days: int,
    zone: ZoneInfo,
) -> CommitmentDetail:
    """A commitment with the events the caller may see and each station's downtime over
    the last DOWNTIME_PERIOD (or since it took effect, if later)."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or not can_see(session, actor, commitment):
        raise NotFound(f"no commitment {commitment_id}")
    facility = session.get_one(Organisation, commitment.facility_id)
    codes = _station_codes(session)
    effective = datetime.combine(commitment.effective_from, datetime.min.time(), zone)
    since = max(now - DOWNTIME_PERIOD, effective)
    downtime = downtime_hours(session, commitment, start=since, end=now)
    events = list_events(
        session, actor=actor, now=now, reply_days=reply_days, commitment_id=commitment.id
    )
    return CommitmentDetail(
        **_commitment_public(commitment, facility, codes).model_dump(),
        events=events,
        downtime=[
            StationDowntime(station_code=codes[sid], hours_without_data=down, hours_in_period=all_)
            for sid, (down, all_) in downtime.items()
        ],
        downtime_since=since,
    )


def reply_to_event(
    session: Session,
    *,
    actor: Principal,
    event_id: int,
    reply: ReplyIn,
    now: datetime,
    reply_days: int,
) -> ExcessEventPublic:
    """The facility's operator gives cause, corrective action and a reply; it may be
    corrected later, each change audited. Nobody else replies for the facility."""
    found = session.execute(
        select(ExcessEvent, Commitment)
        .join(Commitment, Commitment.id == ExcessEvent.commitment_id)
        .where(ExcessEvent.id == event_id)
    ).one_or_none()
    if found is None:
        raise NotFound(f"no excess event {event_id}")
    event, commitment = found
    visible = can_see(session, actor, commitment) and (
        sees_everything_of(actor, commitment.facility_id)
        or is_published(event, now=now, reply_days=reply_days)
    )
    if not visible:
        raise NotFound(f"no excess event {event_id}")
    if not is_facility_operator(actor, commitment.facility_id):
        raise Forbidden("only the facility's operators reply to its excess events")
    before = {
        "cause": event.cause,
        "corrective_action": event.corrective_action,
        "reply_text": event.reply_text,
    }
    event.cause = reply.cause
    event.corrective_action = reply.corrective_action
    event.reply_text = reply.reply_text
    event.replied_at = now
    event.replied_by_label = actor.label[:400]
    session.flush()
    record_change(
        session,
        actor=actor,
        action="excess_event.reply",
        entity="excess_event",
        entity_id=str(event.id),
        before=before,
        after={
            "cause": event.cause,
            "corrective_action": event.corrective_action,
            "reply_text": event.reply_text,
        },
    )
    return _event_public(event, _station_codes(session), now=now, reply_days=reply_days)
