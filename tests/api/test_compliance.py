"""GET /facilities/{id}/compliance and its CSV: the same days in both, the facility's own
operators and the staff only, and clear 4xx answers for dates that cannot be answered."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.models import Organisation, Role, StakeholderGroup, StationKind
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from tests.api.conftest import Api
from tests.factories import make_organisation, make_station, make_user

ZONE = ZoneInfo("Asia/Bangkok")  # the default setting


def local_today() -> date:
    return datetime.now(ZONE).date()


def publish_day(api: Api, code: str, parameter: str, day: date, value: float, hours: int) -> None:
    """One reading in each of the first `hours` hours of a local day, through the ingest."""
    start = datetime.combine(day, time(0), tzinfo=ZONE)
    readings = [
        {"parameter": parameter, "value": value, "time": (start + timedelta(hours=h)).isoformat()}
        for h in range(hours)
    ]
    message = IncomingMessage(
        f"dustwatch/v1/readings/{code}", json.dumps(readings).encode(), datetime.now(UTC)
    )
    ingest_messages(
        api.session, messages=[message], topic_prefix="dustwatch/v1", zone=default_zone()
    )


@pytest.fixture
def factory(api: Api) -> Organisation:
    organisation = make_organisation(
        api.session, name_th="โรงโม่หิน ก", stakeholder_group=StakeholderGroup.OPERATOR
    )
    make_station(
        api.session,
        code="mill-gate",
        name="ประตูโรงโม่",
        organisation_id=organisation.id,
        kind=StationKind.FACTORY,
        public=False,
    )
    today = local_today()
    publish_day(api, "mill-gate", "pm10", today - timedelta(days=3), 150.0, 24)  # over 120
    publish_day(api, "mill-gate", "pm10", today - timedelta(days=2), 80.0, 24)
    publish_day(api, "mill-gate", "pm10", today - timedelta(days=1), 300.0, 17)  # too few hours
    api.session.commit()
    return organisation


def headers(api: Api, role: Role, organisation: Organisation | None = None) -> dict[str, str]:
    return api.headers(make_user(api.session, role=role, organisation=organisation))


def test_json_and_csv_give_the_same_days(api: Api, factory: Organisation) -> None:
    operator = headers(api, Role.OPERATOR, factory)
    today = local_today()
    query = {"start": str(today - timedelta(days=4)), "end": str(today - timedelta(days=1))}
    answer = api.client.get(f"/facilities/{factory.id}/compliance", params=query, headers=operator)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    [station] = body["stations"]
    assert station["public"] is False  # private monitors are shown to their operator
    [pm10] = station["parameters"]
    by_day = {d["day"]: d for d in pm10["days"]}
    over = by_day[str(today - timedelta(days=3))]
    assert (over["mean"], over["limit"], over["exceeded"]) == (150.0, 120.0, True)
    assert [d["day"] for d in pm10["exceedances"]] == [over["day"]]
    short = by_day[str(today - timedelta(days=1))]
    assert (short["valid"], short["mean"], short["hours_with_data"]) == (False, None, 17)
    assert pm10["period"]["valid_days"] == 2
    assert body["period"]["status"] == "not_compliant"
    assert body["last_30_days"]["status"] == "not_compliant"
    assert "18 hours" in body["rules"]["daily_mean"]

    sheet = api.client.get(
        f"/facilities/{factory.id}/compliance.csv", params=query, headers=operator
    )
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/csv")
    assert sheet.content.startswith(b"\xef\xbb\xbf")
    name = f"compliance-facility-{factory.id}-{query['start']}-{query['end']}.csv"
    assert sheet.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "station",
        "parameter",
        "day",
        "mean",
        "hours_with_data",
        "valid",
        "standard_id",
        "limit",
        "unit",
        "exceeded",
    ]
    assert len(rows) == len(pm10["days"]) == 4
    for row, day in zip(rows, pm10["days"], strict=True):
        assert (row["station"], row["parameter"], row["day"]) == ("mill-gate", "pm10", day["day"])
        assert (float(row["mean"]) if row["mean"] else None) == day["mean"]
        assert int(row["hours_with_data"]) == day["hours_with_data"]
        assert row["valid"] == str(day["valid"]).lower()
        assert (row["standard_id"], float(row["limit"]), row["unit"]) == (
            day["standard_id"],
            day["limit"],
            day["unit"],
        )
        assert row["exceeded"] == ("" if day["exceeded"] is None else str(day["exceeded"]).lower())


def test_the_default_period_is_the_last_30_days(api: Api, factory: Organisation) -> None:
    body = api.client.get(
        f"/facilities/{factory.id}/compliance", headers=headers(api, Role.OFFICIAL)
    ).json()
    today = local_today()
    assert body["local_today"] == str(today)
    assert (body["period"]["start"], body["period"]["end"]) == (
        str(today - timedelta(days=30)),
        str(today - timedelta(days=1)),
    )
    assert body["period"]["start"] == body["last_30_days"]["start"]
    assert len(body["stations"][0]["parameters"][0]["days"]) == 30


def test_who_may_see_a_facility(api: Api, factory: Organisation) -> None:
    other = make_organisation(api.session, stakeholder_group=StakeholderGroup.OPERATOR)
    community = make_organisation(api.session)
    path = f"/facilities/{factory.id}/compliance"
    assert api.client.get(path).status_code == 401
    assert api.client.get(path, headers=headers(api, Role.VOLUNTEER)).status_code == 403
    refused = api.client.get(path, headers=headers(api, Role.OPERATOR, other))
    unknown = api.client.get(
        "/facilities/999999/compliance", headers=headers(api, Role.OPERATOR, other)
    )
    # another operator cannot tell a facility it may not see from one that does not exist
    assert refused.status_code == unknown.status_code == 404
    assert refused.json()["detail"] == f"no facility {factory.id}"
    for role in (Role.OFFICIAL, Role.BACKBONE, Role.ADMIN):
        assert api.client.get(path, headers=headers(api, role)).status_code == 200
    not_a_facility = api.client.get(
        f"/facilities/{community.id}/compliance", headers=headers(api, Role.ADMIN)
    )
    assert not_a_facility.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2024-03-05", "end": "2024-03-01"}, "is after end"),
        ({"start": "2023-01-01", "end": "2024-03-01"}, "at most 366 days"),
        ({"start": "1999-12-31", "end": "2000-01-02"}, "2000-01-01 or later"),
        ({"end": "2999-01-01"}, "after today"),
        ({"start": "yesterday"}, "query.start"),
        ({"end": "2024-02-30"}, "query.end"),
    ],
)
def test_dates_that_cannot_be_answered_get_a_clear_422(
    api: Api, factory: Organisation, query: dict[str, str], message: str
) -> None:
    staff = headers(api, Role.BACKBONE)
    for suffix in ("compliance", "compliance.csv"):
        answer = api.client.get(f"/facilities/{factory.id}/{suffix}", params=query, headers=staff)
        assert answer.status_code == 422, answer.text
        assert message in answer.json()["detail"]
