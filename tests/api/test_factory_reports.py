"""`POST /facilities/{id}/reports`: a report file accepted whole (201) or refused whole (422,
one error per row and column, nothing stored but the refusal's record); the same period
twice 409; a file over the limit 413. The list, one report, its file and the schedule."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import Engine, func, select

from core.models import (
    AuditEvent,
    FactoryReport,
    Organisation,
    Reading,
    RejectedMessage,
    Role,
    StakeholderGroup,
    StationKind,
    UserAccount,
)
from core.settings import Settings, StorageSettings
from tests.api.conftest import Api, make_api
from tests.factories import make_organisation, make_station, make_user

EXAMPLES = Path(__file__).parents[2] / "examples"
CSV = (EXAMPLES / "factory-report.csv").read_bytes()
JSON = (EXAMPLES / "factory-report.json").read_bytes()
MAX_REPORT = 64 * 1024


@pytest.fixture
def factory_api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        storage=StorageSettings(dir=tmp_path / "files", max_report_bytes=MAX_REPORT)
    )
    yield from make_api(engine, settings)


@pytest.fixture
def facility(factory_api: Api) -> Organisation:
    session = factory_api.session
    facility = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
    other = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
    private = {"kind": StationKind.FACTORY, "public": False}
    for code in ("sck-fence-n", "sck-fence-s", "sck-stack-1"):
        make_station(session, code=code, organisation_id=facility.id, **private)
    make_station(session, code="other-fence", organisation_id=other.id, **private)
    session.commit()
    return facility


@pytest.fixture
def operator(factory_api: Api, facility: Organisation) -> UserAccount:
    user = make_user(factory_api.session, role=Role.OPERATOR, organisation=facility)
    factory_api.session.commit()
    return user


def post(
    api: Api, facility: Organisation, user: UserAccount, data: bytes, name: str = "r.csv"
) -> httpx2.Response:
    return api.client.post(
        f"/facilities/{facility.id}/reports",
        files={"file": (name, data, "application/octet-stream")},
        headers=api.headers(user),
    )


def count(api: Api, table: type) -> int:
    return api.session.scalar(select(func.count()).select_from(table)) or 0


@pytest.mark.parametrize(("data", "media_type"), [(CSV, "text/csv"), (JSON, "application/json")])
def test_a_report_is_accepted_listed_and_its_file_served_as_sent(
    factory_api: Api, facility: Organisation, operator: UserAccount, data: bytes, media_type: str
) -> None:
    answer = post(factory_api, facility, operator, data, name="ตุลาคม.csv")
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["content_type"] == media_type
    assert (report["row_count"], report["readings_stored"]) == (4, 4)
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    assert (report["period_start"], report["period_end"]) == ("2026-10-01", "2026-10-31")
    assert report["original_name"] == "ตุลาคม.csv"
    headers = factory_api.headers(operator)
    listing = factory_api.client.get(f"/facilities/{facility.id}/reports", headers=headers)
    assert [r["id"] for r in listing.json()["reports"]] == [report["id"]]
    detail = factory_api.client.get(
        f"/facilities/{facility.id}/reports/{report['id']}", headers=headers
    ).json()
    assert [row["station_code"] for row in detail["rows"]] == [
        "sck-fence-n",
        "sck-fence-n",
        "sck-fence-s",
        "sck-stack-1",
    ]
    kept = factory_api.client.get(report["file_url"], headers=headers)
    assert kept.status_code == 200
    assert kept.content == data
    assert kept.headers["content-type"].startswith(media_type)
    readings = factory_api.client.get(
        "/stations/sck-stack-1/readings?parameter=stack_pm"
        "&start=2026-10-01T00:00:00%2B07:00&end=2026-11-01T00:00:00%2B07:00",
        headers=headers,
    )
    assert readings.status_code == 200, readings.text
    assert "32.5" in readings.text


BAD_ROWS = [
    (CSV.replace(b"61.7", b"abc"), 4, "value"),
    (CSV.replace(b"61.7", b"NaN"), 4, "value"),
    (CSV.replace(b"sck-fence-s", b"nowhere"), 4, "station"),
    (CSV.replace(b"sck-fence-s", b"other-fence"), 4, "station"),
    (CSV.replace(b"2026-10-19T08:00:00+07:00", b"99999-01-01T00:00:00+07:00"), 4, "sample_start"),
    (CSV.replace(b"(TSP)", b"(T\x00SP)"), 3, None),
    (JSON.replace(b"61.7", b"NaN"), 3, "value"),
    (JSON.replace(b"61.7", b"1e999"), 3, "value"),
    (JSON.replace(b'"sck-fence-s"', b'"sck\\u0000fence"'), 3, "station"),
]


@pytest.mark.parametrize(("data", "row", "column"), BAD_ROWS)
def test_one_bad_row_refuses_everything_and_names_the_row(
    factory_api: Api,
    facility: Organisation,
    operator: UserAccount,
    data: bytes,
    row: int,
    column: str | None,
) -> None:
    answer = post(factory_api, facility, operator, data)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "validation_error"
    assert "nothing was stored" in body["detail"]
    [error] = body["errors"]
    assert (error["row"], error.get("column")) == (row, column)
    assert error["message"]
    assert (count(factory_api, Reading), count(factory_api, FactoryReport)) == (0, 0)
    [refusal] = factory_api.session.scalars(select(RejectedMessage)).all()
    assert refusal.source == "upload"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"station,value\nsck-fence-n,1\n", "wrong columns"),
        (b"[1, 2]", "wrong columns"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_as_a_whole(
    factory_api: Api, facility: Organisation, operator: UserAccount, data: bytes, words: str
) -> None:
    answer = post(factory_api, facility, operator, data)
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["errors"][0]["message"]


def test_a_huge_file_is_413_without_being_stored(
    factory_api: Api, facility: Organisation, operator: UserAccount
) -> None:
    padding = b"\n" * (MAX_REPORT + 1)
    assert post(factory_api, facility, operator, CSV + padding).status_code == 413
    far_too_big = CSV + b"\n" * (MAX_REPORT * 4)
    assert post(factory_api, facility, operator, far_too_big).status_code == 413
    # Past the request limit too: refused before the body is read.
    beyond_any_limit = CSV + b"\n" * (2 * 1024 * 1024)
    answer = post(factory_api, facility, operator, beyond_any_limit)
    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large"
    assert count(factory_api, FactoryReport) == 0


def test_the_same_period_again_is_409_and_nothing_is_counted_twice(
    factory_api: Api, facility: Organisation, operator: UserAccount
) -> None:
    assert post(factory_api, facility, operator, CSV).status_code == 201
    again = post(factory_api, facility, operator, JSON)
    assert again.status_code == 409
    assert "never replaced" in again.json()["detail"]
    assert (count(factory_api, Reading), count(factory_api, FactoryReport)) == (4, 1)
    assert count(factory_api, RejectedMessage) == 1


def test_another_operator_gets_404_and_the_schedule_is_set_by_the_backbone(
    factory_api: Api, facility: Organisation, operator: UserAccount
) -> None:
    stranger = make_user(
        factory_api.session,
        role=Role.OPERATOR,
        organisation=make_organisation(
            factory_api.session, stakeholder_group=StakeholderGroup.OPERATOR
        ),
    )
    assert post(factory_api, facility, stranger, CSV).status_code == 404
    schedule = {"frequency": "monthly", "due_days": 15, "first_period_start": "2026-09-01"}
    path = f"/facilities/{facility.id}/report-schedule"
    refused = factory_api.client.put(path, json=schedule, headers=factory_api.headers(operator))
    assert refused.status_code == 403
    backbone = make_user(factory_api.session, role=Role.BACKBONE)
    answer = factory_api.client.put(path, json=schedule, headers=factory_api.headers(backbone))
    assert answer.status_code == 200, answer.text
    bad = factory_api.client.put(
        path,
        json=schedule | {"first_period_start": "2026-09-02"},
        headers=factory_api.headers(backbone),
    )
    assert bad.status_code == 422
    assert post(factory_api, facility, operator, CSV).status_code == 201
    periods = factory_api.client.get(
        f"/facilities/{facility.id}/reports", headers=factory_api.headers(operator)
    ).json()["periods"]
    # Run on or after 2026-11-23: September's report is missing, October's came on time
    # only if sent by 15 November; this run sends it later, so it is late.
    by_month = {p["start"]: p["status"] for p in periods}
    assert by_month["2026-09-01"] == "missing"
    assert by_month["2026-10-01"] == "received_late"
    [event] = factory_api.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "factory_report_schedule")
    ).all()
    assert event.after == {
        "frequency": "monthly",
        "due_days": 15,
        "first_period_start": "2026-09-01",
    }
