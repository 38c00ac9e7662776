"""A facility's compliance with the Thai 24-hour standards, as JSON and as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep, SettingsDep
from core.compliance.export import compliance_csv, csv_filename
from core.compliance.schemas import FacilityCompliancePublic
from core.compliance.service import FACILITY_VIEWERS, facility_compliance
from core.kit.db import RowId

router = APIRouter(prefix="/facilities", tags=["compliance"])

viewers = require_roles(*FACILITY_VIEWERS)

StartQuery = Annotated[
    date | None,
    Query(description="First local day (YYYY-MM-DD); by default 30 days before today."),
]
EndQuery = Annotated[
    date | None,
    Query(description="Last local day, included; by default yesterday. At most 366 days."),
]


def _report(
    facility_id: int,
    start: date | None,
    end: date | None,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> FacilityCompliancePublic:
    return facility_compliance(
        session,
        principal=principal,
        facility_id=facility_id,
        start=start,
        end=end,
        now=datetime.now(UTC),
        zone=settings.zone,
    )


@router.get(
    "/{facility_id}/compliance",
    response_model=FacilityCompliancePublic,
    dependencies=[Depends(viewers)],
)
def get_compliance(
    facility_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    start: StartQuery = None,
    end: EndQuery = None,
) -> FacilityCompliancePublic:
    """For each monitor of a facility (an organisation of the operator group): latest
    readings, the daily means of each local day against the Thai 24-hour standard in force
    that day, the exceedance days, completeness, and one answer for today (rolling 24 hours)
    and for the last 30 days; `rules` states each definition. The facility's operators see
    their own; officials, the backbone and admins every facility; any other facility is 404."""
    return _report(facility_id, start, end, session, principal, settings)


@router.get(
    "/{facility_id}/compliance.csv",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": "One row per monitor, parameter and day; UTF-8 with a byte-order mark.",
        }
    },
    dependencies=[Depends(viewers)],
)
def get_compliance_csv(
    facility_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    start: StartQuery = None,
    end: EndQuery = None,
) -> Response:
    """The days of `GET /facilities/{facility_id}/compliance` as CSV: station, parameter,
    day, mean, hours_with_data, valid, standard_id, limit, unit, exceeded."""
    report = _report(facility_id, start, end, session, principal, settings)
    return Response(
        compliance_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(report)}"'},
    )
