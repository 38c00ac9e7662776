"""Incidents: complaints about the same event kept together, so the staff act once and a
reporter can add to an incident instead of starting anew.

Every complaint belongs to one incident (alone until another joins it); the incident's span,
centre and status follow its complaints. The rules are in core/complaints/grouping.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.complaints.followup import measured_change
from core.complaints.grouping import (
    NEAR_KM,
    PEAK_MAX_SPAN,
    TIME_WINDOW,
    Candidate,
    Sighting,
    choose_incident,
    distance_km,
    near_in_place,
    near_in_time,
    same_event,
)
from core.complaints.schemas import IncidentPublic
from core.indicators.wind import sector_of
from core.kit.errors import InvalidInput
from core.kit.means import hourly_mean_milli
from core.kit.time import floor_hour, to_utc
from core.models import (
    CLOSED_STATUSES,
    Complaint,
    ComplaintIncident,
    ComplaintStatus,
    HourlyAggregate,
    Station,
)
from core.standards.catalogue import thai_24h_standard
from core.standards.parameters import BY_ID, from_milli

PLACE_DECIMALS = 3
"""Public places are rounded to 0.001° (about 110 m): a street, not a house."""
MAX_NEARBY = 10


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PLACE_DECIMALS)


def peak_station(evidence: list[dict[str, Any]]) -> str | None:
    """The nearest station with evidence, when its evidence shows the standard exceeded."""
    if not evidence:
        return None
    nearest = min(
        evidence,
        key=lambda e: (e.get("distance_km") is None, e.get("distance_km") or 0, e["station"]),
    )["station"]
    flagged = any(e["station"] == nearest and e.get("over_standard") for e in evidence)
    return str(nearest) if flagged else None


def over_standard_throughout(
    session: Session, station_code: str, first: datetime, last: datetime
) -> bool:
    """Every clock hour from `first` to `last` has a PM hourly mean over its Thai 24-hour
    limit (the standard-equivalent level) at the station: one unbroken measured peak."""
    station = session.scalar(select(Station).where(Station.code == station_code))
    if station is None:
        return False
    start, end = floor_hour(first), floor_hour(last)
    over: set[datetime] = set()
    rows = session.scalars(
        select(HourlyAggregate).where(
            HourlyAggregate.station_id == station.id,
            HourlyAggregate.hour >= start,
            HourlyAggregate.hour <= end,
        )
    )
    for row in rows:
        info = BY_ID.get(row.parameter_id)
        if info is None or not row.reading_count:
            continue
        standard = thai_24h_standard(info.code, on=to_utc(row.hour).date())
        if standard is None:
            continue
        mean = from_milli(hourly_mean_milli(row.value_sum_milli, row.reading_count))
        if mean > standard.limit:
            over.add(to_utc(row.hour))
    hour = start
    while hour <= end:
        if hour not in over:
            return False
        hour += timedelta(hours=1)
    return True


def _candidate(incident: ComplaintIncident) -> Candidate:
    return Candidate(
        id=incident.id,
        started_at=incident.started_at,
        ended_at=incident.ended_at,
        latitude=incident.latitude,
        longitude=incident.longitude,
        village=incident.village,
        peak_station=incident.peak_station,
        wind_sector=incident.wind_sector,
    )


def _open_around(session: Session, at: datetime) -> list[ComplaintIncident]:
    reach = max(TIME_WINDOW, PEAK_MAX_SPAN)
    return list(
        session.scalars(
            select(ComplaintIncident)
            .where(
                ComplaintIncident.status.not_in(CLOSED_STATUSES),
                ComplaintIncident.started_at <= at + reach,
                ComplaintIncident.ended_at >= at - reach,
            )
            .order_by(ComplaintIncident.id)
        )
    )


def _sighting(complaint: Complaint) -> Sighting:
    return Sighting(
        at=complaint.observed_at,
        latitude=complaint.latitude,
        longitude=complaint.longitude,
        village=complaint.village,
        peak_station=peak_station(complaint.evidence),
        wind_sector=_sector(complaint),
    )


def _sector(complaint: Complaint) -> str | None:
    degrees = complaint.wind_from_degrees
    return sector_of(degrees) if degrees is not None else None


def assign_incident(
    session: Session, complaint: Complaint, *, now: datetime, chosen: str | None = None
) -> ComplaintIncident:
    """Puts a new complaint in the incident the reporter chose (when still open and the same
    event by the rules: a chosen id is not a way to join any incident anywhere), else in the
    one the rules find, else in a new one of its own."""
    incident: ComplaintIncident | None = None

    def peak(code: str, first: datetime, last: datetime) -> bool:
        return over_standard_throughout(session, code, first, last)

    if chosen:
        incident = session.scalar(
            select(ComplaintIncident).where(
                ComplaintIncident.public_id == chosen,
                ComplaintIncident.status.not_in(CLOSED_STATUSES),
            )
        )
        if incident is None:
            raise InvalidInput(f"no open incident {chosen!r}: it may have been closed")
        if not same_event(_candidate(incident), _sighting(complaint), peak):
            raise InvalidInput(f"incident {chosen!r} is not near this place and time")
    if incident is None:
        found = choose_incident(
            [_candidate(i) for i in _open_around(session, complaint.observed_at)],
            _sighting(complaint),
            peak,
        )
        incident = session.get(ComplaintIncident, found.id) if found is not None else None
    if incident is None:
        incident = ComplaintIncident(
            status=ComplaintStatus.OPEN,
            started_at=complaint.observed_at,
            ended_at=complaint.observed_at,
            latitude=complaint.latitude,
            longitude=complaint.longitude,
            village=complaint.village,
            peak_station=peak_station(complaint.evidence),
            wind_sector=_sector(complaint),
            complaint_count=0,
            created_at=now,
            updated_at=now,
        )
        session.add(incident)
        session.flush()
    complaint.incident_id = incident.id
    session.flush()
    refresh_incident(session, incident, now=now)
    return incident


def refresh_incident(session: Session, incident: ComplaintIncident, *, now: datetime) -> None:
    """Span, centre, count, wind and status from its complaints: open while any is open
    (with the status of the one changed last), else fixed when all were fixed, else the
    last closing. The wind is the first measured among its complaints."""
    complaints = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.incident_id == incident.id)
            .order_by(Complaint.updated_at, Complaint.id)
        )
    )
    if not complaints:
        return
    incident.complaint_count = len(complaints)
    incident.started_at = min(c.observed_at for c in complaints)
    incident.ended_at = max(c.observed_at for c in complaints)
    points = [(c.latitude, c.longitude) for c in complaints if c.latitude is not None]
    if points:
        incident.latitude = sum(p[0] for p in points) / len(points)
        incident.longitude = sum(p[1] for p in points if p[1] is not None) / len(points)
    if incident.village is None:
        incident.village = next((c.village for c in complaints if c.village), None)
    if incident.peak_station is None:
        incident.peak_station = next(
            (p for p in (peak_station(c.evidence) for c in complaints) if p), None
        )
    if incident.wind_sector is None:
        incident.wind_sector = next((w for w in (_sector(c) for c in complaints) if w), None)
    still_open = [c for c in complaints if not c.status.closed]
    if still_open:
        incident.status = still_open[-1].status
        incident.fixed_at = None
    elif all(c.status is ComplaintStatus.FIXED for c in complaints):
        incident.status = ComplaintStatus.FIXED
        incident.fixed_at = max(c.fixed_at or now for c in complaints)
    else:
        incident.status = complaints[-1].status
        incident.fixed_at = None
    incident.updated_at = now


def incident_view(
    session: Session, incident: ComplaintIncident, *, now: datetime | None = None
) -> IncidentPublic:
    """Anonymised: the kinds and count of its complaints, never their notes or contacts; the
    centre rounded to about 110 m; once fixed, the measured change since."""
    kinds: dict[str, int] = defaultdict(int)
    evidence: list[dict[str, Any]] = []
    for complaint in session.scalars(
        select(Complaint).where(Complaint.incident_id == incident.id).order_by(Complaint.id)
    ):
        kinds[complaint.kind.value] += 1
        evidence.extend(complaint.evidence)
    return IncidentPublic(
        id=incident.public_id,
        status=incident.status,
        closed=incident.status.closed,
        complaint_count=incident.complaint_count,
        kinds=sorted(kinds),
        started_at=incident.started_at,
        ended_at=incident.ended_at,
        village=incident.village,
        latitude=rounded(incident.latitude),
        longitude=rounded(incident.longitude),
        fixed_at=incident.fixed_at,
        change=(
            measured_change(
                session,
                evidence=evidence,
                observed_at=incident.started_at,
                fixed_at=incident.fixed_at,
                now=now or datetime.now(UTC),
            )
            if incident.status is ComplaintStatus.FIXED
            else []
        ),
    )


def nearby_incidents(
    session: Session,
    *,
    at: datetime,
    latitude: float | None,
    longitude: float | None,
    village: str | None,
) -> list[IncidentPublic]:
    """Open incidents a reporter could add to: near in time and place, nearest first."""
    try:
        at = to_utc(at)
        _ = (at + PEAK_MAX_SPAN, at - PEAK_MAX_SPAN)
    except OverflowError:
        raise InvalidInput(f"time {at!r} is out of range") from None
    sighting = Sighting(
        at=at, latitude=latitude, longitude=longitude, village=village, peak_station=None
    )
    found = [
        (incident, _candidate(incident))
        for incident in _open_around(session, sighting.at)
        if near_in_time(_candidate(incident), sighting)
        and near_in_place(_candidate(incident), sighting)
    ]
    found.sort(key=lambda pair: (distance_km(pair[1], sighting) or NEAR_KM, pair[0].id))
    return [incident_view(session, incident) for incident, _ in found[:MAX_NEARBY]]


def list_incidents(
    session: Session, *, limit: int = 200, now: datetime | None = None
) -> list[IncidentPublic]:
    rows = session.scalars(
        select(ComplaintIncident)
        .order_by(ComplaintIncident.started_at.desc(), ComplaintIncident.id.desc())
        .limit(limit)
    )
    return [incident_view(session, incident, now=now) for incident in rows]


def incident_of(session: Session, complaint: Complaint) -> str | None:
    if complaint.incident_id is None:
        return None
    incident = session.get(ComplaintIncident, complaint.incident_id)
    return incident.public_id if incident is not None else None
