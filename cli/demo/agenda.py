"""The common agenda of a demo case, once its history is stored: agreed targets whose
progress is computed from the simulated data, the backbone's certification of those days,
and for the water case the sugar mill's wastewater commitment and villagers' complaints.

Anchored to today, like the simulated history: the baseline is the fortnight four weeks ago,
the counted window the last fortnight, and every day from the baseline to yesterday is
certified. Running it again adds only what is missing.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.demo.spec import DemoCase
from cli.demo.water import RIVER
from core.access.principal import ANONYMOUS, Principal
from core.accounts.signin import principal_for_user
from core.accounts.users import find_user
from core.actions.schemas import ActionCreate
from core.actions.service import create_action
from core.commitments.schemas import CommitmentCreate
from core.commitments.service import agree_commitment, create_commitment
from core.complaints.schemas import ComplaintCreate
from core.complaints.service import submit_complaint
from core.kit.errors import Conflict
from core.models import (
    Action,
    ActionKind,
    ActionStatus,
    Commitment,
    CommitmentAveraging,
    CommitmentKind,
    Complaint,
    ComplaintKind,
    Organisation,
    Station,
    Target,
    TargetDirection,
    TargetIndicator,
)
from core.reports.service import Storage
from core.targets.schemas import CertificationCreate, MilestoneIn, TargetCreate
from core.targets.service import agree_target, certify_period, create_target

log = logging.getLogger(__name__)

BASELINE_DAYS = 14
BASELINE_STARTS_DAYS_AGO = 28
DEADLINE_DAYS = 180
MILESTONE_DAYS = 60


@dataclass(frozen=True)
class TargetPlan:
    title_th: str
    title_en: str
    indicator: TargetIndicator
    parameter: str
    target_value: float
    milestone_value: float
    direction: TargetDirection = TargetDirection.LOWER
    area: str | None = None
    station_code: str | None = None


TARGETS: dict[str, tuple[TargetPlan, ...]] = {
    "dust": (
        TargetPlan(
            "วันที่ PM10 เกินมาตรฐาน 24 ชั่วโมง ที่ถนนขนส่งหน้าโรงโม่ ลดลงเหลือไม่เกิน 4 วันต่อสองสัปดาห์",
            "Days over the PM10 24-hour standard at the haul road: at most 4 a fortnight",
            TargetIndicator.EXCEEDANCE_DAYS,
            "pm10",
            target_value=4,
            milestone_value=9,
            station_code="npl-v01",
        ),
        TargetPlan(
            "ค่าเฉลี่ย PM2.5 ของตำบลหน้าพระลานไม่เกิน 37.5 ไมโครกรัมต่อลูกบาศก์เมตร",
            "PM2.5 mean of Na Phra Lan at most 37.5 µg/m³",
            TargetIndicator.PERIOD_MEAN,
            "pm25",
            target_value=37.5,
            milestone_value=45,
            area="Na Phra Lan",
        ),
    ),
    "water": (
        TargetPlan(
            "วันที่ออกซิเจนละลายน้ำต่ำกว่า 4 มก./ล. ที่สะพานบ้านหนองบัว ไม่เกิน 1 วันต่อสองสัปดาห์",
            "Days below DO 4 mg/L at Ban Nong Bua bridge: at most 1 a fortnight",
            TargetIndicator.EXCEEDANCE_DAYS,
            "do",
            target_value=1,
            milestone_value=3,
            station_code="ltk-v01",
        ),
        TargetPlan(
            "ค่าเฉลี่ยบีโอดีของลำตะคองไม่เกิน 2 มก./ล. (แหล่งน้ำประเภทที่ 3)",
            "BOD mean of the Lam Takhong at most 2 mg/L (class 3)",
            TargetIndicator.PERIOD_MEAN,
            "bod",
            target_value=2.0,
            milestone_value=2.4,
            area=RIVER,
        ),
        TargetPlan(
            "ค่าเฉลี่ยออกซิเจนละลายน้ำของลำตะคองอย่างน้อย 5 มก./ล.",
            "Dissolved oxygen mean of the Lam Takhong at least 5 mg/L",
            TargetIndicator.PERIOD_MEAN,
            "do",
            target_value=5.0,
            milestone_value=4.6,
            direction=TargetDirection.HIGHER,
            area=RIVER,
        ),
    ),
}

AGREEING = {"dust": ("backbone", "official"), "water": ("backbone", "official")}
"""Who signs every target up: the demo accounts (by e-mail name) of the backbone and the
official's agency."""

CERTIFIED_AREAS = {"dust": ("Na Phra Lan",), "water": (RIVER,)}


def _person(session: Session, case: DemoCase, name: str) -> Principal:
    user = find_user(session, email=f"{name}@{case.email_domain}")
    assert user is not None, f"run ensure_demo first: no {name}"
    return principal_for_user(user)


def ensure_agenda(session: Session, case: DemoCase, *, now: datetime, zone: ZoneInfo) -> None:
    """The case's targets (agreed), certified days, and (water) commitment and complaints."""
    today = now.astimezone(zone).date()
    baseline_start = today - timedelta(days=BASELINE_STARTS_DAYS_AGO)
    backbone = _person(session, case, "backbone")
    for area in CERTIFIED_AREAS[case.name]:
        try:
            with session.begin_nested():
                certify_period(
                    session,
                    data=CertificationCreate(
                        area=area, period_start=baseline_start, period_end=today - timedelta(1)
                    ),
                    actor=backbone,
                    now=now,
                    zone=zone,
                )
        except Conflict:
            pass
    for plan in TARGETS[case.name]:
        _ensure_target(session, case, plan, baseline_start, now=now, zone=zone)
    for action in ACTIONS.get(case.name, ()):
        _ensure_action(session, case, action, now=now, zone=zone)
    if case.name == "water":
        _ensure_commitment(session, case, baseline_start, now=now)
        _ensure_complaints(session, now=now, zone=zone)


def _ensure_target(
    session: Session,
    case: DemoCase,
    plan: TargetPlan,
    baseline_start: date,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    if session.scalars(select(Target.id).where(Target.title_en == plan.title_en)).first():
        return
    today = now.astimezone(zone).date()
    data = TargetCreate(
        title_th=plan.title_th,
        title_en=plan.title_en,
        indicator=plan.indicator,
        parameter=plan.parameter,
        area=plan.area,
        station_code=plan.station_code,
        baseline_start=baseline_start,
        baseline_end=baseline_start + timedelta(days=BASELINE_DAYS - 1),
        target_value=plan.target_value,
        deadline=today + timedelta(days=DEADLINE_DAYS),
        direction=plan.direction,
        milestones=[
            MilestoneIn(due=today + timedelta(days=MILESTONE_DAYS), value=plan.milestone_value)
        ],
    )
    target = create_target(
        session, data=data, actor=_person(session, case, "backbone"), now=now, zone=zone
    )
    for name in AGREEING[case.name]:
        agree_target(
            session, target_id=target.id, actor=_person(session, case, name), now=now, zone=zone
        )
    log.info("demo: target %r agreed", plan.title_en)


@dataclass(frozen=True)
class ActionPlan:
    who: str
    """The demo account (by e-mail name) whose organisation owns the action."""
    title_th: str
    title_en: str
    kind: ActionKind
    responsible: str
    target_title_en: str
    station_codes: tuple[str, ...]
    started_days_ago: int
    due_in_days: int
    status: ActionStatus


ACTIONS: dict[str, tuple[ActionPlan, ...]] = {
    "dust": (
        ActionPlan(
            "operator-a",
            "รดน้ำถนนขนส่งหน้าโรงโม่ทุกชั่วโมง 06:00–10:00",
            "Water the haul road in front of the quarry every hour 06:00–10:00",
            ActionKind.ROAD_WATERING,
            "Site manager, factory A",
            TARGETS["dust"][0].title_en,
            ("npl-v01",),
            started_days_ago=10,
            due_in_days=80,
            status=ActionStatus.IN_PROGRESS,
        ),
        ActionPlan(
            "operator-b",
            "คลุมผ้าใบรถบรรทุกทุกคันก่อนออกจากโรงงาน",
            "Cover every truck before it leaves the plant",
            ActionKind.TRUCK_COVERS,
            "Logistics lead, factory B",
            TARGETS["dust"][1].title_en,
            ("npl-v01", "npl-v02"),
            started_days_ago=20,
            due_in_days=-2,
            status=ActionStatus.IN_PROGRESS,
        ),
    ),
}
"""The factories' actions towards the dust targets: one under way, one past its due date."""


def _ensure_action(
    session: Session, case: DemoCase, plan: ActionPlan, *, now: datetime, zone: ZoneInfo
) -> None:
    if session.scalars(select(Action.id).where(Action.title_en == plan.title_en)).first():
        return
    target_id = session.scalars(
        select(Target.id).where(Target.title_en == plan.target_title_en)
    ).one()
    today = now.astimezone(zone).date()
    create_action(
        session,
        data=ActionCreate(
            title_th=plan.title_th,
            title_en=plan.title_en,
            kind=plan.kind,
            responsible=plan.responsible,
            start_date=today - timedelta(days=plan.started_days_ago),
            due_date=today + timedelta(days=plan.due_in_days),
            status=plan.status,
            target_ids=[target_id],
            station_codes=list(plan.station_codes),
        ),
        actor=_person(session, case, plan.who),
        now=now,
    )


WASTEWATER_TITLE_EN = "Treated wastewater at the outfall: BOD at most 20 mg/L as a 24-hour mean"


def _ensure_commitment(
    session: Session, case: DemoCase, effective_from: date, *, now: datetime
) -> None:
    """The mill's commitment to the industrial effluent limit of BOD 20 mg/L, checked against
    its outfall kit by the scheduler's excess-event job."""
    if session.scalars(
        select(Commitment.id).where(Commitment.title_en == WASTEWATER_TITLE_EN)
    ).first():
        return
    outfall = session.scalars(select(Station).where(Station.code == "ltk-f01")).one()
    data = CommitmentCreate(
        facility_id=outfall.organisation_id,
        title_th="น้ำทิ้งที่ผ่านการบำบัด ณ จุดระบาย: บีโอดีเฉลี่ย 24 ชั่วโมงไม่เกิน 20 มก./ล.",
        title_en=WASTEWATER_TITLE_EN,
        kind=CommitmentKind.THRESHOLD,
        station_codes=[outfall.code],
        parameter="bod",
        averaging=CommitmentAveraging.DAY,
        limit_value=Decimal(20),
        effective_from=effective_from,
    )
    commitment = create_commitment(
        session, actor=_person(session, case, "backbone"), data=data, now=now
    )
    agree_commitment(
        session, actor=_person(session, case, "operator"), commitment_id=commitment.id, now=now
    )


COMPLAINTS = (
    (ComplaintKind.SMELL, 3, "Sour, molasses-like smell from the river at the bridge (demo)."),
    (ComplaintKind.OTHER, 2, "Dead fish along the bank below the sugar mill (demo)."),
    (ComplaintKind.OTHER, 1, "The water has turned dark brown near the outfall (demo)."),
)
"""(cause, days ago, note): a smell, dead fish, discoloured water."""


def _ensure_complaints(session: Session, *, now: datetime, zone: ZoneInfo) -> None:
    bridge = session.scalars(select(Station).where(Station.code == "ltk-v01")).one()
    mill = session.scalars(
        select(Organisation.name_en).where(Organisation.name_en.like("Example sugar mill%"))
    ).first()
    storage = Storage(dir=Path(tempfile.gettempdir()), max_photo_bytes=0)
    for kind, days_ago, note in COMPLAINTS:
        if session.scalars(select(Complaint.id).where(Complaint.note == note)).first():
            continue
        submit_complaint(
            session,
            actor=ANONYMOUS,
            data=ComplaintCreate(
                kind=kind,
                observed_at=now - timedelta(days=days_ago, hours=2),
                latitude=bridge.latitude,
                longitude=bridge.longitude,
                village=RIVER,
                note=note,
                facility=mill,
            ),
            photo=None,
            storage=storage,
            now=now,
            zone=zone,
        )
