"""Commitments checked against real ingested readings: one excess event per contiguous
breach, opened, extended and closed by the data; scans that change nothing when repeated;
the operator's right of reply, and nothing published before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, Principal
from core.accounts.signin import principal_for_user
from core.commitments.detection import detect_excess_events
from core.commitments.schemas import CommitmentCreate, ReplyIn
from core.commitments.service import (
    agree_commitment,
    commitment_detail,
    create_commitment,
    list_events,
    reply_to_event,
)
from core.kit.errors import Forbidden, NotFound
from core.models import (
    AuditEvent,
    Commitment,
    CommitmentAveraging,
    CommitmentKind,
    ExcessEvent,
    Role,
    StakeholderGroup,
)
from core.settings import default_zone
from tests.alerts.test_exceedance_alerts import T0, publish_hours
from tests.factories import make_organisation, make_station, make_user

ZONE = default_zone()
REPLY_DAYS = 7


class Facility:
    def __init__(self, session: Session) -> None:
        self.org = make_organisation(session, stakeholder_group=StakeholderGroup.OPERATOR)
        self.station = make_station(session, organisation_id=self.org.id)
        self.operator = principal_for_user(
            make_user(session, role=Role.OPERATOR, organisation=self.org)
        )


@pytest.fixture
def backbone(session: Session) -> Principal:
    org = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
    return principal_for_user(make_user(session, role=Role.BACKBONE, organisation=org))


def agreed(
    session: Session,
    facility: Facility,
    backbone: Principal,
    *,
    kind: CommitmentKind = CommitmentKind.THRESHOLD,
    averaging: CommitmentAveraging = CommitmentAveraging.HOURLY,
    limit: str = "120",
    window: tuple[time, time] | None = None,
) -> Commitment:
    data = CommitmentCreate(
        facility_id=facility.org.id,
        title_th="PM10 รั้วโรงงานไม่เกิน 120",
        title_en="Fence-line PM10 at most 120",
        kind=kind,
        station_codes=[facility.station.code],
        parameter="pm10",
        averaging=averaging,
        limit_value=Decimal(limit),
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        effective_from=date(2026, 11, 1),
    )
    commitment = create_commitment(session, actor=facility.operator, data=data, now=T0)
    return agree_commitment(session, actor=backbone, commitment_id=commitment.id, now=T0)


def events(session: Session) -> list[ExcessEvent]:
    return list(session.scalars(select(ExcessEvent).order_by(ExcessEvent.started_at)))


def test_a_breach_opens_one_event_extends_it_and_closes_it(
    session: Session, backbone: Principal
) -> None:
    facility = Facility(session)
    agreed(session, facility, backbone)
    publish_hours(session, facility.station.code, "pm10", 80, T0, 3)
    publish_hours(session, facility.station.code, "pm10", 150, T0 + timedelta(hours=3), 2)

    detect_excess_events(session, now=T0 + timedelta(hours=5, minutes=10), zone=ZONE)
    (event,) = events(session)
    assert (event.started_at, event.ended_at, event.hours_over) == (
        T0 + timedelta(hours=3),
        None,
        2,
    )

    publish_hours(session, facility.station.code, "pm10", 190, T0 + timedelta(hours=5), 1)
    publish_hours(session, facility.station.code, "pm10", 60, T0 + timedelta(hours=6), 2)
    detect_excess_events(session, now=T0 + timedelta(hours=8), zone=ZONE)
    (event,) = events(session)
    assert event.ended_at == T0 + timedelta(hours=6)
    assert event.hours_over == 3
    assert event.peak_value == Decimal(190)
    assert [point["value"] for point in event.data] == ["150.000", "150.000", "190.000"]

    publish_hours(session, facility.station.code, "pm10", 130, T0 + timedelta(hours=8), 1)
    detect_excess_events(session, now=T0 + timedelta(hours=9), zone=ZONE)
    assert [e.started_at for e in events(session)] == [
        T0 + timedelta(hours=3),
        T0 + timedelta(hours=8),
    ]


def test_scanning_again_changes_nothing(session: Session, backbone: Principal) -> None:
    facility = Facility(session)
    agreed(session, facility, backbone)
    publish_hours(session, facility.station.code, "pm10", 150, T0, 4)
    now = T0 + timedelta(hours=4)
    first = detect_excess_events(session, now=now, zone=ZONE)
    again = detect_excess_events(session, now=now + timedelta(minutes=30), zone=ZONE)
    assert (first.opened, first.extended) == (1, 3)
    assert (again.opened, again.extended, again.closed) == (0, 0, 0)
    (event,) = events(session)
    assert event.hours_over == 4


def test_a_24_hour_commitment_uses_the_24_hour_mean(session: Session, backbone: Principal) -> None:
    facility = Facility(session)
    agreed(session, facility, backbone, averaging=CommitmentAveraging.DAY)
    publish_hours(session, facility.station.code, "pm10", 100, T0, 20)
    publish_hours(session, facility.station.code, "pm10", 300, T0 + timedelta(hours=20), 4)
    detect_excess_events(session, now=T0 + timedelta(hours=24), zone=ZONE)
    (event,) = events(session)
    # The 24-h mean first exceeds 120 when it covers 20 hours at 100 and 2 at 300 (22 hours
    # of data, at least 18): 2600 / 22 = 118.2, not yet; with 3 at 300: 2900 / 23 = 126.1.
    assert event.started_at == T0 + timedelta(hours=22)
    assert event.hours_over == 2


def test_a_time_window_counts_only_hours_outside_the_window(
    session: Session, backbone: Principal
) -> None:
    facility = Facility(session)
    # Blasting only 15:00-16:00 local (08:00-09:00 UTC): PM10 over 200 elsewhen is a breach.
    agreed(
        session,
        facility,
        backbone,
        kind=CommitmentKind.TIME_WINDOW,
        limit="200",
        window=(time(15), time(16)),
    )
    publish_hours(session, facility.station.code, "pm10", 50, T0, 8)
    publish_hours(session, facility.station.code, "pm10", 400, T0 + timedelta(hours=8), 1)
    publish_hours(session, facility.station.code, "pm10", 50, T0 + timedelta(hours=9), 3)
    detect_excess_events(session, now=T0 + timedelta(hours=12), zone=ZONE)
    assert events(session) == []

    publish_hours(session, facility.station.code, "pm10", 400, T0 + timedelta(hours=12), 1)
    publish_hours(session, facility.station.code, "pm10", 50, T0 + timedelta(hours=13), 1)
    detect_excess_events(session, now=T0 + timedelta(hours=14), zone=ZONE)
    (event,) = events(session)
    assert (event.started_at, event.ended_at) == (
        T0 + timedelta(hours=12),
        T0 + timedelta(hours=13),
    )


def test_nothing_is_published_before_a_reply_or_the_end_of_the_reply_period(
    session: Session, backbone: Principal
) -> None:
    facility = Facility(session)
    commitment = agreed(session, facility, backbone)
    publish_hours(session, facility.station.code, "pm10", 150, T0, 2)
    detected = T0 + timedelta(hours=2)
    detect_excess_events(session, now=detected, zone=ZONE)

    def public_states(now: datetime) -> list[str]:
        shown = list_events(session, actor=ANONYMOUS, now=now, reply_days=REPLY_DAYS)
        return [e.reply_state for e in shown]

    due = detected + timedelta(days=REPLY_DAYS)
    assert public_states(due - timedelta(seconds=1)) == []
    assert public_states(due) == ["no_reply"]
    detail = commitment_detail(
        session,
        actor=ANONYMOUS,
        commitment_id=commitment.id,
        now=detected,
        reply_days=REPLY_DAYS,
        zone=ZONE,
    )
    assert detail.events == []
    own = list_events(session, actor=facility.operator, now=detected, reply_days=REPLY_DAYS)
    assert [e.reply_state for e in own] == ["awaiting_reply"]

    (event,) = events(session)
    reply = ReplyIn(cause="Blasting ran late", corrective_action="Water cannon", reply_text="")
    reply_to_event(
        session,
        actor=facility.operator,
        event_id=event.id,
        reply=reply,
        now=detected + timedelta(hours=1),
        reply_days=REPLY_DAYS,
    )
    (shown,) = list_events(
        session, actor=ANONYMOUS, now=detected + timedelta(hours=1), reply_days=REPLY_DAYS
    )
    assert (shown.reply_state, shown.cause, shown.corrective_action) == (
        "replied",
        "Blasting ran late",
        "Water cannon",
    )


def test_only_the_facility_operator_replies(session: Session, backbone: Principal) -> None:
    facility_a, facility_b = Facility(session), Facility(session)
    agreed(session, facility_a, backbone)
    publish_hours(session, facility_a.station.code, "pm10", 150, T0, 2)
    detected = T0 + timedelta(hours=2)
    detect_excess_events(session, now=detected, zone=ZONE)
    (event,) = events(session)
    reply = ReplyIn(cause="x", corrective_action="y")
    # Before publication operator B does not even learn the event exists.
    with pytest.raises(NotFound):
        reply_to_event(
            session,
            actor=facility_b.operator,
            event_id=event.id,
            reply=reply,
            now=detected,
            reply_days=REPLY_DAYS,
        )
    for refused in (facility_b.operator, backbone):
        with pytest.raises(Forbidden):
            reply_to_event(
                session,
                actor=refused,
                event_id=event.id,
                reply=reply,
                now=detected + timedelta(days=REPLY_DAYS),
                reply_days=REPLY_DAYS,
            )
    reply_to_event(
        session,
        actor=facility_a.operator,
        event_id=event.id,
        reply=reply,
        now=detected,
        reply_days=REPLY_DAYS,
    )
    audited = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "excess_event", AuditEvent.entity_id == str(event.id)
        )
    ).all()
    assert audited == ["excess_event.reply"]


def test_downtime_counts_the_hours_without_data(session: Session, backbone: Principal) -> None:
    facility = Facility(session)
    commitment = agreed(session, facility, backbone)
    publish_hours(session, facility.station.code, "pm10", 50, T0, 10)
    detail = commitment_detail(
        session,
        actor=ANONYMOUS,
        commitment_id=commitment.id,
        now=T0 + timedelta(hours=12),
        reply_days=REPLY_DAYS,
        zone=ZONE,
    )
    (down,) = detail.downtime
    since = detail.downtime_since
    hours = int((T0 + timedelta(hours=12) - since) / timedelta(hours=1))
    assert (down.hours_without_data, down.hours_in_period) == (hours - 10, hours)


def test_an_operator_proposes_only_for_its_own_facility(
    session: Session, backbone: Principal
) -> None:
    facility_a, facility_b = Facility(session), Facility(session)
    data = CommitmentCreate(
        facility_id=facility_a.org.id,
        title_th="ก",
        title_en="a",
        kind=CommitmentKind.THRESHOLD,
        station_codes=[facility_a.station.code],
        parameter="pm10",
        averaging=CommitmentAveraging.HOURLY,
        limit_value=Decimal(120),
        effective_from=date(2026, 11, 1),
    )
    with pytest.raises(Forbidden):
        create_commitment(session, actor=facility_b.operator, data=data, now=datetime.now(UTC))
    proposed = create_commitment(session, actor=facility_a.operator, data=data, now=T0)
    with pytest.raises(Forbidden):
        agree_commitment(session, actor=facility_a.operator, commitment_id=proposed.id, now=T0)
