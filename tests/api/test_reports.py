"""`POST /reports` from a phone: a confirmation with the id, or a refusal that says why;
`GET /reports` shows each caller what is theirs to see; photos only to those allowed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.models import Observation, Reading, Role, StationKind, UserAccount
from core.settings import Settings, StorageSettings
from tests.api.conftest import Api, make_api
from tests.factories import keep, make_station, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
MAX_PHOTO = 4096


@pytest.fixture
def reports_api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(storage=StorageSettings(dir=tmp_path / "files", max_photo_bytes=MAX_PHOTO))
    yield from make_api(engine, settings)


@pytest.fixture
def volunteer(reports_api: Api) -> UserAccount:
    user = make_user(reports_api.session, role=Role.VOLUNTEER, display_name="Khun Som")
    keep(reports_api.session, user, make_station(reports_api.session, code="v-mine"))
    reports_api.session.commit()
    return user


DUST = {"kind": "visible_dust", "village": "Na Phra Lan", "note": "grey cloud over the road"}


def test_an_observation_with_a_photo_is_confirmed_and_its_photo_served_to_the_reporter(
    reports_api: Api, volunteer: UserAccount, tmp_path: Path
) -> None:
    client, headers = reports_api.client, reports_api.headers(volunteer)
    answer = client.post(
        "/reports", data=DUST, files={"photo": ("IMG_0001.png", PNG, "image/png")}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["kind"] == "observation"
    assert receipt["message"] == f"observation {receipt['id']} stored"
    assert receipt["observation"]["photo_url"] == f"/reports/{receipt['id']}/photo"
    stored = list((tmp_path / "files" / "photos").iterdir())
    assert len(stored) == 1
    assert "IMG_0001" not in stored[0].name
    photo = client.get(receipt["observation"]["photo_url"], headers=headers)
    assert photo.status_code == 200
    assert (photo.content, photo.headers["content-type"]) == (PNG, "image/png")
    assert client.get(receipt["observation"]["photo_url"]).status_code == 401
    stranger = make_user(reports_api.session, role=Role.VOLUNTEER)
    other = client.get(receipt["observation"]["photo_url"], headers=reports_api.headers(stranger))
    assert other.status_code == 404
    official = make_user(reports_api.session, role=Role.OFFICIAL)
    seen = client.get(receipt["observation"]["photo_url"], headers=reports_api.headers(official))
    assert seen.content == PNG


def test_the_public_sees_kind_time_and_village_only(
    reports_api: Api, volunteer: UserAccount
) -> None:
    client, headers = reports_api.client, reports_api.headers(volunteer)
    point = DUST | {"latitude": "14.68", "longitude": "100.87"}
    assert client.post("/reports", data=point, headers=headers).status_code == 201
    [public] = client.get("/reports").json()
    assert public["kind"] == "visible_dust"
    assert public["village"] == "Na Phra Lan"
    assert {k for k, v in public.items() if v is not None} == {
        "id",
        "kind",
        "observed_at",
        "village",
    }
    [own] = client.get("/reports?mine=true", headers=headers).json()
    assert (own["note"], own["reporter"], own["latitude"]) == (DUST["note"], "Khun Som", 14.68)


def test_a_reading_typed_in_is_stored_as_a_manual_reading(
    reports_api: Api, volunteer: UserAccount
) -> None:
    client, headers = reports_api.client, reports_api.headers(volunteer)
    at = (datetime.now(UTC) - timedelta(minutes=30)).replace(microsecond=0)
    form = {"kind": "reading", "station_code": "v-mine", "parameter": "pm25", "value": "41.5"}
    answer = client.post("/reports", data=form | {"time": at.isoformat()}, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["id"] == f"v-mine/pm25/{at.isoformat()}"
    assert answer.json()["message"] == "reading stored: pm25 41.5 ug/m3 at v-mine"
    readings = client.get("/stations/v-mine/readings?parameter=pm25").json()
    assert [(r["value"], datetime.fromisoformat(r["time"])) for r in readings] == [(41.5, at)]
    again = client.post("/reports", data=form | {"time": at.isoformat()}, headers=headers)
    assert again.status_code == 409
    assert "already has a pm25 reading" in again.json()["detail"]
    assert reports_api.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_a_reading_for_a_station_that_is_not_yours_is_refused(
    reports_api: Api, volunteer: UserAccount
) -> None:
    s = reports_api.session
    make_station(s, code="v-theirs")
    make_station(s, code="f-private", kind=StationKind.FACTORY, public=False)
    s.commit()
    headers = reports_api.headers(volunteer)
    form = {"kind": "reading", "parameter": "pm10", "value": "50"}
    theirs = reports_api.client.post(
        "/reports", data=form | {"station_code": "v-theirs"}, headers=headers
    )
    assert theirs.status_code == 403
    assert theirs.json()["detail"] == "you do not keep station v-theirs: report only for your own"
    private = reports_api.client.post(
        "/reports", data=form | {"station_code": "f-private"}, headers=headers
    )
    assert private.status_code == 404
    assert s.scalar(select(func.count()).select_from(Reading)) == 0


def test_anonymous_and_operators_may_not_report(reports_api: Api) -> None:
    anonymous = reports_api.client.post("/reports", data=DUST)
    assert anonymous.status_code == 401
    operator = make_user(reports_api.session, role=Role.OPERATOR)
    refused = reports_api.client.post("/reports", data=DUST, headers=reports_api.headers(operator))
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("form", "files", "status", "says"),
    [
        (
            DUST,
            {"photo": ("dust.jpg", b"this is text, not a photo", "image/jpeg")},
            422,
            "the photo must be a JPEG, PNG or WebP image",
        ),
        (
            DUST,
            {"photo": ("big.png", PNG + bytes(MAX_PHOTO), "image/png")},
            422,
            "the photo is larger than 4 KB",
        ),
        (
            DUST,
            {"photo": ("huge.png", PNG + bytes(2 * 1024 * 1024), "image/png")},
            413,
            "the request body is larger than",
        ),
        (DUST | {"note": "dust\x00"}, None, 400, "contains a NUL character"),
        (DUST | {"time": "2099-01-01T08:00:00+07:00"}, None, 422, "is in the future"),
        (DUST | {"time": "2026-11-23T08:00:00"}, None, 422, "timezone"),
        (DUST | {"village": "Atlantis"}, None, 422, "unknown village 'Atlantis'"),
        (DUST | {"note": "x" * 1001}, None, 422, "at most 1000 characters"),
        ({"kind": "visible_dust"}, None, 422, "say where"),
        ({"kind": "rain", "village": "Na Phra Lan"}, None, 422, "body.kind"),
        (
            {"kind": "reading", "station_code": "v-mine", "parameter": "pm10", "value": "-3"},
            None,
            422,
            "outside the plausible range",
        ),
        (
            {"kind": "reading", "station_code": "v-mine", "parameter": "pm10", "value": "lots"},
            None,
            422,
            "body.value",
        ),
    ],
)
def test_bad_reports_are_refused_with_a_reason(
    reports_api: Api,
    volunteer: UserAccount,
    form: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None,
    status: int,
    says: str,
    tmp_path: Path,
) -> None:
    answer = reports_api.client.post(
        "/reports", data=form, files=files, headers=reports_api.headers(volunteer)
    )
    assert answer.status_code == status, answer.text
    assert says in answer.text
    assert reports_api.session.scalar(select(func.count()).select_from(Observation)) == 0
    assert not (tmp_path / "files" / "photos").exists() or not any(
        (tmp_path / "files" / "photos").iterdir()
    )
