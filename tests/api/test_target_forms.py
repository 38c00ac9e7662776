"""The backbone's target forms refuse hostile input with the form and a 422, never a 500:
huge text, NaN and infinite numbers, dates that overflow, half a milestone; NUL characters
are refused before the form with a 400."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Role, StakeholderGroup
from tests.api.conftest import Api
from tests.core.indicators.test_indicators import flat, publish
from tests.factories import bearer_for, make_organisation, make_station, make_user

GOOD = {
    "title_th": "วันฝุ่นเกินมาตรฐานลดลง",
    "title_en": "Fewer dusty days",
    "indicator": "exceedance_days",
    "parameter": "pm10",
    "area": "Na Phra Lan",
    "baseline_start": "2026-01-01",
    "baseline_end": "2026-01-02",
    "target_value": "0",
    "deadline": "2027-01-01",
}


@pytest.mark.parametrize(
    "change",
    [
        {"title_th": "ฝุ่น" * 5000},
        {"target_value": "nan"},
        {"target_value": "1e400"},
        {"deadline": "99999-01-01"},
        {"baseline_start": "2026-02-30"},
        {"direction": "sideways"},
        {"milestone_due": "2026-06-01"},
        {"baseline_start": "2025-01-01"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_bad_proposal_gets_the_form_back(api: Api, change: dict[str, str]) -> None:
    s = api.session
    station = make_station(s, area="Na Phra Lan")
    publish(s, station.code, "pm10", date(2026, 1, 1), flat("200"))
    backbone = make_user(
        s,
        role=Role.BACKBONE,
        organisation=make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE),
    )
    s.commit()
    response = api.client.post(
        "/manage/targets", data=GOOD | change, headers=bearer_for(s, backbone)
    )
    assert response.status_code == 422, response.text[:300]
    assert 'role="alert"' in response.text


def test_a_bad_certification_gets_the_form_back(api: Api) -> None:
    s = api.session
    make_station(s, area="Na Phra Lan")
    backbone = make_user(
        s,
        role=Role.BACKBONE,
        organisation=make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE),
    )
    s.commit()
    staff = bearer_for(s, backbone)
    for form in (
        {"area": "Na Phra Lan", "period_start": "2026-01-31", "period_end": "2026-01-01"},
        {"area": "Na Phra Lan", "period_start": "2026-01-01", "period_end": "9999-12-31"},
    ):
        response = api.client.post("/manage/certifications", data=form, headers=staff)
        assert response.status_code == 422, (form, response.text[:300])
    nul = {"area": "Na Phra Lan\x00", "period_start": "2026-01-01", "period_end": "2026-01-31"}
    assert api.client.post("/manage/certifications", data=nul, headers=staff).status_code == 400
