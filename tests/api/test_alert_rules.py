"""The backbone writes alert rules: checked per kind (a rule that could never fire, or whose
message names an unknown figure, is refused with a reason), audited, disabled not deleted."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import Role
from tests.api.conftest import Api
from tests.factories import make_user

RULE: dict[str, Any] = {
    "name": "PM2.5 NowCast over 75",
    "kind": "value_over",
    "areas": ["Na Phra Lan"],
    "station_kind": "volunteer",
    "parameter": "pm25",
    "threshold": 75,
    "averaging": "nowcast",
    "min_duration_minutes": 30,
    "severity": "critical",
    "title_th": "ฝุ่น {parameter} สูงที่ {station}",
    "title_en": "{parameter} high at {station}",
    "message_th": "{parameter} {value} {unit} เกิน {threshold} ตั้งแต่ {since}",
    "message_en": "{parameter} {value} {unit}, over {threshold}, since {since}",
}


def test_a_rule_is_created_changed_and_disabled_with_every_step_audited(api: Api) -> None:
    headers = api.headers(make_user(api.session, role=Role.BACKBONE))
    [default] = api.client.get("/alert-rules", headers=headers).json()
    assert (default["kind"], default["enabled"], default["severity"]) == (
        "exceedance_24h",
        True,
        "warning",
    )

    created = api.client.post("/alert-rules", json=RULE, headers=headers)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert {k: rule[k] for k in RULE} == RULE
    assert rule["created_by"] == rule["updated_by"]

    changed = api.client.put(
        f"/alert-rules/{rule['id']}", json=RULE | {"threshold": 90.5}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert api.client.get(f"/alert-rules/{rule['id']}", headers=headers).json()["threshold"] == 90.5

    disabled = api.client.delete(f"/alert-rules/{rule['id']}", headers=headers)
    assert disabled.status_code == 200
    assert disabled.json()["enabled"] is False
    listed = api.client.get("/alert-rules", headers=headers).json()
    assert [r["enabled"] for r in listed] == [True, False]  # kept, with its history

    events = api.client.get("/audit", params={"entity": "alert_rule"}, headers=headers).json()
    assert [e["action"] for e in events] == ["disable", "update", "create"]
    assert events[1]["before"]["threshold"] == 75
    assert events[1]["after"]["threshold"] == 90.5


def test_a_rule_keeps_its_kind(api: Api) -> None:
    headers = api.headers(make_user(api.session, role=Role.ADMIN))
    rule = api.client.post("/alert-rules", json=RULE, headers=headers).json()
    silent = RULE | {"kind": "station_silent", "minutes": 60}
    silent |= {"parameter": None, "threshold": None, "averaging": None}
    refused = api.client.put(f"/alert-rules/{rule['id']}", json=silent, headers=headers)
    assert refused.status_code in (400, 422)
    assert "keeps its kind" in refused.text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"message_en": "{station} at {hour}"}, "unknown placeholder {hour}"),
        ({"title_th": "{0} สูง"}, "unknown placeholder {0}"),
        ({"message_th": "{value:.2f}"}, "takes no format"),
        ({"message_en": "over { threshold"}, "literal brace"),
        ({"threshold": None}, "needs threshold"),
        ({"averaging": None}, "needs averaging"),
        ({"radius_m": 500}, "takes no radius_m"),
        ({"parameter": "no2"}, "no2 does not apply here"),
        ({"parameter": "dust"}, "no parameter 'dust'"),
        ({"threshold": -1}, "greater than or equal to 0"),
        ({"kind": "aqi_band", "threshold": None, "averaging": None}, "needs aqi_band"),
        ({"kind": "station_silent", "parameter": None, "averaging": None}, "needs minutes"),
        ({"kind": "observation_cluster", "count": 5}, "needs radius_m, window_minutes"),
        ({"severity": "panic"}, "severity"),
        ({"name": "a\u0000b"}, "NUL"),
        ({"areas": [""]}, "areas"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_with_the_reason(
    api: Api, change: dict[str, Any], reason: str
) -> None:
    headers = api.headers(make_user(api.session, role=Role.BACKBONE))
    refused = api.client.post("/alert-rules", json=RULE | change, headers=headers)
    assert refused.status_code in (400, 422), refused.text  # 400: NUL, refused for any body
    assert reason in refused.text


def test_infinite_and_huge_thresholds_are_refused(api: Api) -> None:
    headers = api.headers(make_user(api.session, role=Role.BACKBONE))
    body = '{"threshold": Infinity, ' + str(RULE).replace("'", '"')[1:]
    refused = api.client.post(
        "/alert-rules", content=body, headers=headers | {"Content-Type": "application/json"}
    )
    assert refused.status_code in (400, 422)
    huge = api.client.post("/alert-rules", json=RULE | {"threshold": 1e300}, headers=headers)
    assert huge.status_code == 422
