"""Open311 GeoReport v2: existing clients and city systems list the complaint kinds as
services, read complaints as anonymised service requests, and submit new ones.

FixMyStreet's detailed statuses map to the spec's two: a closed status is `closed`, every
other `open`; the detailed status goes in `status_notes`. No exact point is given (the
public view has none); `address` is the village."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.accounts.schemas import EMAIL_PATTERN
from core.complaints.schemas import MAX_NOTE_CHARS, ComplaintCreate
from core.complaints.service import MAX_LISTED, public_complaint, submit_complaint
from core.kit.errors import NotFound
from core.kit.text import is_storable
from core.kit.time import TimeWithOffset, to_utc
from core.models import CLOSED_STATUSES, Complaint, ComplaintKind
from core.reports.service import Storage

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


class ServiceRequestCreate(BaseModel):
    """POST Service Request's arguments as GeoReport v2 names them. The place is `lat` and
    `long`, or `address_string` naming a village; `requested_datetime` (when it was
    experienced) is dustwatch's addition. `api_key`, `jurisdiction_id`, `device_id`,
    `account_id` and `media_url` are accepted and not used: dustwatch stores no photo by
    address, and anyone may complain."""

    model_config = ConfigDict(extra="forbid")

    service_code: ComplaintKind
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    long: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    address_string: str | None = Field(default=None, max_length=200)
    address_id: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)
    requested_datetime: TimeWithOffset | None = None
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=50, pattern=r"^[0-9+() -]*$")
    api_key: str | None = Field(default=None, max_length=200)
    jurisdiction_id: str | None = Field(default=None, max_length=200)
    device_id: str | None = Field(default=None, max_length=200)
    account_id: str | None = Field(default=None, max_length=200)
    media_url: str | None = Field(default=None, max_length=2000)

    @field_validator("address_string", "description", "first_name", "last_name")
    @classmethod
    def _storable_text(cls, text: str | None) -> str | None:
        if text is not None and not is_storable(text):
            raise ValueError("must not contain NUL characters or lone surrogates")
        return text

    def complaint_values(self) -> dict[str, Any]:
        """The fields of a ComplaintCreate (validated by the caller: the place rule is
        there)."""
        name = " ".join(p.strip() for p in (self.first_name, self.last_name) if p and p.strip())
        return {
            "kind": self.service_code,
            "observed_at": self.requested_datetime,
            "latitude": self.lat,
            "longitude": self.long,
            "village": (self.address_string or "").strip() or None,
            "note": self.description or "",
            "contact_name": name or None,
            "contact_phone": self.phone,
            "contact_email": self.email,
        }


class ServiceRequestCreated(BaseModel):
    """The spec's answer, one in a list; `private_url` is dustwatch's addition: the
    reporter's private link, given once."""

    service_request_id: str
    service_notice: str
    account_id: str | None
    private_url: str


def submit_service_request(
    session: Session,
    *,
    actor: Principal,
    data: ComplaintCreate,
    storage: Storage,
    now: datetime,
    zone: ZoneInfo,
) -> list[ServiceRequestCreated]:
    receipt = submit_complaint(
        session,
        actor=actor,
        data=data,
        photo=None,
        storage=storage,
        now=now,
        zone=zone,
    )
    return [
        ServiceRequestCreated(
            service_request_id=receipt.id,
            service_notice=(
                f"Assigned to {receipt.organisation}"
                if receipt.organisation
                else "Awaiting triage by the backbone unit"
            ),
            account_id=None,
            private_url=receipt.private_url,
        )
    ]
