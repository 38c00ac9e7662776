"""Quality control's review, for the backbone: flagged readings, conflicting re-sends, and
a verdict per reading. Thin: the rules and the rollup arithmetic are in core."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep, SettingsDep
from core.models import Role
from core.readings.review import list_conflicts, list_flagged, review_reading
from core.readings.schemas import ConflictPublic, FlaggedReadingPublic, ReviewRequest

router = APIRouter(prefix="/quality", tags=["quality"])
reviewers = require_roles(Role.BACKBONE, Role.ADMIN)


@router.get(
    "/readings", response_model=list[FlaggedReadingPublic], dependencies=[Depends(reviewers)]
)
def get_flagged_readings(
    session: SessionDep,
    flag: Annotated[Literal["suspect", "invalid"] | None, Query()] = None,
    station: Annotated[str | None, Query(max_length=64)] = None,
    reviewed: Annotated[bool | None, Query(description="false: not reviewed yet")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[FlaggedReadingPublic]:
    """Readings quality control flagged (or the backbone reviewed), newest first, with the
    rule that flagged them and any review. Values are raw; `corrected_value` is the US EPA
    correction of low-cost PM2.5 where humidity was known."""
    return list_flagged(session, flag=flag, station_code=station, reviewed=reviewed, limit=limit)


@router.post(
    "/readings/review", response_model=FlaggedReadingPublic, dependencies=[Depends(reviewers)]
)
def post_review(
    data: ReviewRequest, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> FlaggedReadingPublic:
    """Mark one reading valid (counted in the means) or invalid (left out, counted in
    `readings_left_out`), with a reason; audited. Indicators follow at once."""
    return review_reading(
        session,
        actor=principal,
        station_code=data.station,
        parameter=data.parameter,
        time=data.time,
        verdict=data.quality,
        reason=data.reason,
        zone=settings.zone,
        now=datetime.now(UTC),
    )


@router.get("/conflicts", response_model=list[ConflictPublic], dependencies=[Depends(reviewers)])
def get_conflicts(
    session: SessionDep,
    station: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[ConflictPublic]:
    """Readings re-sent with a value other than the stored one, once per distinct value,
    newest first; the stored value stays in use until the reading is reviewed."""
    return list_conflicts(session, station_code=station, limit=limit)
