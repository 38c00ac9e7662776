"""Settings come from DUSTWATCH_* variables, with embedded defaults and no weak secrets."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from core.settings import Settings, describe_error, unknown_variables


def test_defaults_are_the_embedded_single_machine_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # no .env here
    for name in [n for n in os.environ if n.startswith("DUSTWATCH_")]:
        monkeypatch.delenv(name)
    settings = Settings()
    assert settings.db.url == "sqlite:///dustwatch.db"
    assert settings.mqtt.embedded
    assert (settings.api.host, settings.api.port, settings.mqtt.embedded_port) == (
        "127.0.0.1",
        8000,
        1884,
    )
    assert (settings.auth.access_token_minutes, settings.auth.refresh_token_days) == (60, 30)


def test_nested_variables_configure_each_group(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUSTWATCH_DB__URL", "postgresql+psycopg://dw@db/dustwatch")
    monkeypatch.setenv("DUSTWATCH_MQTT__URL", "mqtt://ingest:pw@broker:1883")
    monkeypatch.setenv("DUSTWATCH_SCHEDULER__ALERT_CHECK_SECONDS", "30")
    monkeypatch.setenv("DUSTWATCH_AUTH__ACCESS_TOKEN_MINUTES", "15")
    settings = Settings()
    assert settings.auth.access_token_minutes == 15
    assert settings.db.url == "postgresql+psycopg://dw@db/dustwatch"
    assert not settings.mqtt.embedded
    assert settings.scheduler.alert_check_seconds == 30


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        (
            {"DUSTWATCH_DB__URL": "not a url"},
            "DUSTWATCH_DB__URL: not a database URL: expected e.g. "
            "postgresql+psycopg://user:password@host/db or sqlite:///dustwatch.db",
        ),
        (
            {"DUSTWATCH_DB__URL": "postgres://dw@db/dustwatch"},
            "DUSTWATCH_DB__URL: unknown kind of database 'postgres': use "
            "postgresql+psycopg://… or sqlite:///…",
        ),
        (
            {"DUSTWATCH_MQTT__URL": "http://broker:1883"},
            "DUSTWATCH_MQTT__URL: expected mqtt://user:password@host:1883 "
            "(or mqttv311://… for MQTT 3.1.1)",
        ),
        (
            {"DUSTWATCH_MQTT__URL": "mqtt://broker:99999"},
            "DUSTWATCH_MQTT__URL: expected mqtt://user:password@host:1883 "
            "(or mqttv311://… for MQTT 3.1.1)",
        ),
        (
            {"DUSTWATCH_API__PORT": "70000"},
            "DUSTWATCH_API__PORT: Input should be less than or equal to 65535",
        ),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert describe_error(raised.value) == expected


def test_unknown_variables_are_named_with_the_closest_known_one() -> None:
    environ = {
        "DUSTWATCH_DB_URL": "sqlite:///x.db",
        "DUSTWATCH_API__PROT": "8001",
        "dustwatch_mqtt__urll": "mqtt://broker",
        "DUSTWATCH_NONSENSE": "1",
        "DUSTWATCH_DB__URL": "sqlite:///y.db",
        "dustwatch_api__host": "0.0.0.0",
        "DUSTWATCH_TEST_PG_URL": "postgresql+psycopg://postgres@127.0.0.1/postgres",
        "HOME": "/root",
    }
    assert unknown_variables(environ) == [
        "unknown setting DUSTWATCH_API__PROT is ignored; did you mean DUSTWATCH_API__PORT?",
        "unknown setting DUSTWATCH_DB_URL is ignored; did you mean DUSTWATCH_DB__URL?",
        "unknown setting DUSTWATCH_NONSENSE is ignored",
        "unknown setting dustwatch_mqtt__urll is ignored; did you mean DUSTWATCH_MQTT__URL?",
    ]
