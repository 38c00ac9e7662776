"""The water case: the Lam Takhong and the Mun in Nakhon Ratchasima, with village volunteers'
and agencies' water-quality kits on the river and a sugar mill's wastewater outfall, judged
against the Thai surface water standard (class 3).

Values are deterministic for a station and a time, as in the dust case; some days the river
below the mill runs short of oxygen, and some days the mill's effluent carries more BOD than
its commitment allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from cli.demo.simulator import StationSpec, seeded_random
from cli.demo.spec import DemoCase, DemoOrganisation, Person
from core.kit.time import BANGKOK
from core.models import Role, StakeholderGroup, StationKind
from core.organisations.schemas import Contact, OrganisationCreate

RIVER = "Lam Takhong"
MUN = "Mun River"
EMAIL_DOMAIN = "water.demo.dustwatch.example"
RIVER_PARAMETERS = ("do", "bod", "ph", "nh3n")
OUTFALL_PARAMETERS = ("bod", "ph", "nh3n")


@dataclass(frozen=True)
class WaterStation:
    station: StationSpec
    do_base: float
    """Typical daily mean of dissolved oxygen, mg/L."""
    bod_base: float
    """Typical BOD, mg/L."""
    nh3n_base: float
    """Typical ammonia nitrogen, mg/L."""
    ph_base: float
    parameters: tuple[str, ...] = RIVER_PARAMETERS
    upsets: bool = False
    """Every other day the treatment plant is overloaded (the crushing season's peaks), so
    that the commitment's breaches appear within any two days."""

    def readings(self, moment: datetime) -> dict[str, float]:
        return simulate_water(self, moment)


def _day_load(demo: WaterStation, moment: datetime) -> float:
    """Some days carry more waste (the crushing season's peaks, low flow); the same every run."""
    day = moment.astimezone(BANGKOK).date()
    share = seeded_random(demo.station.code, "load", day).random()
    if demo.upsets:
        return 1.45 + 0.1 * share if day.toordinal() % 2 == 0 else 0.75 + 0.3 * share
    return 0.75 + 0.75 * share


def simulate_water(demo: WaterStation, moment: datetime) -> dict[str, float]:
    """DO (mg/L, highest in the afternoon when algae photosynthesise, lowest at dawn), BOD and
    NH3-N (mg/L) rising with the day's load while DO falls with it, and pH."""
    local = moment.astimezone(BANGKOK)
    hour = local.hour + local.minute / 60
    noise = seeded_random(demo.station.code, moment.isoformat())
    load = _day_load(demo, moment)
    daylight = math.sin((hour - 9.0) / 24 * 2 * math.pi)
    values = {
        "do": max(0.2, demo.do_base * (1.6 - 0.6 * load) + 0.7 * daylight + noise.gauss(0, 0.15)),
        "bod": max(0.1, demo.bod_base * load * max(0.6, noise.gauss(1.0, 0.08))),
        "ph": demo.ph_base + 0.25 * daylight + noise.gauss(0, 0.05),
        "nh3n": max(0.01, demo.nh3n_base * load * max(0.6, noise.gauss(1.0, 0.1))),
    }
    return {code: round(values[code], 2) for code in demo.parameters}


WATER_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "volunteers",
        OrganisationCreate(
            name_th="อาสาสมัครเฝ้าระวังคุณภาพน้ำบ้านหนองบัว",
            name_en="Ban Nong Bua village water volunteers",
            stakeholder_group=StakeholderGroup.AFFECTED_COMMUNITY,
            areas=[RIVER],
            contacts=[Contact(name="Malee (demo)", position="Coordinator", line_id="nb-demo")],
        ),
    ),
    DemoOrganisation(
        "sugar-mill",
        OrganisationCreate(
            name_th="โรงงานน้ำตาลตัวอย่าง ว",
            name_en="Example sugar mill (factory W)",
            stakeholder_group=StakeholderGroup.OPERATOR,
            areas=[RIVER],
        ),
    ),
    DemoOrganisation(
        "provincial-office",
        OrganisationCreate(
            name_th="สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดนครราชสีมา",
            name_en="Nakhon Ratchasima Provincial Office of Natural Resources and Environment",
            stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT,
            areas=[RIVER, MUN],
        ),
    ),
    DemoOrganisation(
        "regional-office",
        OrganisationCreate(
            name_th="สำนักงานสิ่งแวดล้อมภาคที่ 11 (นครราชสีมา)",
            name_en="Regional Environment Office 11 (Nakhon Ratchasima)",
            stakeholder_group=StakeholderGroup.OTHER,
            areas=[RIVER, MUN],
        ),
    ),
    DemoOrganisation(
        "industry-office",
        OrganisationCreate(
            name_th="สำนักงานอุตสาหกรรมจังหวัดนครราชสีมา",
            name_en="Nakhon Ratchasima Provincial Industry Office",
            stakeholder_group=StakeholderGroup.MINISTRY_OF_INDUSTRY,
            areas=[RIVER, MUN],
        ),
    ),
    DemoOrganisation(
        "irrigation",
        OrganisationCreate(
            name_th="โครงการส่งน้ำและบำรุงรักษาลำตะคอง กรมชลประทาน",
            name_en="Lam Takhong Operation and Maintenance Project (Royal Irrigation Department)",
            stakeholder_group=StakeholderGroup.OTHER,
            areas=[RIVER, MUN],
        ),
    ),
    DemoOrganisation(
        "backbone",
        OrganisationCreate(
            name_th="หน่วยประสานงานกลาง (แบ็คโบน) ลุ่มน้ำลำตะคอง",
            name_en="Lam Takhong river forum backbone unit",
            stakeholder_group=StakeholderGroup.BACKBONE,
            areas=[RIVER, MUN],
        ),
    ),
)

WATER_PEOPLE: tuple[Person, ...] = (
    ("volunteer", "Demo water volunteer", Role.VOLUNTEER, "volunteers"),
    ("operator", "Demo operator, sugar mill", Role.OPERATOR, "sugar-mill"),
    ("official", "Demo provincial environment official", Role.OFFICIAL, "provincial-office"),
    ("backbone", "Demo river forum staff", Role.BACKBONE, "backbone"),
    ("admin", "Demo administrator", Role.ADMIN, "backbone"),
)

WATER_STATIONS: tuple[WaterStation, ...] = (
    WaterStation(
        StationSpec(
            code="ltk-v01",
            name="Lam Takhong at Ban Nong Bua bridge, below the mill (volunteer)",
            kind=StationKind.VOLUNTEER,
            owner="volunteers",
            latitude=14.9571,
            longitude=101.9702,
            area=RIVER,
        ),
        do_base=4.6,
        bod_base=2.3,
        nh3n_base=0.42,
        ph_base=7.2,
    ),
    WaterStation(
        StationSpec(
            code="ltk-v02",
            name="Lam Takhong above the mill (volunteer)",
            kind=StationKind.VOLUNTEER,
            owner="volunteers",
            latitude=14.9448,
            longitude=101.9351,
            area=RIVER,
        ),
        do_base=6.4,
        bod_base=1.2,
        nh3n_base=0.12,
        ph_base=7.5,
    ),
    WaterStation(
        StationSpec(
            code="ltk-r01",
            name="Lam Takhong in Nakhon Ratchasima city (Regional Environment Office 11)",
            kind=StationKind.REFERENCE,
            owner="regional-office",
            latitude=14.9788,
            longitude=102.0947,
            area=RIVER,
        ),
        do_base=5.3,
        bod_base=1.8,
        nh3n_base=0.3,
        ph_base=7.4,
    ),
    WaterStation(
        StationSpec(
            code="mun-r01",
            name="Mun River below the Lam Takhong (irrigation project)",
            kind=StationKind.REFERENCE,
            owner="irrigation",
            latitude=15.0203,
            longitude=102.2384,
            area=MUN,
        ),
        do_base=5.9,
        bod_base=1.5,
        nh3n_base=0.2,
        ph_base=7.6,
    ),
    WaterStation(
        StationSpec(
            code="ltk-f01",
            name="Sugar mill treated wastewater outfall (operator)",
            kind=StationKind.FACTORY,
            owner="sugar-mill",
            latitude=14.9522,
            longitude=101.9583,
            area=RIVER,
            public=False,
        ),
        do_base=3.0,
        bod_base=15.0,
        nh3n_base=2.4,
        ph_base=7.7,
        parameters=OUTFALL_PARAMETERS,
        upsets=True,
    ),
)

WATER = DemoCase(
    name="water",
    stations=WATER_STATIONS,
    organisations=WATER_ORGANISATIONS,
    people=WATER_PEOPLE,
    kept_by_the_volunteer=("ltk-v01", "ltk-v02"),
    email_domain=EMAIL_DOMAIN,
    bulletins=False,
)
