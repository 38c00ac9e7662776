"""The demo's forum: a working group, a held meeting with two decisions (one overdue) and a
planned meeting, created once however often the demo starts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.demo.cases import DUST
from cli.demo.forum import ensure_demo_forum
from cli.demo.people import ensure_demo
from core.access.principal import ANONYMOUS
from core.forum.service import list_decisions, list_meetings
from core.models import WorkingGroup
from core.settings import default_zone

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)


def test_the_demo_shows_a_forum_once(session: Session) -> None:
    ensure_demo(session, DUST)
    for _ in range(2):
        ensure_demo_forum(session, now=NOW, zone=default_zone())
    assert session.scalar(select(func.count(WorkingGroup.id))) == 1
    meetings = list_meetings(session)
    assert sorted(m.status.value for m in meetings) == ["held", "planned"]
    decisions = list_decisions(session, viewer=ANONYMOUS, today=NOW.date())
    assert sorted(d.overdue for d in decisions) == [False, True]
