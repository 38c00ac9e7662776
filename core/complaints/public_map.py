"""The public's map of complaints and incidents: what, when, the status, and a place rounded
so that no reporter can be found from it (to about 110 m, or the village's centre when only
the village was given). Never a note, a contact, a photo or a named facility."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.complaints.followup import measured_change
from core.complaints.incidents import list_incidents, rounded
from core.complaints.schemas import IncidentPublic, MeasuredChange
from core.models import Complaint, ComplaintIncident, ComplaintKind, ComplaintStatus, Station

MAX_ON_MAP = 500


class MapComplaint(BaseModel):
    id: str
    kind: ComplaintKind
    status: ComplaintStatus
    closed: bool
    observed_at: datetime
    village: str | None
    latitude: float | None
    longitude: float | None
    incident: str | None
    change: list[MeasuredChange]


class PublicMap(BaseModel):
    complaints: list[MapComplaint]
    incidents: list[IncidentPublic]
    """Only those of two complaints or more: one complaint alone is its own marker."""


def village_centres(session: Session) -> dict[str, tuple[float, float]]:
    """The mean position of each area's public stations."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for station in session.scalars(select(Station).where(Station.public.is_(True))):
        if station.area:
            points[station.area].append((station.latitude, station.longitude))
    return {
        area: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for area, pts in points.items()
    }


def public_map(
    session: Session, *, limit: int = MAX_ON_MAP, now: datetime | None = None
) -> PublicMap:
    centres = village_centres(session)
    incident_ids = {
        row.id: row.public_id
        for row in session.execute(select(ComplaintIncident.id, ComplaintIncident.public_id))
    }
    complaints = []
    query = select(Complaint).order_by(Complaint.observed_at.desc(), Complaint.id.desc())
    for complaint in session.scalars(query.limit(limit)):
        if complaint.latitude is not None and complaint.longitude is not None:
            place: tuple[float, float] | None = (complaint.latitude, complaint.longitude)
        else:
            place = centres.get(complaint.village or "")
        complaints.append(
            MapComplaint(
                id=complaint.public_id,
                kind=complaint.kind,
                status=complaint.status,
                closed=complaint.status.closed,
                observed_at=complaint.observed_at,
                village=complaint.village,
                latitude=rounded(place[0]) if place else None,
                longitude=rounded(place[1]) if place else None,
                incident=incident_ids.get(complaint.incident_id or 0),
                change=(
                    measured_change(
                        session,
                        evidence=complaint.evidence,
                        observed_at=complaint.observed_at,
                        fixed_at=complaint.fixed_at,
                        now=now or datetime.now(UTC),
                    )
                    if complaint.status is ComplaintStatus.FIXED
                    else []
                ),
            )
        )
    incidents = [i for i in list_incidents(session, limit=limit, now=now) if i.complaint_count > 1]
    for incident in incidents:
        if incident.latitude is None and incident.village in centres:
            lat, lon = centres[incident.village or ""]
            incident.latitude, incident.longitude = rounded(lat), rounded(lon)
    return PublicMap(complaints=complaints, incidents=incidents)
