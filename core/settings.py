"""One typed configuration for every dustwatch process, read from DUSTWATCH_* variables."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
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
    stall_seconds: float = Field(
        default=120,
        gt=0,
        description="Messages waiting this long without a commit make /health say degraded.",
    )

    @property
    def embedded(self) -> bool:
        return self.url is None


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body accepted; larger ones get 413 unread.",
    )


class AuthSettings(BaseModel):
    """Lifetimes of sign-ins and the lock-out after repeated failures."""

    access_token_minutes: int = Field(default=60, ge=1)
    refresh_token_days: int = Field(default=30, ge=1)
    browser_session_hours: int = Field(default=12, ge=1)
    max_failed_sign_ins: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    secure_cookies: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only; browsers treat "
        "http://127.0.0.1 and http://localhost as secure too.",
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
    auth: AuthSettings = AuthSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
