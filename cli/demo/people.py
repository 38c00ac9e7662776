"""The demo's organisations, stations and one account per role, with fresh passwords.

Every start of the demo gives each demo account a new random password and prints them:
fine for a demonstration on one's own computer, never done outside demo mode.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.demo.spec import DemoCase, DemoOrganisation, Person
from core.access.principal import Principal, system_principal
from core.accounts.schemas import UserCreate, UserUpdate
from core.accounts.users import create_user, find_user, update_user
from core.models import Organisation, Role, StakeholderGroup, Station
from core.organisations.schemas import Contact, OrganisationCreate
from core.organisations.service import create_organisation
from core.stations.schemas import StationCreate
from core.stations.service import add_keeper, create_station

DEMO_ACTOR = system_principal("demo set-up")
EMAIL_DOMAIN = "demo.dustwatch.example"

DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "volunteers",
        OrganisationCreate(
            name_th="หน่วยอาสาสมัครเฝ้าระวังคุณภาพอากาศหน้าพระลาน",
            name_en="Na Phra Lan volunteer monitoring unit",
            stakeholder_group=StakeholderGroup.AFFECTED_COMMUNITY,
            areas=["Na Phra Lan", "Huai Bong"],
            contacts=[Contact(name="Somchai (demo)", position="Coordinator", line_id="npl-demo")],
        ),
    ),
    DemoOrganisation(
        "factory-a",
        OrganisationCreate(
            name_th="โรงโม่หินตัวอย่าง ก",
            name_en="Example stone crushing mill (factory A)",
            stakeholder_group=StakeholderGroup.OPERATOR,
            areas=["Na Phra Lan"],
        ),
    ),
    DemoOrganisation(
        "factory-b",
        OrganisationCreate(
            name_th="เหมืองหินปูนตัวอย่าง ข",
            name_en="Example limestone quarry (factory B)",
            stakeholder_group=StakeholderGroup.OPERATOR,
            areas=["Na Phra Lan"],
        ),
    ),
    DemoOrganisation(
        "sao",
        OrganisationCreate(
            name_th="องค์การบริหารส่วนตำบลหน้าพระลาน",
            name_en="Na Phra Lan Subdistrict Administrative Organisation",
            stakeholder_group=StakeholderGroup.SUBDISTRICT_ADMINISTRATION,
            areas=["Na Phra Lan"],
        ),
    ),
    DemoOrganisation(
        "district",
        OrganisationCreate(
            name_th="ที่ว่าการอำเภอเฉลิมพระเกียรติ",
            name_en="Chaloem Phra Kiat District Office",
            stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT,
            areas=["Na Phra Lan", "Huai Bong", "Phu Khae"],
        ),
    ),
    DemoOrganisation(
        "backbone",
        OrganisationCreate(
            name_th="หน่วยประสานงานกลาง (แบ็คโบน) หน้าพระลาน",
            name_en="Na Phra Lan backbone unit",
            stakeholder_group=StakeholderGroup.BACKBONE,
            areas=["Na Phra Lan", "Huai Bong", "Phu Khae"],
        ),
    ),
)

DEMO_PEOPLE: tuple[Person, ...] = (
    ("volunteer", "Demo volunteer", Role.VOLUNTEER, "volunteers"),
    ("operator-a", "Demo operator, factory A", Role.OPERATOR, "factory-a"),
    ("operator-b", "Demo operator, factory B", Role.OPERATOR, "factory-b"),
    ("official", "Demo district official", Role.OFFICIAL, "district"),
    ("backbone", "Demo backbone staff", Role.BACKBONE, "backbone"),
    ("admin", "Demo administrator", Role.ADMIN, "backbone"),
)
KEPT_BY_THE_VOLUNTEER = ("npl-v01", "npl-v02")


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str
    organisation: str


def ensure_demo(session: Session, case: DemoCase) -> list[DemoAccount]:
    """Create what is missing of the case and give every demo account a new password;
    flushes only."""
    organisations = {o.key: _organisation(session, o) for o in case.organisations}
    for demo in case.stations:
        spec = demo.station
        exists = session.scalars(
            select(Station.id).where(func.lower(Station.code) == spec.code.lower())
        ).first()
        if exists is None:
            data = StationCreate(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                organisation_id=organisations[spec.owner].id,
                latitude=spec.latitude,
                longitude=spec.longitude,
                area=spec.area,
                public=spec.public,
            )
            create_station(session, actor=DEMO_ACTOR, data=data)
    accounts = [
        _account(session, f"{name}@{case.email_domain}", display, role, organisations[key])
        for name, display, role, key in case.people
    ]
    volunteer = find_user(session, email=f"volunteer@{case.email_domain}")
    assert volunteer is not None
    for code in case.kept_by_the_volunteer:
        add_keeper(session, actor=DEMO_ACTOR, code=code, user_id=volunteer.id)
    return accounts


def _organisation(session: Session, demo: DemoOrganisation) -> Organisation:
    found = session.scalars(
        select(Organisation).where(Organisation.name_en == demo.data.name_en)
    ).one_or_none()
    return found or create_organisation(session, actor=DEMO_ACTOR, data=demo.data)


def _account(
    session: Session, email: str, display: str, role: Role, organisation: Organisation
) -> DemoAccount:
    password = secrets.token_urlsafe(12)
    user = find_user(session, email=email)
    actor: Principal = DEMO_ACTOR
    if user is None:
        data = UserCreate(
            email=email,
            display_name=display,
            role=role,
            organisation_id=organisation.id,
            password=password,
        )
        create_user(session, actor=actor, data=data)
    else:
        update = UserUpdate(password=password, disabled=False)
        update_user(session, actor=actor, user_id=user.id, data=update, now=datetime.now(UTC))
    return DemoAccount(role=role, email=email, password=password, organisation=organisation.name_en)
