"""A station's MQTT credential as the API and the command line show it (never the hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class MqttCredentialPublic(BaseModel):
    station_code: str
    username: str = Field(
        description="The MQTT user name, which is also the client id: the station code."
    )
    issued_at: datetime
    revoked_at: datetime | None


class MqttCredentialIssued(MqttCredentialPublic):
    password: str = Field(description="The MQTT password. Shown this once only: store it now.")
