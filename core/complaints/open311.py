"""Open311 GeoReport v2 (read side): existing clients and city systems list the complaint
kinds as services and read complaints as anonymised service requests.

FixMyStreet's detailed statuses map to the spec's two: a closed status is `closed`, every
other `open`; the detailed status goes in `status_notes`. No exact point is given (the
public view has none); `address` is the village."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.complaints.service import MAX_LISTED, public_complaint
from core.kit.errors import NotFound
from core.kit.time import to_utc
from core.models import CLOSED_STATUSES, Complaint, ComplaintKind

SERVICE_NAMES = {
    ComplaintKind.DUST: "Dust",
    ComplaintKind.SMELL: "Smell",
    ComplaintKind.NOISE: "Noise",
    ComplaintKind.TRUCK: "Trucks",
    ComplaintKind.BURNING: "Burning",
    ComplaintKind.HEALTH: "Health",
    ComplaintKind.OTHER: "Other",
}


class Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class ServiceRequest(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


def services() -> list[Service]:
    return [
        Service(
            service_code=kind.value,
            service_name=name,
            description=f"{name} experienced near the quarries and factories",
            metadata=False,
            type="realtime",
            keywords=kind.value,
            group="air" if kind is not ComplaintKind.NOISE else "nuisance",
        )
        for kind, name in SERVICE_NAMES.items()
    ]


def _request(session: Session, complaint: Complaint) -> ServiceRequest:
    shown = public_complaint(session, complaint.public_id)
    return ServiceRequest(
        service_request_id=shown.id,
        status="closed" if shown.status in CLOSED_STATUSES else "open",
        status_notes=shown.status.value,
        service_name=SERVICE_NAMES[shown.kind],
        service_code=shown.kind.value,
        description=shown.note,
        agency_responsible=shown.organisation,
        service_notice=None,
        requested_datetime=shown.created_at,
        updated_datetime=shown.updated_at,
        expected_datetime=None,
        address=shown.village,
        address_id=None,
        zipcode=None,
        lat=None,
        long=None,
        media_url=None,
    )


def service_requests(
    session: Session,
    *,
    ids: list[str] | None = None,
    service_code: ComplaintKind | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: Literal["open", "closed"] | None = None,
    limit: int = 1000,
) -> list[ServiceRequest]:
    """Newest first, filtered as the spec's query parameters say."""
    query = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id.desc())
    if ids:
        query = query.where(Complaint.public_id.in_(ids))
    if service_code is not None:
        query = query.where(Complaint.kind == service_code)
    if start is not None:
        query = query.where(Complaint.created_at >= to_utc(start))
    if end is not None:
        query = query.where(Complaint.created_at <= to_utc(end))
    if status == "closed":
        query = query.where(Complaint.status.in_(CLOSED_STATUSES))
    elif status == "open":
        query = query.where(Complaint.status.not_in(CLOSED_STATUSES))
    rows = session.scalars(query.limit(min(limit, MAX_LISTED)))
    return [_request(session, complaint) for complaint in rows]


def service_request(session: Session, public_id: str) -> list[ServiceRequest]:
    """The spec answers one request as a list of one."""
    complaint = session.scalar(select(Complaint).where(Complaint.public_id == public_id))
    if complaint is None:
        raise NotFound(f"no service request {public_id!r}")
    return [_request(session, complaint)]
