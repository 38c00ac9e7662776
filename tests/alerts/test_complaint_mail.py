"""A villager who left an e-mail address hears of each step of their complaint, and of the
four-week question, through the outbox and a real SMTP server; one who left none gets no
message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.delivery.channels import senders
from alerts.delivery.dispatcher import dispatch_outbox
from core.access.principal import ANONYMOUS, Principal
from core.complaints.followup import ask_follow_ups
from core.complaints.schemas import ComplaintCreate, ComplaintUpdateCreate
from core.complaints.service import add_update, submit_complaint
from core.kit.db import make_engine, make_session_factory
from core.models import ComplaintStatus, OutboxMessage, Role, StakeholderGroup
from core.outbox.service import RetryPolicy
from core.reports.service import Storage
from core.settings import DeliverySettings, SmtpSettings, default_zone
from tests.alerts.receivers import SmtpReceiver
from tests.factories import make_organisation, make_station

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


def complain(session: Session, tmp_path: Path, **contact: str) -> str:
    receipt = submit_complaint(
        session,
        actor=ANONYMOUS,
        data=ComplaintCreate(kind="dust", village="Na Phra Lan", note="dust all day", **contact),
        photo=None,
        storage=Storage(dir=tmp_path, max_photo_bytes=1000),
        now=NOW,
        zone=default_zone(),
    )
    return receipt.id


def test_the_reporter_hears_of_each_step_by_e_mail(
    backend: str, fresh_database_url: str, smtp: SmtpReceiver, tmp_path: Path
) -> None:
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        make_station(session, code="npl-v01", area="Na Phra Lan")
        backbone = make_organisation(session, stakeholder_group=StakeholderGroup.BACKBONE)
        staff = Principal(role=Role.BACKBONE, organisation_id=backbone.id, label="backbone")
        told = complain(session, tmp_path, contact_email="villager@example.org")
        silent = complain(session, tmp_path)
        for public_id in (told, silent):
            add_update(
                session,
                actor=staff,
                public_id=public_id,
                data=ComplaintUpdateCreate(status=ComplaintStatus.INVESTIGATING, note="internal"),
                now=NOW,
            )
        add_update(
            session,
            actor=staff,
            public_id=told,
            data=ComplaintUpdateCreate(
                status=ComplaintStatus.FIXED, note="Road watered since Monday", public=True
            ),
            now=NOW + timedelta(days=1),
        )
        ask_follow_ups(session, now=NOW + timedelta(days=29))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3

    delivery = DeliverySettings(
        smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, starttls=False, sender="a@x.test")
    )
    run = dispatch_outbox(
        factory,
        senders=senders(delivery, topic_prefix="dustwatch/v1"),
        policy=RetryPolicy(),
        clock=lambda: NOW + timedelta(days=30),
    )
    assert (len(run.sent), run.failed) == (3, [])
    investigating, fixed, question = smtp.messages
    assert {m["To"] for m in smtp.messages} == {"villager@example.org"}
    assert "กำลังตรวจสอบ / investigating" in investigating["Subject"]
    assert "internal" not in investigating.get_content()  # a staff note stays with the staff
    assert "Road watered since Monday" in fixed.get_content()
    assert "Four weeks on: is it still fixed?" in question.get_content()
    engine.dispose()
