"""The public status of air quality, by station."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import SessionDep
from core.public.schemas import StatusPublic
from core.public.status import public_status

router = APIRouter(tags=["status"])


@router.get("/status", response_model=StatusPublic)
def get_status(session: SessionDep) -> StatusPublic:
    """Latest value per public station and parameter, the 24-hour average against the Thai
    standard, and the Thai AQI band with health advice in Thai and English."""
    return public_status(session, now=datetime.now(UTC))
