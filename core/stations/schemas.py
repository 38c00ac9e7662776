"""Stations as staff register them and as the API returns them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.models import StationKind


class StationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Identifier used in the MQTT topic and the URLs, e.g. npl-v01.",
    )
    name: str = Field(min_length=1, max_length=200)
    kind: StationKind
    owner_organisation: str = Field(min_length=1, max_length=200)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    area: str = Field(
        min_length=1, max_length=200, description="Village or area the station serves."
    )
    public: bool | None = Field(
        default=None,
        description="Whether anyone may see its data; by default factory stations are private.",
    )


class StationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    kind: StationKind
    owner_organisation: str
    latitude: float
    longitude: float
    area: str
    public: bool
