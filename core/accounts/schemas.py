"""Users, tokens and API keys as the API takes and returns them; never a secret in output
except the one-time display of a new key or token."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.kit.db import RowId
from core.models import Role

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=EMAIL_PATTERN, max_length=320)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    organisation_id: RowId
    password: str = Field(
        min_length=10, max_length=1024, description="At least 10 characters; never returned."
    )


class UserUpdate(BaseModel):
    """Fields left out stay as they are. A new password or disabling signs the user out
    everywhere."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    organisation_id: RowId | None = None
    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=10, max_length=1024)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: Role
    organisation_id: int
    disabled: bool
    locked_until: datetime | None
    created_at: datetime


class TokenPair(BaseModel):
    """The OAuth2 token response (RFC 6749, section 5.1), plus the refresh token's expiry."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_expires_in: int


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)


class ApiKeyCreate(BaseModel):
    """Give a station code for a device key, or an organisation id for an organisation key."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="e.g. 'logger at the gate'")
    station_code: str | None = Field(default=None, max_length=64)
    organisation_id: RowId | None = None


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str = Field(description="The visible start of the key: dw_<prefix>_…")
    name: str
    organisation_id: int
    station_id: int | None
    created_by_id: int | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The whole key. Shown this once only: store it now.")


class MePublic(BaseModel):
    """The caller: a person (with their account) or an API key."""

    label: str
    role: Role | None
    organisation_id: int | None
    user: UserPublic | None
    api_key_id: int | None
    station_id: int | None
