"""Open311 GeoReport v2, read side, JSON: services, service requests and one request."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from api.auth import public
from api.deps import SessionDep
from core.complaints.open311 import Service, ServiceRequest, service_request, service_requests
from core.complaints.open311 import services as list_services
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
