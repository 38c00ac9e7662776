"""Complaints: submission with the nearest readings frozen as evidence, routing to the
organisation that can act on the cause, and every later step recorded as an update.

Who sees what: anyone sees a complaint's kind, status, village, time, the assigned
organisation, the public stations' evidence and the notes the backbone made public; the
reporter (through the private link's token) and the staff see everything they need, contact
details included for the staff."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, SEE_ALL_PRIVATE, Principal
from core.audit.service import record_change
from core.complaints.followup import STILL_FIXED_NOTE, follow_up_due, measured_change
from core.complaints.incidents import assign_incident, incident_of, refresh_incident
from core.complaints.notify import tell_reporter
from core.complaints.schemas import (
    ComplaintCreate,
    ComplaintPrivate,
    ComplaintPublic,
    ComplaintReceipt,
    ComplaintUpdateCreate,
    EvidencePublic,
    ReporterReply,
    UpdatePublic,
)
from core.indicators.averages import JUDGED_PARAMETERS, load_24h_verdicts
from core.indicators.wind import sector_of, wind_sector_at
from core.kit.errors import Forbidden, InvalidInput, NotFound
from core.kit.geo import haversine_m
from core.kit.means import hourly_mean_milli
from core.kit.time import floor_hour, to_utc
from core.models import (
    CLOSED_STATUSES,
    Complaint,
    ComplaintIncident,
    ComplaintKind,
    ComplaintStatus,
    ComplaintUpdate,
    HourlyAggregate,
    Organisation,
    StakeholderGroup,
    Station,
    StationKind,
)
from core.reports.errors import ReportRefused
from core.reports.photos import discard_photo, store_photo
from core.reports.service import Storage, check_time, villages
from core.standards.parameters import BY_CODE, from_milli

EVIDENCE_RADIUS_KM = 3.0
"""Stations this close to the reported point are the complaint's evidence."""
MAX_LISTED = 500
FACTORY_CAUSES = frozenset({ComplaintKind.DUST, ComplaintKind.SMELL})
"""Causes a factory can have: routed to the Factory Act officers when a factory is near."""
LOCAL_CAUSES = frozenset({ComplaintKind.DUST, ComplaintKind.TRUCK, ComplaintKind.BURNING})
"""Road dust, trucks and burning: the subdistrict administration's power."""
STAFF = SEE_ALL_PRIVATE
SYSTEM_AUTHOR = "dustwatch"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _distance_km(station: Station, lat: float, lon: float) -> float:
    return haversine_m(station.latitude, station.longitude, lat, lon) / 1000


def _nearby_stations(
    session: Session, *, lat: float | None, lon: float | None, village: str | None
) -> list[tuple[Station, float | None]]:
    """Stations within EVIDENCE_RADIUS_KM of the point, nearest first; without a point, the
    stations of the village."""
    stations = list(session.scalars(select(Station).order_by(Station.code)))
    if lat is not None and lon is not None:
        near = sorted(((s, _distance_km(s, lat, lon)) for s in stations), key=lambda pair: pair[1])
        return [(s, km) for s, km in near if km <= EVIDENCE_RADIUS_KM]
    return [(s, None) for s in stations if s.area == village]


def collect_evidence(
    session: Session, stations: list[tuple[Station, float | None]], *, at: datetime, zone: ZoneInfo
) -> list[dict[str, Any]]:
    """Each station's hourly mean of every judged measure (PM; water quality where it is
    measured) for the hour containing `at`, and the 24-hour average judged against the Thai
    standard then (the verdict the alerts use)."""
    if not stations:
        return []
    ids = [s.id for s, _ in stations]
    hour = floor_hour(at)
    verdicts = load_24h_verdicts(
        session, at=at, zone=zone, station_ids=ids, parameters=JUDGED_PARAMETERS
    )
    hourly = {
        (row.station_id, row.parameter_id): row
        for row in session.scalars(
            select(HourlyAggregate).where(
                HourlyAggregate.station_id.in_(ids),
                HourlyAggregate.hour == hour,
                HourlyAggregate.parameter_id.in_([BY_CODE[c].id for c in JUDGED_PARAMETERS]),
            )
        )
    }
    evidence = []
    for station, km in stations:
        for code in JUDGED_PARAMETERS:
            info = BY_CODE[code]
            row = hourly.get((station.id, info.id))
            verdict = verdicts.get((station.id, info.id))
            if row is None and verdict is None:
                continue
            mean = (
                float(from_milli(hourly_mean_milli(row.value_sum_milli, row.reading_count)))
                if row is not None and row.reading_count
                else None
            )
            evidence.append(
                {
                    "station": station.code,
                    "public": station.public,
                    "kind": station.kind.value,
                    "distance_km": None if km is None else round(km, 2),
                    "parameter": info.code,
                    "unit": info.unit,
                    "hour": hour.isoformat(),
                    "hourly_mean": mean,
                    "mean_24h": (
                        float(verdict.reported)
                        if verdict is not None and verdict.reported is not None
                        else None
                    ),
                    "standard_id": (verdict.standard.id if verdict and verdict.standard else None),
                    "over_standard": verdict.over_standard if verdict else None,
                }
            )
    return evidence


def wind_near(
    session: Session,
    stations: list[tuple[Station, float | None]],
    *,
    at: datetime,
    lat: float | None,
    lon: float | None,
) -> dict[str, float | None]:
    """The wind of the hour: from the stations measuring it within 10 km of the point, or
    from the village's own stations; nothing where no wind is measured."""
    wind = wind_sector_at(
        session,
        at,
        station_ids=None if lat is not None else [s.id for s, _ in stations],
        near=(lat, lon) if lat is not None and lon is not None else None,
    )
    return {
        "wind_from_degrees": wind.direction if wind else None,
        "wind_speed": wind.speed if wind else None,
    }


def _organisation_of(
    session: Session, group: StakeholderGroup, village: str | None
) -> Organisation | None:
    """The organisation of that group responsible for the village; the first of the group
    when none names it (one district office covers a whole case)."""
    candidates = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.stakeholder_group == group)
            .order_by(Organisation.id)
        )
    )
    for organisation in candidates:
        if village is not None and village in (organisation.areas or []):
            return organisation
    return candidates[0] if candidates else None


def route(
    session: Session,
    *,
    kind: ComplaintKind,
    facility: str | None,
    village: str | None,
    near: Iterable[Station],
) -> Organisation | None:
    """Who has the legal power over the cause: a factory's case to the Department of
    Industrial Works (Factory Act), road dust, trucks and burning to the subdistrict
    administration; anything else waits for the backbone's triage."""
    factory_near = any(s.kind is StationKind.FACTORY for s in near)
    if kind in FACTORY_CAUSES and (factory_near or facility):
        found = _organisation_of(session, StakeholderGroup.MINISTRY_OF_INDUSTRY, village)
        if found is not None:
            return found
    if kind in LOCAL_CAUSES:
        return _organisation_of(session, StakeholderGroup.SUBDISTRICT_ADMINISTRATION, village)
    return None


def submit_complaint(
    session: Session,
    *,
    actor: Principal,
    data: ComplaintCreate,
    photo: bytes | None,
    storage: Storage,
    now: datetime,
    zone: ZoneInfo,
) -> ComplaintReceipt:
    """Stores a complaint from anyone, with the readings near it frozen as evidence and the
    organisation routing suggests; the token of the private link is returned once."""
    moment = to_utc(data.observed_at) if data.observed_at is not None else now
    check_time(moment, now=now)
    village = data.village.strip() if data.village is not None else None
    known = villages(session, actor=ANONYMOUS)
    if village is not None and village not in known:
        raise ReportRefused(
            f"unknown village {village!r}: choose one of {', '.join(known)}",
            field="village",
            code="unknown_village",
        )
    near = _nearby_stations(session, lat=data.latitude, lon=data.longitude, village=village)
    if village is None:
        public_near = [s for s, _ in near if s.public]
        village = public_near[0].area if public_near else None
    organisation = route(
        session,
        kind=data.kind,
        facility=data.facility,
        village=village,
        near=[s for s, _ in near],
    )
    token = secrets.token_urlsafe(24)
    stored = (
        store_photo(photo, storage_dir=storage.dir, max_bytes=storage.max_photo_bytes)
        if photo
        else None
    )
    complaint = Complaint(
        kind=data.kind,
        observed_at=moment,
        latitude=data.latitude,
        longitude=data.longitude,
        village=village,
        note=data.note.strip(),
        facility=(data.facility or "").strip() or None,
        photo_file=stored.file_name if stored else None,
        photo_type=stored.media_type if stored else None,
        photo_bytes=stored.size if stored else None,
        contact_name=(data.contact_name or "").strip() or None,
        contact_phone=(data.contact_phone or "").strip() or None,
        contact_email=data.contact_email,
        reporter_id=actor.user_id,
        token_hash=hash_token(token),
        status=ComplaintStatus.OPEN,
        organisation_id=organisation.id if organisation else None,
        evidence=collect_evidence(session, near, at=moment, zone=zone),
        **wind_near(session, near, at=moment, lat=data.latitude, lon=data.longitude),
        created_at=now,
        updated_at=now,
    )
    try:
        session.add(complaint)
        session.flush()
        incident = assign_incident(session, complaint, now=now, chosen=data.incident)
    except Exception:
        if stored is not None:
            discard_photo(storage.dir, stored.file_name)
        raise
    if organisation is not None:
        session.add(
            ComplaintUpdate(
                complaint_id=complaint.id,
                status_before=None,
                status=ComplaintStatus.OPEN,
                organisation_id=organisation.id,
                note=f"routed to {organisation.name_en}",
                public=True,
                author=SYSTEM_AUTHOR,
                created_at=now,
            )
        )
    # Contact details are left out of the audit log: it is read more widely than the case.
    record_change(
        session,
        actor=actor,
        action="create",
        entity="complaint",
        entity_id=complaint.public_id,
        before=None,
        after={
            "kind": complaint.kind.value,
            "observed_at": moment.isoformat(),
            "village": village,
            "organisation_id": complaint.organisation_id,
            "photo": stored is not None,
            "incident": incident.public_id,
            "contact": bool(
                complaint.contact_name or complaint.contact_phone or data.contact_email
            ),
        },
    )
    return ComplaintReceipt(
        id=complaint.public_id,
        status=complaint.status,
        organisation=organisation.name_en if organisation else None,
        token=token,
        private_url=f"/complaints/{complaint.public_id}/private?token={token}",
        message=f"complaint {complaint.public_id} received",
    )


def _get(session: Session, public_id: str) -> Complaint:
    complaint = session.scalar(select(Complaint).where(Complaint.public_id == public_id))
    if complaint is None:
        raise NotFound(f"no complaint {public_id!r}")
    return complaint


def _by_token(session: Session, public_id: str, token: str) -> Complaint:
    complaint = _get(session, public_id)
    if not hmac.compare_digest(complaint.token_hash, hash_token(token)):
        # The same answer as an unknown complaint: a wrong token tells nothing.
        raise NotFound(f"no complaint {public_id!r}")
    return complaint


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name_en).where(Organisation.id.in_(wanted))
    )
    return {row.id: row.name_en for row in rows}


def _updates(session: Session, complaint: Complaint) -> list[ComplaintUpdate]:
    return list(
        session.scalars(
            select(ComplaintUpdate)
            .where(ComplaintUpdate.complaint_id == complaint.id)
            .order_by(ComplaintUpdate.created_at, ComplaintUpdate.id)
        )
    )


def _view(
    session: Session,
    complaint: Complaint,
    *,
    private: bool,
    private_stations: bool = False,
    now: datetime | None = None,
) -> ComplaintPublic:
    """`private`: the reporter's or staff's details; `private_stations`: factories' private
    stations in the evidence too (staff only: a reporter is the public for those)."""
    now = now or datetime.now(UTC)
    updates = _updates(session, complaint)
    names = _names(session, [complaint.organisation_id, *(u.organisation_id for u in updates)])
    common: dict[str, Any] = {
        "id": complaint.public_id,
        "kind": complaint.kind,
        "status": complaint.status,
        "closed": complaint.status.closed,
        "observed_at": complaint.observed_at,
        "village": complaint.village,
        "note": complaint.note if private or complaint.note_public else None,
        "organisation": names.get(complaint.organisation_id or 0),
        "evidence": [
            EvidencePublic.model_validate(item)
            for item in complaint.evidence
            if private_stations or item.get("public")
        ],
        "updates": [
            UpdatePublic(
                status=u.status,
                organisation=names.get(u.organisation_id or 0),
                note=u.note if private or u.public else None,
                created_at=u.created_at,
            )
            for u in updates
        ],
        "incident": incident_of(session, complaint),
        "wind_from_degrees": complaint.wind_from_degrees,
        "wind_sector": (
            sector_of(complaint.wind_from_degrees)
            if complaint.wind_from_degrees is not None
            else None
        ),
        "wind_speed": complaint.wind_speed,
        "fixed_at": complaint.fixed_at if complaint.status is ComplaintStatus.FIXED else None,
        "change": (
            measured_change(
                session,
                evidence=complaint.evidence,
                observed_at=complaint.observed_at,
                fixed_at=complaint.fixed_at,
                now=now,
            )
            if complaint.status is ComplaintStatus.FIXED
            else []
        ),
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
    }
    if not private:
        return ComplaintPublic(**common)
    return ComplaintPrivate(
        **common,
        latitude=complaint.latitude,
        longitude=complaint.longitude,
        facility=complaint.facility,
        contact_name=complaint.contact_name,
        contact_phone=complaint.contact_phone,
        contact_email=complaint.contact_email,
        has_photo=complaint.photo_file is not None,
        follow_up_due=follow_up_due(complaint, now=now),
    )


def _may_act(actor: Principal, complaint: Complaint) -> bool:
    """The backbone and admins on any complaint; the assigned organisation's people on
    theirs."""
    if actor.is_manager:
        return True
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and actor.organisation_id == complaint.organisation_id
    )


def public_complaint(
    session: Session, public_id: str, *, now: datetime | None = None
) -> ComplaintPublic:
    return _view(session, _get(session, public_id), private=False, now=now)


def private_complaint(
    session: Session,
    public_id: str,
    *,
    token: str | None,
    viewer: Principal,
    now: datetime | None = None,
) -> ComplaintPrivate:
    """The reporter's view through the token, or the staff's (backbone, admins, officials
    and the assigned organisation's people) without it."""
    if token:
        complaint = _by_token(session, public_id, token)
    else:
        complaint = _get(session, public_id)
        if not (viewer.has_role(*STAFF) or _may_act(viewer, complaint)):
            raise NotFound(f"no complaint {public_id!r}")
    staff = viewer.has_role(*STAFF)
    view = _view(session, complaint, private=True, private_stations=staff, now=now)
    assert isinstance(view, ComplaintPrivate)
    return view


def list_complaints(
    session: Session,
    *,
    status: ComplaintStatus | None = None,
    village: str | None = None,
    limit: int = 100,
) -> list[ComplaintPublic]:
    """Newest first, anonymised for anyone."""
    query = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id.desc())
    if status is not None:
        query = query.where(Complaint.status == status)
    if village is not None:
        query = query.where(Complaint.village == village)
    rows = session.scalars(query.limit(min(limit, MAX_LISTED)))
    return [_view(session, c, private=False) for c in rows]


def count_by_status(session: Session, *, village: str) -> dict[ComplaintStatus, int]:
    """How many of the village's complaints are in each status."""
    rows = session.execute(
        select(Complaint.status, func.count())
        .where(Complaint.village == village)
        .group_by(Complaint.status)
    )
    return {status: int(count) for status, count in rows}


def add_update(
    session: Session,
    *,
    actor: Principal,
    public_id: str,
    data: ComplaintUpdateCreate,
    now: datetime,
) -> ComplaintPrivate:
    """A status change, a hand-off or a note by the backbone, or by the assigned
    organisation's people (who may not hand the case on: reassignment is the backbone's)."""
    complaint = _get(session, public_id)
    if actor.is_anonymous:
        raise NotFound(f"no complaint {public_id!r}")
    if not _may_act(actor, complaint):
        raise Forbidden("only the backbone and the assigned organisation update a complaint")
    before = _snapshot(complaint)
    if data.organisation_id is not None and data.organisation_id != complaint.organisation_id:
        if not actor.is_manager:
            raise Forbidden("only the backbone hands a complaint to another organisation")
        if session.get(Organisation, data.organisation_id) is None:
            raise InvalidInput(f"no organisation {data.organisation_id}")
        complaint.organisation_id = data.organisation_id
    if data.note_public is not None:
        if not actor.is_manager:
            raise Forbidden("only the backbone makes a reporter's note public")
        complaint.note_public = data.note_public
    previous = complaint.status
    if data.status is not None:
        complaint.status = data.status
        if data.status is ComplaintStatus.FIXED and previous is not ComplaintStatus.FIXED:
            complaint.fixed_at = now
            complaint.follow_up_asked_at = None
        elif data.status is not ComplaintStatus.FIXED:
            complaint.fixed_at = None
    complaint.updated_at = now
    session.add(
        ComplaintUpdate(
            complaint_id=complaint.id,
            status_before=previous,
            status=complaint.status,
            organisation_id=complaint.organisation_id,
            note=data.note.strip(),
            public=data.public,
            author_id=actor.user_id,
            author=actor.label[:200],
            created_at=now,
        )
    )
    session.flush()
    _refresh_incident_of(session, complaint, now=now)
    if complaint.contact_email and (complaint.status is not previous or data.public):
        tell_reporter(session, complaint, note=data.note.strip() if data.public else "", now=now)
    record_change(
        session,
        actor=actor,
        action="update",
        entity="complaint",
        entity_id=complaint.public_id,
        before=before,
        after=_snapshot(complaint) | {"note": data.note.strip(), "public": data.public},
    )
    return private_complaint(session, public_id, token=None, viewer=actor, now=now)


def _refresh_incident_of(session: Session, complaint: Complaint, *, now: datetime) -> None:
    if complaint.incident_id is not None:
        incident = session.get(ComplaintIncident, complaint.incident_id)
        if incident is not None:
            refresh_incident(session, incident, now=now)


def reporter_reply(
    session: Session, *, public_id: str, token: str, data: ReporterReply, now: datetime
) -> ComplaintPrivate:
    """The reporter says it is not fixed: a closed complaint opens again (confirmed: the
    backbone has seen it before), an open one gets the note."""
    complaint = _by_token(session, public_id, token)
    before = _snapshot(complaint)
    previous = complaint.status
    if complaint.status.closed:
        complaint.status = ComplaintStatus.CONFIRMED
        complaint.fixed_at = None
    complaint.updated_at = now
    _reporter_step(
        session,
        complaint,
        status_before=previous,
        note=data.note.strip(),
        public=False,
        before=before,
        after=_snapshot(complaint) | {"reporter_reply": True},
        now=now,
    )
    _refresh_incident_of(session, complaint, now=now)
    return private_complaint(session, public_id, token=token, viewer=ANONYMOUS, now=now)


def _reporter_step(
    session: Session,
    complaint: Complaint,
    *,
    status_before: ComplaintStatus,
    note: str,
    public: bool,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    now: datetime,
) -> None:
    """What the reporter did through the private link, as an update and in the audit log."""
    session.add(
        ComplaintUpdate(
            complaint_id=complaint.id,
            status_before=status_before,
            status=complaint.status,
            organisation_id=complaint.organisation_id,
            note=note,
            public=public,
            author="reporter",
            created_at=now,
        )
    )
    session.flush()
    record_change(
        session,
        actor=Principal(label="complaint reporter"),
        action="update",
        entity="complaint",
        entity_id=complaint.public_id,
        before=before,
        after=after,
    )


def reporter_still_fixed(
    session: Session, *, public_id: str, token: str, now: datetime
) -> ComplaintPrivate:
    """The reporter's answer to the follow-up: still fixed. Recorded; the case stays closed."""
    complaint = _by_token(session, public_id, token)
    if complaint.status is not ComplaintStatus.FIXED:
        raise InvalidInput("only a fixed complaint can be confirmed as still fixed")
    complaint.updated_at = now
    complaint.follow_up_asked_at = complaint.follow_up_asked_at or now
    _reporter_step(
        session,
        complaint,
        status_before=complaint.status,
        note=STILL_FIXED_NOTE,
        public=True,
        before=None,
        after={"still_fixed": True},
        now=now,
    )
    return private_complaint(session, public_id, token=token, viewer=ANONYMOUS, now=now)


def triage_complaints(
    session: Session,
    *,
    actor: Principal,
    status: ComplaintStatus | None = None,
    kind: ComplaintKind | None = None,
    village: str | None = None,
    organisation_id: int | None = None,
    unassigned: bool = False,
    limit: int = 100,
    now: datetime | None = None,
) -> list[ComplaintPrivate]:
    """The staff's work list, newest first: every complaint for the backbone and admins, the
    ones assigned to their organisation for anyone else signed in."""
    if actor.is_anonymous:
        raise Forbidden("sign in to triage complaints")
    query = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id.desc())
    if not actor.is_manager:
        if actor.organisation_id is None:
            return []
        query = query.where(Complaint.organisation_id == actor.organisation_id)
    if status is not None:
        query = query.where(Complaint.status == status)
    if kind is not None:
        query = query.where(Complaint.kind == kind)
    if village is not None:
        query = query.where(Complaint.village == village)
    if unassigned:
        query = query.where(Complaint.organisation_id.is_(None))
    elif organisation_id is not None:
        query = query.where(Complaint.organisation_id == organisation_id)
    staff = actor.has_role(*STAFF)
    views = []
    for complaint in session.scalars(query.limit(min(limit, MAX_LISTED))):
        view = _view(session, complaint, private=True, private_stations=staff, now=now)
        assert isinstance(view, ComplaintPrivate)
        views.append(view)
    return views


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {
        "status": complaint.status.value,
        "fixed_at": complaint.fixed_at.isoformat() if complaint.fixed_at else None,
        "organisation_id": complaint.organisation_id,
        "note_public": complaint.note_public,
    }


def update_incident_of(
    session: Session,
    *,
    actor: Principal,
    public_id: str,
    data: ComplaintUpdateCreate,
    now: datetime,
) -> list[str]:
    """The same step for every complaint of the complaint's incident that is still open
    (the one named included), so an event is handled once; complaints the actor may not act
    on are left as they are. The ids updated."""
    complaint = _get(session, public_id)
    if not _may_act(actor, complaint):
        raise Forbidden("only the backbone and the assigned organisation update a complaint")
    others = (
        list(
            session.scalars(
                select(Complaint)
                .where(
                    Complaint.incident_id == complaint.incident_id,
                    Complaint.id != complaint.id,
                    Complaint.status.not_in(CLOSED_STATUSES),
                )
                .order_by(Complaint.id)
            )
        )
        if complaint.incident_id is not None
        else []
    )
    updated = [complaint.public_id]
    add_update(session, actor=actor, public_id=complaint.public_id, data=data, now=now)
    for other in others:
        if _may_act(actor, other):
            add_update(session, actor=actor, public_id=other.public_id, data=data, now=now)
            updated.append(other.public_id)
    return updated


def incident_sizes(session: Session, public_ids: Iterable[str]) -> dict[str, int]:
    """For each incident id, how many complaints it holds."""
    wanted = list(public_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(ComplaintIncident.public_id, ComplaintIncident.complaint_count).where(
            ComplaintIncident.public_id.in_(wanted)
        )
    )
    return {row.public_id: row.complaint_count for row in rows}
