"""Demo only: one working group on the haul roads, one meeting of the joint forum held a week
ago with two decisions (one already overdue), and one meeting planned in two weeks, so the
forum's pages have something to show. Run after `ensure_demo`, which creates the
organisations; does nothing when the demo working group exists."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.demo.agenda import TARGETS
from cli.demo.people import DEMO_ACTOR, DEMO_ORGANISATIONS
from core.forum.schemas import AgendaItemIn, DecisionIn, MeetingIn, MemberIn, WorkingGroupIn
from core.forum.service import create_meeting, create_working_group, record_decision
from core.models import MeetingStatus, Organisation, Target, WorkingGroup

GROUP_TITLE_EN = "Haul roads of Na Phra Lan"


def _organisation_ids(session: Session) -> dict[str, int]:
    names = {demo.data.name_en: demo.key for demo in DEMO_ORGANISATIONS}
    rows = session.scalars(select(Organisation).where(Organisation.name_en.in_(names)))
    return {names[o.name_en]: o.id for o in rows}


def _target_ids(session: Session, title_en: str) -> list[int]:
    return list(session.scalars(select(Target.id).where(Target.title_en == title_en)))


def ensure_demo_forum(session: Session, *, now: datetime, zone: ZoneInfo) -> None:
    """Flushes only."""
    exists = session.scalars(
        select(WorkingGroup.id).where(WorkingGroup.title_en == GROUP_TITLE_EN)
    ).first()
    if exists is not None:
        return
    ids = _organisation_ids(session)
    today = now.astimezone(zone).date()
    members = ("volunteers", "factory-a", "factory-b", "sao")
    group = create_working_group(
        session,
        actor=DEMO_ACTOR,
        data=WorkingGroupIn(
            title_th="คณะทำงานถนนขนส่งหน้าพระลาน",
            title_en=GROUP_TITLE_EN,
            description_th="ฝุ่นจากรถบรรทุกหินบนถนนขนส่ง: การรดน้ำ การคลุมผ้าใบ และการล้างล้อ",
            description_en="Dust from the stone trucks on the haul roads: watering, covers "
            "and wheel washing.",
            area="Na Phra Lan",
            target_ids=_target_ids(session, TARGETS["dust"][0].title_en),
            members=[
                MemberIn(organisation_id=ids[key], joined_on=today - timedelta(days=60))
                for key in members
                if key in ids
            ],
        ),
        now=now,
    )
    present = [
        ids[key] for key in ("volunteers", "factory-a", "factory-b", "district") if key in ids
    ]
    held = create_meeting(
        session,
        actor=DEMO_ACTOR,
        data=MeetingIn(
            title_th="ประชุมเวทีร่วมภาคี ครั้งที่ 3",
            title_en="Joint forum, third meeting",
            starts_at=datetime.combine(today - timedelta(days=7), time(9, 30), tzinfo=zone),
            place="ที่ว่าการอำเภอเฉลิมพระเกียรติ",
            status=MeetingStatus.HELD,
            participant_ids=present,
            agenda=[
                AgendaItemIn(text_th="ฝุ่นจากถนนขนส่งช่วงเช้า", text_en="Morning dust on the haul road"),
                AgendaItemIn(text_th="ข้อร้องเรียนของชาวบ้าน", text_en="Villagers' complaints"),
            ],
            minutes="ที่ประชุมรับทราบข้อมูล PM10 ช่วง 06:00–10:00 ที่เกินมาตรฐาน "
            "และตกลงให้โรงโม่รดน้ำถนนขนส่งทุกชั่วโมงในช่วงเช้า",
        ),
        now=now,
    )
    decisions = (
        (
            "factory-a",
            "รดน้ำถนนขนส่งทุกชั่วโมง 06:00–10:00",
            "Water the haul road every hour 06:00-10:00",
            today - timedelta(days=1),
        ),
        (
            "sao",
            "ติดตั้งป้ายจำกัดความเร็วรถบรรทุก 30 กม./ชม. หน้าโรงเรียน",
            "Put up 30 km/h truck speed signs by the school",
            today + timedelta(days=30),
        ),
    )
    # The signs serve the haul road's PM10 target (once the agenda has set it up), so that
    # decision becomes the subdistrict's tracked action.
    serves = {"sao": _target_ids(session, TARGETS["dust"][0].title_en)}
    for key, text_th, text_en, due in decisions:
        if key in ids:
            record_decision(
                session,
                actor=DEMO_ACTOR,
                meeting_id=held.id,
                data=DecisionIn(
                    text_th=text_th,
                    text_en=text_en,
                    responsible_organisation_id=ids[key],
                    due_on=due,
                    target_ids=serves.get(key, []),
                ),
                now=now,
            )
    create_meeting(
        session,
        actor=DEMO_ACTOR,
        data=MeetingIn(
            working_group_id=group.id,
            title_th="ประชุมคณะทำงานถนนขนส่ง",
            title_en="Haul roads working group meeting",
            starts_at=datetime.combine(today + timedelta(days=14), time(13, 30), tzinfo=zone),
            place="องค์การบริหารส่วนตำบลหน้าพระลาน",
            status=MeetingStatus.PLANNED,
            participant_ids=[g for g in (ids.get(k) for k in members) if g is not None],
            agenda=[
                AgendaItemIn(
                    text_th="ผลการรดน้ำถนนตามมติครั้งก่อน",
                    text_en="The watering decided last time: what the data show",
                )
            ],
        ),
        now=now,
    )
