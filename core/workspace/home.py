"""The home page of each role, from the principal of a signed-in person."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.access.principal import MANAGERS, SEE_ALL_PRIVATE, Principal
from core.access.scope import StationScope
from core.accounts.users import get_user
from core.alerts.service import list_alerts
from core.audit.service import list_audit_events
from core.kit.errors import Forbidden
from core.models import (
    Alert,
    ApiKey,
    Organisation,
    Role,
    StakeholderGroup,
    Station,
    StationKeeper,
    UserAccount,
)
from core.organisations.service import get_organisation
from core.public.status import station_statuses
from core.reports.service import REPORTERS
from core.workspace.schemas import HomePublic, StaffCounts

RECENT_CHANGES = 10


def home_for(
    session: Session, *, principal: Principal, now: datetime, zone: ZoneInfo
) -> HomePublic:
    """Raises Forbidden for an API key or the public: a home page is a person's."""
    if principal.user_id is None or principal.role is None:
        raise Forbidden("a home page is for a signed-in person")
    user = get_user(session, user_id=principal.user_id)
    organisation = get_organisation(session, organisation_id=user.organisation_id)
    home = HomePublic(
        role=user.role,
        display_name=user.display_name,
        organisation_name_th=organisation.name_th,
        organisation_name_en=organisation.name_en,
        areas=list(organisation.areas),
        stations=station_statuses(
            session, stations=_own_stations(session, user=user), now=now, zone=zone
        ),
        alerts=[],
    )
    if user.role == Role.OPERATOR and organisation.stakeholder_group == StakeholderGroup.OPERATOR:
        home.facility_id = organisation.id
    home.sees_all_facilities = user.role in SEE_ALL_PRIVATE
    home.may_report = user.role in REPORTERS
    scope = StationScope.for_principal(principal)
    if user.role == Role.OFFICIAL:
        areas = organisation.areas or None  # no areas of its own: the whole district
        home.alerts = list_alerts(session, status="open", scope=scope, areas=areas)
    elif user.role in MANAGERS:
        home.alerts = list_alerts(session, status="open", scope=scope)
        home.counts = _staff_counts(session)
        home.recent_changes = list_audit_events(session, limit=RECENT_CHANGES)
    return home


def _own_stations(session: Session, *, user: UserAccount) -> list[Station]:
    query = select(Station).order_by(Station.area, Station.code)
    if user.role == Role.VOLUNTEER:
        kept = select(StationKeeper.station_id).where(StationKeeper.user_id == user.id)
        query = query.where(Station.id.in_(kept))
    elif user.role == Role.OPERATOR:
        query = query.where(Station.organisation_id == user.organisation_id)
    return list(session.scalars(query))


def _staff_counts(session: Session) -> StaffCounts:
    def count(query: Select[int]) -> int:
        return session.scalar(query) or 0

    return StaffCounts(
        organisations=count(select(func.count()).select_from(Organisation)),
        users=count(select(func.count()).select_from(UserAccount)),
        stations=count(select(func.count()).select_from(Station)),
        open_alerts=count(select(func.count()).where(Alert.resolved_at.is_(None))),
        live_api_keys=count(select(func.count()).where(ApiKey.revoked_at.is_(None))),
    )
