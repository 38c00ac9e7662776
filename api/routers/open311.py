"""Open311 GeoReport v2, JSON: services, service requests, one request, and POST a new one
(form-encoded, as the spec says; anonymous submission is rate-limited per address)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from pydantic import AwareDatetime

from api.auth import PrincipalDep, public
from api.deps import SessionDep, SettingsDep
from api.uploads import storage_of, validated
from core.complaints.open311 import (
    Service,
    ServiceRequest,
    ServiceRequestCreate,
    ServiceRequestCreated,
    service_request,
    service_requests,
    submit_service_request,
)
from core.complaints.open311 import services as list_services
from core.complaints.schemas import ComplaintCreate
from core.models import ComplaintKind

router = APIRouter(prefix="/open311/v2", tags=["open311"])

MAX_IDS = 100


@router.get("/services.json", response_model=list[Service], dependencies=[Depends(public)])
def get_services() -> list[Service]:
    """The complaint kinds as Open311 services."""
    return list_services()


@router.get("/requests.json", response_model=list[ServiceRequest], dependencies=[Depends(public)])
def get_requests(
    session: SessionDep,
    service_request_id: Annotated[
        str | None, Query(max_length=MAX_IDS * 33, description="comma-separated ids")
    ] = None,
    service_code: ComplaintKind | None = None,
    start_date: AwareDatetime | None = None,
    end_date: AwareDatetime | None = None,
    status: Literal["open", "closed"] | None = None,
) -> list[ServiceRequest]:
    """Complaints as anonymised service requests, newest first; the detailed status is in
    `status_notes`."""
    ids = (
        [i.strip() for i in service_request_id.split(",") if i.strip()][:MAX_IDS]
        if service_request_id
        else None
    )
    return service_requests(
        session,
        ids=ids,
        service_code=service_code,
        start=start_date,
        end=end_date,
        status=status,
    )


@router.get(
    "/requests/{service_request_id}.json",
    response_model=list[ServiceRequest],
    dependencies=[Depends(public)],
)
def get_request(session: SessionDep, service_request_id: str) -> list[ServiceRequest]:
    """One complaint as a list of one service request (as the spec answers)."""
    return service_request(session, service_request_id[:32])


OptionalText = Annotated[str | None, Form()]


def _within_rate(request: Request, principal: PrincipalDep) -> None:
    """Anonymous callers are counted per address; signed-in ones are known and not."""
    if not principal.is_anonymous:
        return
    client = request.client.host if request.client else "unknown"
    if not request.app.state.submission_rate.allow(client):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many complaints from this address in the last hour: try again later",
        )


@router.post(
    "/requests.json",
    response_model=list[ServiceRequestCreated],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(public)],
)
def post_request(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    service_code: Annotated[str, Form(max_length=32, description="one of services.json")],
    lat: OptionalText = None,
    long: OptionalText = None,
    address_string: Annotated[str | None, Form(description="a village's name")] = None,
    address_id: OptionalText = None,
    description: Annotated[str | None, Form(description="at most 2000 characters")] = None,
    requested_datetime: Annotated[
        str | None, Form(description="when it was experienced, ISO 8601 with offset")
    ] = None,
    email: OptionalText = None,
    first_name: OptionalText = None,
    last_name: OptionalText = None,
    phone: OptionalText = None,
    api_key: OptionalText = None,
    jurisdiction_id: OptionalText = None,
    device_id: OptionalText = None,
    account_id: OptionalText = None,
    media_url: OptionalText = None,
) -> list[ServiceRequestCreated]:
    """Submit a complaint as a GeoReport v2 service request: `service_code`, and `lat` and
    `long` or `address_string` (a village). Contact fields are optional and never public.
    The answer lists one request with its id and, once, the reporter's private link.
    429 after too many anonymous submissions from one address in an hour."""
    _within_rate(request, principal)
    data = validated(
        ServiceRequestCreate,
        {
            "service_code": service_code,
            "lat": lat,
            "long": long,
            "address_string": address_string,
            "address_id": address_id,
            "description": description,
            "requested_datetime": requested_datetime,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "phone": phone,
            "api_key": api_key,
            "jurisdiction_id": jurisdiction_id,
            "device_id": device_id,
            "account_id": account_id,
            "media_url": media_url,
        },
    )
    complaint = validated(ComplaintCreate, data.complaint_values())
    return submit_service_request(
        session,
        actor=principal,
        data=complaint,
        storage=storage_of(settings),
        now=datetime.now(UTC),
        zone=settings.zone,
    )
