"""One typed configuration for every dustwatch process, read from DUSTWATCH_* variables."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///dustwatch.db"


class DatabaseSettings(BaseModel):
    url: str = Field(
        default=DEFAULT_SQLITE_URL,
        description="SQLAlchemy URL: postgresql+psycopg://… in production, else a SQLite file.",
    )
    echo: bool = False


class MqttSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="mqtt://user:password@host:port of an external broker; unset starts an "
        "in-process broker.",
    )
    embedded_host: str = "127.0.0.1"
    # 1884, not 1883, so the embedded broker does not collide with a system Mosquitto.
    embedded_port: int = Field(default=1884, ge=1, le=65535)
    client_id: str = "dustwatch-ingest"
    topic_prefix: str = "dustwatch/v1"
    queue_size: int = Field(default=5000, ge=1)
    batch_size: int = Field(default=500, ge=1)
    batch_seconds: float = Field(default=0.5, gt=0)
    keepalive: int = Field(default=30, ge=5)

    @property
    def embedded(self) -> bool:
        return self.url is None


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    admin_token: SecretStr | None = Field(
        default=None,
        description="Bearer token of backbone staff; write endpoints are closed while unset.",
    )


class SchedulerSettings(BaseModel):
    enabled: bool = True
    alert_check_seconds: int = Field(default=60, ge=1)


class Settings(BaseSettings):
    """Read once at start-up and passed down; tests build it explicitly."""

    model_config = SettingsConfigDict(
        env_prefix="DUSTWATCH_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    mode: Literal["production", "demo"] = "production"
    db: DatabaseSettings = DatabaseSettings()
    mqtt: MqttSettings = MqttSettings()
    api: ApiSettings = ApiSettings()
    scheduler: SchedulerSettings = SchedulerSettings()

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        token = self.api.admin_token
        if token is not None and self.mode != "demo" and len(token.get_secret_value()) < 16:
            raise ValueError("DUSTWATCH_API__ADMIN_TOKEN must be at least 16 characters")
        return self
