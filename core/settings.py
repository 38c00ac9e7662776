"""One typed configuration for every dustwatch process, read from DUSTWATCH_* variables."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

DEFAULT_SQLITE_URL = "sqlite:///dustwatch.db"
DEFAULT_TIME_ZONE = "Asia/Bangkok"
ENV_PREFIX = "DUSTWATCH_"
NESTED = "__"
MQTT_SCHEMES = ("mqtt", "mqttv311")


class DatabaseSettings(BaseModel):
    url: str = Field(
        default=DEFAULT_SQLITE_URL,
        description="SQLAlchemy URL: postgresql+psycopg://… in production, else a SQLite file.",
    )
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _a_database_url(cls, url: str) -> str:
        try:
            make_url(url).get_dialect()
        except NoSuchModuleError:
            raise ValueError(
                f"unknown kind of database {make_url(url).drivername!r}: use "
                "postgresql+psycopg://… or sqlite:///…"
            ) from None
        except ArgumentError:
            raise ValueError(
                "not a database URL: expected e.g. postgresql+psycopg://user:password@host/db "
                "or sqlite:///dustwatch.db"
            ) from None
        return url


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
    broker_queue_limit: int = Field(
        default=1_000_000,
        ge=1,
        description="The broker's `max_queued_messages` (deploy/mosquitto/mosquitto.conf); "
        "/health warns when the broker holds more than half of it.",
    )

    @field_validator("url")
    @classmethod
    def _an_mqtt_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            port, parts = -1, urlsplit("")
        if parts.scheme not in MQTT_SCHEMES or not parts.hostname or port == -1:
            raise ValueError(
                "expected mqtt://user:password@host:1883 (or mqttv311://… for MQTT 3.1.1)"
            )
        return url

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
    anonymous_submissions_per_hour: int = Field(
        default=30,
        ge=1,
        le=100_000,
        description="Complaints one address may send without signing in through Open311, "
        "per hour; more get 429.",
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


class StorageSettings(BaseModel):
    """Files dustwatch keeps itself (volunteers' photos), outside the database."""

    dir: Path = Field(
        default=Path("./dustwatch-files"),
        description="Directory of stored files; created when first needed.",
    )
    max_photo_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        description="Largest photo accepted with a report.",
    )
    max_report_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description="Largest factory report file (CSV or JSON) accepted.",
    )


class SchedulerSettings(BaseModel):
    """The scheduled jobs, and how the processes agree on the one that runs them."""

    enabled: bool = Field(
        default=True,
        description="Run the scheduler inside `dustwatch serve`; false where a separate "
        "`dustwatch scheduler` process runs it.",
    )
    alert_check_seconds: int = Field(default=60, ge=1)
    commitment_check_seconds: int = Field(
        default=300, ge=1, description="How often facilities' commitments are checked."
    )
    escalate_seconds: int = Field(
        default=60, ge=1, description="How often unacknowledged alerts are checked for escalation."
    )
    dispatch_seconds: int = Field(
        default=5, ge=1, description="How often the outbox of alert messages is sent."
    )
    housekeeping_seconds: int = Field(
        default=3600, ge=1, description="How often old job runs and heartbeats are forgotten."
    )
    history_days: int = Field(
        default=14, ge=1, description="How long job runs and silent processes' beats are kept."
    )
    leader_check_seconds: float = Field(
        default=5,
        gt=0,
        description="How often the leader checks it still holds the database lock, and a "
        "follower tries to take it: the longest a dead leader's jobs wait.",
    )
    heartbeat_seconds: float = Field(
        default=10, gt=0, description="How often every dustwatch process writes its heartbeat."
    )

    @property
    def fresh_within(self) -> timedelta:
        """A process silent for longer than three beats counts as gone."""
        return timedelta(seconds=3 * self.heartbeat_seconds)


class SmtpSettings(BaseModel):
    """The mail server alert e-mails go through; unset host: e-mail messages wait unsent."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    user: str | None = None
    password: str | None = None
    sender: str = Field(
        default="dustwatch@localhost", description="The From address of alert e-mails."
    )
    starttls: bool = True
    timeout_seconds: float = Field(default=20, gt=0)


class LineSettings(BaseModel):
    """The LINE Messaging API: a channel access token of the unit's LINE Official Account."""

    base_url: str = "https://api.line.me"
    channel_access_token: str | None = None


class DeliverySettings(BaseModel):
    """Sending alert messages from the outbox: retries with exponential backoff, a lease."""

    max_attempts: int = Field(default=8, ge=1)
    first_retry_seconds: float = Field(default=30, gt=0)
    max_retry_seconds: float = Field(default=3600, gt=0)
    lease_seconds: float = Field(
        default=120,
        gt=0,
        description="A sender that has not marked a message sent within this time is taken "
        "to have died: the message is sent again, with the same id.",
    )
    batch_size: int = Field(default=50, ge=1)
    http_timeout_seconds: float = Field(default=15, gt=0)
    allow_http_webhooks: bool = Field(
        default=False,
        description="Accept webhook addresses over plain http://; otherwise https:// only.",
    )
    allow_private_webhooks: bool = Field(
        default=False,
        description="Let webhooks reach loopback, private and link-local addresses (the "
        "machine itself, the internal network, cloud metadata); off, such an address is "
        "refused when subscribing and again at each send.",
    )
    mqtt_url: str | None = Field(
        default=None,
        description="mqtt://dustwatch-alerts:<password>@host:1883: the broker that alert "
        "messages are published on, as their own user; unset, MQTT messages wait unsent.",
    )
    smtp: SmtpSettings = SmtpSettings()
    line: LineSettings = LineSettings()


class AlertSettings(BaseModel):
    clear_evaluations: int = Field(
        default=3,
        ge=1,
        description="An open alert resolves itself once its 24-hour average has been under the "
        "limit for this many evaluations in a row, so a value flapping around the limit opens "
        "one alert, not a storm.",
    )
    clear_margin: float = Field(
        default=0.1,
        ge=0,
        lt=1,
        description="Or at once, when the average falls under limit × (1 − margin).",
    )
    require_response_to_resolve: bool = Field(
        default=False,
        description="Refuse to resolve an alert by hand until someone has recorded a response.",
    )
    escalate_after_minutes: int = Field(
        default=30,
        ge=1,
        description="An open alert nobody has acknowledged this long after it was detected "
        "(or after its last escalation) is told to the next level of recipients.",
    )
    escalate_critical_after_minutes: int = Field(
        default=15,
        ge=1,
        description="The same for critical alerts.",
    )


def absolute_http_url(url: str) -> str:
    """An address the public reaches dustwatch at: links sent elsewhere must be absolute."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an absolute address such as https://dustwatch.example.org")
    return url.rstrip("/")


CAP_FORBIDDEN = (" ", ",", "<", "&")


class CapSettings(BaseModel):
    """The public OASIS CAP 1.2 feed of alerts (`/cap/alerts.atom`)."""

    sender: str = Field(
        default="dustwatch@localhost",
        min_length=3,
        max_length=120,
        description="The CAP `sender`: a globally unique name of this publisher, usually an "
        "address in the unit's own domain; it also names the message identifiers.",
    )
    sender_name_th: str | None = Field(
        default=None,
        max_length=200,
        description="The Thai `senderName`; unset, the Thai name of the backbone organisation.",
    )
    sender_name_en: str | None = Field(
        default=None,
        max_length=200,
        description="The English `senderName`; unset, the backbone organisation's English name.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where the public reaches this dustwatch: the links in CAP documents and "
        "the Atom feed are absolute, since aggregators fetch them from elsewhere.",
    )
    status: Literal["Actual", "Exercise", "System", "Test", "Draft"] = Field(
        default="Actual",
        description="The CAP `status` of every message; `Test` or `Exercise` for a trial "
        "deployment, so that aggregators do not show it as a real alert.",
    )
    ended_hours: int = Field(
        default=24,
        ge=0,
        le=24 * 30,
        description="How long an alert that has cleared or been withdrawn stays in the feed, "
        "so that subscribers that poll now and then still see its last message.",
    )

    @field_validator("sender")
    @classmethod
    def _a_cap_sender(cls, sender: str) -> str:
        if any(character in sender for character in CAP_FORBIDDEN) or not sender.isprintable():
            raise ValueError("a CAP sender has no spaces, commas, '<' or '&'")
        return sender

    _public_url = field_validator("public_url")(absolute_http_url)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class BulletinSettings(BaseModel):
    """When bulletins are drafted, whether they go out without review, where they link to."""

    draft_at: time = Field(
        default=time(7, 0),
        description="Local time (HH:MM) at which the bulletins of the day (and week) that "
        "ended are drafted.",
    )
    weekly_on: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = Field(
        default="monday",
        description="The weekday the weekly bulletin of the seven days before is drafted.",
    )
    auto_publish: bool = Field(
        default=False,
        description="Publish drafted bulletins at once, without staff review.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        max_length=500,
        description="The address people reach dustwatch at: links in bulletin messages and "
        "in the Atom feed.",
    )
    font_file: Path | None = Field(
        default=None,
        description="A font file with Thai glyphs for the charts; unset, the TLWG fonts "
        "(Debian's fonts-thai-tlwg) are looked for.",
    )

    _public_base_url = field_validator("public_base_url")(absolute_http_url)

    @property
    def weekly_weekday(self) -> int:
        """Monday is 0, as `date.weekday()`."""
        return WEEKDAYS.index(self.weekly_on)


def whole_hour_zone(name: str) -> str:
    """An IANA time zone whose offsets from UTC are whole hours, so that a local day is a
    run of UTC clock hours and daily figures can be built from hourly ones."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Bangkok"
        ) from None
    for year in range(2000, 2041):
        for month in (1, 4, 7, 10):
            offset = datetime(year, month, 1, tzinfo=zone).utcoffset() or timedelta(0)
            if offset % timedelta(hours=1):
                raise ValueError(
                    f"time zone {name!r} is offset from UTC by {offset}; dustwatch needs whole "
                    "hours, so that local days are made of whole UTC hours"
                )
    return name


class CommitmentSettings(BaseModel):
    """Facilities' commitments checked against the data, and their right of reply."""

    reply_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days an operator has to reply to an excess event before it is published "
        "without a reply ('no reply given'); an event with a reply is published at once.",
    )


class Settings(BaseSettings):
    """Read once at start-up and passed down; tests build it explicitly."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED,
        env_file=".env",
        extra="ignore",
    )

    mode: Literal["production", "demo"] = "production"
    time_zone: str = Field(
        default=DEFAULT_TIME_ZONE,
        description="The deployment's local time: days for daily means and the times pages "
        "show. Storage stays UTC.",
    )
    db: DatabaseSettings = DatabaseSettings()
    mqtt: MqttSettings = MqttSettings()
    api: ApiSettings = ApiSettings()
    auth: AuthSettings = AuthSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    alerts: AlertSettings = AlertSettings()
    storage: StorageSettings = StorageSettings()
    delivery: DeliverySettings = DeliverySettings()
    cap: CapSettings = CapSettings()
    bulletins: BulletinSettings = BulletinSettings()
    commitments: CommitmentSettings = CommitmentSettings()

    @field_validator("time_zone")
    @classmethod
    def _whole_hour_zone(cls, name: str) -> str:
        return whole_hour_zone(name)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def default_zone() -> ZoneInfo:
    """The zone of a default configuration, for code with no settings object (tests, benches)."""
    return ZoneInfo(DEFAULT_TIME_ZONE)


def _variable_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        variable = f"{prefix}{name.upper()}"
        yield variable
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _variable_names(field.annotation, variable + NESTED)


KNOWN_VARIABLES = frozenset(_variable_names(Settings, ENV_PREFIX))
_SHORT_NAMES = sorted(name.removeprefix(ENV_PREFIX) for name in KNOWN_VARIABLES)
TEST_VARIABLES = ENV_PREFIX + "TEST_"
"""Read by the test suite only (DUSTWATCH_TEST_PG_URL, …)."""


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """A warning for each DUSTWATCH_… variable that no setting reads, naming the closest
    known one: a misspelt variable is otherwise silently ignored."""
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper.startswith(TEST_VARIABLES):
            continue
        if upper in KNOWN_VARIABLES:
            continue
        # Compared without the prefix, which every name shares and would make all look close.
        close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX), _SHORT_NAMES, n=1)
        hint = f"; did you mean {ENV_PREFIX}{close[0]}?" if close else ""
        warnings.append(f"unknown setting {name} is ignored{hint}")
    return warnings


def describe_error(error: ValidationError) -> str:
    """One line naming each variable that is wrong and why, for a person starting dustwatch."""
    problems = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        variable = ENV_PREFIX + NESTED.join(part.upper() for part in location)
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"{variable}: {message}")
    return "; ".join(problems)
