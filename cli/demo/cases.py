"""The demo cases `dustwatch demo --case` offers: the same workspace, other parameters."""

from __future__ import annotations

from cli.demo.people import DEMO_ORGANISATIONS, DEMO_PEOPLE, EMAIL_DOMAIN, KEPT_BY_THE_VOLUNTEER
from cli.demo.simulator import DEMO_STATIONS
from cli.demo.spec import DemoCase
from cli.demo.water import WATER

DUST = DemoCase(
    name="dust",
    stations=DEMO_STATIONS,
    organisations=DEMO_ORGANISATIONS,
    people=DEMO_PEOPLE,
    kept_by_the_volunteer=KEPT_BY_THE_VOLUNTEER,
    email_domain=EMAIL_DOMAIN,
    bulletins=True,
)
"""Quarry and stone-mill dust in Na Phra Lan, Saraburi."""

CASES: dict[str, DemoCase] = {case.name: case for case in (DUST, WATER)}
