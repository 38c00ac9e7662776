"""Settings come from DUSTWATCH_* variables, with embedded defaults and no weak secrets."""

from __future__ import annotations

import os

import pytest

from core.settings import Settings


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
