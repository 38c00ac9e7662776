"""Quality control over HTTP, end to end: a device's readings in, a conflicting re-send
answered as a conflict, the backbone's review audited and changing GET /indicators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.models import Role
from core.settings import default_zone
from tests.api.conftest import Api
from tests.api.test_ingest_http import bearer, device_key
from tests.factories import make_organisation, make_station, make_user

ZONE = default_zone()


def a_day_of_hourly_pm10(day_start: datetime, high_hour: int) -> list[dict[str, object]]:
    """About 100 ug/m3 every hour of a local day (98 and 102 in turn, as a working sensor
    wavers), 340 in one even hour: a mean of 110, and of 100 without it."""
    return [
        {
            "parameter": "pm10",
            "value": 340 if hour == high_hour else 100 if hour == 23 else 98 + 4 * (hour % 2),
            "time": (day_start + timedelta(hours=hour, minutes=30)).isoformat(),
        }
        for hour in range(24)
    ]


def test_a_review_changes_the_indicators_and_is_audited(api: Api) -> None:
    station = make_station(api.session)
    backbone = make_user(
        api.session, role=Role.BACKBONE, organisation=make_organisation(api.session)
    )
    key = device_key(api, station)
    day = datetime.now(ZONE).date() - timedelta(days=1)
    day_start = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    readings = a_day_of_hourly_pm10(day_start, high_hour=10)
    high = readings[10]

    sent = api.client.post("/ingest/readings", json=readings, headers=bearer(key))
    assert sent.status_code == 200
    assert {r["quality"] for r in sent.json()["accepted"]} == {"valid"}

    # The logger sends the 10:30 reading again with another value: a conflict, not a duplicate.
    resent = api.client.post(
        "/ingest/readings", json=[high | {"value": 345}, readings[11]], headers=bearer(key)
    )
    assert resent.status_code == 200
    answer = resent.json()
    assert [(c["value"], c["stored_value"]) for c in answer["conflicts"]] == [(345.0, 340.0)]
    assert [d["value"] for d in answer["duplicates"]] == [102.0]

    staff = api.headers(backbone)
    conflicts = api.client.get(f"/quality/conflicts?station={station.code}", headers=staff)
    assert [(c["stored_value"], c["sent_value"]) for c in conflicts.json()] == [(340.0, 345.0)]

    query = f"/indicators?station={station.code}&parameter=pm10&start={day}&end={day}"
    before = api.client.get(query).json()
    assert before["days"][0]["value"] == 110
    assert before["readings_left_out"]["readings"] == 0
    assert before["values_used"] == "raw"

    verdict = {
        "station": station.code,
        "parameter": "pm10",
        "time": high["time"],
        "quality": "invalid",
        "reason": "a water truck sprayed the inlet",
    }
    reviewed = api.client.post("/quality/readings/review", json=verdict, headers=staff)
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["quality"] == "invalid"

    after = api.client.get(query).json()
    assert after["days"][0]["value"] == 100
    assert after["readings_left_out"]["readings"] == 1
    flagged = api.client.get(
        f"/quality/readings?flag=invalid&station={station.code}", headers=staff
    ).json()
    assert [(r["value"], r["rule"], r["reason"]) for r in flagged] == [
        (340.0, "review", "a water truck sprayed the inlet")
    ]
    audit = api.client.get("/audit?entity=reading", headers=staff).json()
    assert [(e["action"], e["before"]["quality"], e["after"]["quality"]) for e in audit] == [
        ("review_reading", "valid", "invalid")
    ]
    start = (day_start + timedelta(hours=10)).astimezone(UTC).isoformat()
    stored = api.client.get(
        f"/stations/{station.code}/readings",
        params={"parameter": "pm10", "start": start, "end": high["time"].replace("30:00", "31:00")},
    ).json()
    assert [(r["value"], r["quality"]) for r in stored] == [(340.0, "invalid")]

    # Back in after a second look: the indicator is what it was.
    verdict |= {"quality": "valid", "reason": "the spray came after this reading"}
    assert api.client.post("/quality/readings/review", json=verdict, headers=staff).is_success
    again = api.client.get(query).json()
    assert (again["days"][0]["value"], again["readings_left_out"]["readings"]) == (110, 0)


def test_a_review_needs_a_reason_and_an_existing_reading(api: Api) -> None:
    station = make_station(api.session)
    backbone = make_user(
        api.session, role=Role.BACKBONE, organisation=make_organisation(api.session)
    )
    staff = api.headers(backbone)
    verdict = {
        "station": station.code,
        "parameter": "pm10",
        "time": "2026-11-20T10:30:00+07:00",
        "quality": "invalid",
        "reason": "x",
    }
    assert (
        api.client.post("/quality/readings/review", json=verdict, headers=staff).status_code == 422
    )
    verdict["reason"] = "no such reading"
    missing = api.client.post("/quality/readings/review", json=verdict, headers=staff)
    assert missing.status_code == 404
    assert "no pm10 reading" in missing.json()["detail"]
