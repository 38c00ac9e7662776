"""Stations as staff register them and as the API returns them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.kit.db import RowId
from core.models import StationKind

INGEST_USER = "dustwatch-ingest"
"""The MQTT user name of the ingest; devices sign in with their station code, so no
station may have this code (in any case)."""
ALERTS_USER = "dustwatch-alerts"
"""The MQTT user name that publishes alert messages on `{prefix}/alerts/...`; reserved too."""


class StationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Identifier used in the MQTT topic and the URLs, e.g. npl-v01; unique "
        "regardless of case.",
    )
    name: str = Field(min_length=1, max_length=200)
    kind: StationKind
    organisation_id: RowId = Field(description="The organisation that owns the station.")
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    area: str = Field(
        min_length=1, max_length=200, description="Village or area the station serves."
    )
    public: bool | None = Field(
        default=None,
        description="Whether anyone may see its data; by default factory stations are private.",
    )

    @field_validator("code")
    @classmethod
    def _not_the_ingest(cls, code: str) -> str:
        if code.lower() in (INGEST_USER, ALERTS_USER):
            raise ValueError(f"{code.lower()!r} is reserved for dustwatch's own MQTT clients")
        return code


class StationUpdate(BaseModel):
    """Fields left out stay as they are. Keepers and the owner's operators may change the
    description (name, position, area); kind, owner and visibility are for backbone staff."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    area: str | None = Field(default=None, min_length=1, max_length=200)
    kind: StationKind | None = None
    organisation_id: RowId | None = None
    public: bool | None = None


STAFF_ONLY_FIELDS = frozenset({"kind", "organisation_id", "public"})


class StationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    kind: StationKind
    organisation_id: int
    latitude: float
    longitude: float
    area: str
    public: bool


class KeeperAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: RowId


class KeeperPublic(BaseModel):
    user_id: int
    display_name: str
    email: str
    since: datetime
