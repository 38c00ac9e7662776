"""The /report form over plain HTTP: its CSRF token, a reading typed in (local time, the
deployment's zone) and confirmed, and refusals shown in Thai beside their field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from core.models import Observation, Reading, ReadingSource, Role
from core.settings import AuthSettings, Settings, StorageSettings
from tests.api.conftest import Api, make_api
from tests.factories import keep, make_station, make_user
from tests.web.test_pages import SIGNIN_COOKIE, form

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        auth=AuthSettings(secure_cookies=False), storage=StorageSettings(dir=tmp_path)
    )
    yield from make_api(engine, settings)


@pytest.fixture
def csrf(web: Api) -> str:
    """A volunteer who keeps `v-form`, signed in through the page; their forms' token."""
    user = make_user(web.session, role=Role.VOLUNTEER)
    keep(web.session, user, make_station(web.session, code="v-form", area="Na Phra Lan"))
    web.session.commit()
    assert web.client.post("/signin", data=form(user.email), headers=SIGNIN_COOKIE).is_success
    page = web.client.get("/report")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def local_input(moment: datetime) -> str:
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")


def test_a_reading_typed_in_on_the_form_is_confirmed_in_local_time(web: Api, csrf: str) -> None:
    at = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    answer = web.client.post(
        "/report",
        data={
            "csrf_token": csrf,
            "kind": "reading",
            "station_code": "v-form",
            "parameter": "pm10",
            "value": "132.5",
            "time": local_input(at),
        },
    )
    assert answer.status_code == 200, answer.text
    assert "ขอบคุณ เราได้รับรายงานของคุณแล้ว" in answer.text
    assert "132.5" in answer.text
    [stored] = web.session.scalars(select(Reading)).all()
    assert (stored.time, stored.value_milli, stored.source) == (
        at,
        132500,
        int(ReadingSource.MANUAL),
    )


def test_without_the_form_token_nothing_is_reported(web: Api, csrf: str) -> None:
    answer = web.client.post("/report", data={"kind": "visible_dust", "village": "Na Phra Lan"})
    assert answer.status_code == 403
    assert web.session.scalars(select(Observation)).all() == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "burning", "village": "Na Phra Lan", "time": "2099-01-01T08:00"},
            "time",
            "เวลานี้ยังมาไม่ถึง",
        ),
        ({"kind": "burning"}, "village", "กรุณาเลือกหมู่บ้าน หรือใช้ตำแหน่งของคุณ"),
        (
            {"kind": "reading", "station_code": "v-form", "parameter": "pm10", "value": "-1"},
            "value",
            "ค่าไม่สมเหตุสมผล ค่าต้องอยู่ระหว่าง 0 ถึง 10000",
        ),
    ],
)
def test_a_refusal_is_shown_in_thai_beside_its_field(
    web: Api, csrf: str, fields: dict[str, str], field: str, message: str
) -> None:
    answer = web.client.post("/report", data={"csrf_token": csrf} | fields)
    assert answer.status_code == 422
    assert f'<p class="error" id="{field}-error">{message}</p>' in answer.text
