"""Liveness and readiness of this process."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import text

from api.auth import public
from api.deps import SessionDep

router = APIRouter(tags=["health"])


class ComponentOut(BaseModel):
    name: str
    last_beat: datetime
    detail: dict[str, int | float | str | bool]


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    components: list[ComponentOut]


@router.get("/health", response_model=HealthOut, dependencies=[Depends(public)])
def health(request: Request, session: SessionDep) -> HealthOut:
    """Answers only when the database does; lists the ingest and scheduler heartbeats."""
    session.execute(text("SELECT 1"))
    components = [
        ComponentOut(name=c.name, last_beat=c.last_beat, detail=c.detail)
        for c in request.app.state.health.snapshot()
    ]
    return HealthOut(status="ok", database="ok", components=components)
