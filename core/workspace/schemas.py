"""A person's home page as data, the same shape for every role (empty where not theirs)."""

from __future__ import annotations

from pydantic import BaseModel

from core.alerts.schemas import AlertPublic
from core.audit.schemas import AuditEventPublic
from core.commitments.schemas import CommitmentPublic, ExcessEventPublic
from core.complaints.schemas import ComplaintPublic
from core.models import Role
from core.public.schemas import StationStatus
from core.targets.schemas import SeriesPoint, TargetDetail


class StaffCounts(BaseModel):
    organisations: int
    users: int
    stations: int
    open_alerts: int
    live_api_keys: int


class HomePublic(BaseModel):
    role: Role
    display_name: str
    organisation_name_th: str
    organisation_name_en: str
    areas: list[str]
    """The organisation's areas; officials see the open alerts of these."""
    stations: list[StationStatus]
    """Kept (volunteer), the organisation's (operator), or every station (the others)."""
    alerts: list[AlertPublic]
    """Open alerts: of the official's areas, of all stations for staff; none for others."""
    facility_id: int | None = None
    """The operator's own facility (its organisation, of the operator group), for its
    compliance page."""
    sees_all_facilities: bool = False
    may_report: bool = False
    """Volunteers, backbone staff and admins: the page links to the phone report form."""
    """Officials, the backbone and admins see every facility's compliance."""
    counts: StaffCounts | None = None
    recent_changes: list[AuditEventPublic] = []


class CommitmentInArea(BaseModel):
    commitment: CommitmentPublic
    events: list[ExcessEventPublic]
    """Newest first; the public sees an event only once its reply is in or overdue."""


class ComplaintsInArea(BaseModel):
    open: int
    closed: int
    by_status: dict[str, int]
    latest: list[ComplaintPublic]
    """Newest first, anonymised."""


class TargetWorkspace(BaseModel):
    target: TargetDetail
    area: str
    series: list[SeriesPoint]
    commitments: list[CommitmentInArea]
    complaints: ComplaintsInArea
