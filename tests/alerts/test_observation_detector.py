"""Volunteers' observations as an alert condition: several people seeing dust near each
other within the hour is a cluster; one person reporting many times, people too far apart or
too far apart in time is not; the cluster keeps its subject while reports keep coming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from core.alerts.conditions import Condition
from core.alerts.detectors.observations import detect_observation_clusters
from core.kit.geo import haversine_m
from core.models import Observation, ObservationKind, Role
from tests.factories import make_user

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TEMPLE = (14.6800, 100.8700)
"""Wat Na Phra Lan; 0.001° of latitude is about 111 m."""


def observe(
    session: Session,
    reporter_id: int,
    minutes_ago: float,
    *,
    north_m: float = 0.0,
    kind: ObservationKind = ObservationKind.VISIBLE_DUST,
    village: str | None = "Na Phra Lan",
    at: tuple[float, float] | None = TEMPLE,
) -> Observation:
    when = NOW - timedelta(minutes=minutes_ago)
    observation = Observation(
        kind=kind,
        observed_at=when,
        latitude=at[0] + north_m / 111_195 if at else None,
        longitude=at[1] if at else None,
        village=village,
        note="dust over the road",
        reporter_id=reporter_id,
        created_at=when,
    )
    session.add(observation)
    session.flush()
    return observation


@pytest.fixture
def people(session: Session) -> list[int]:
    return [make_user(session, role=Role.VOLUNTEER).id for _ in range(5)]


def clusters(session: Session, now: datetime = NOW, **rule: object) -> list[Condition]:
    return detect_observation_clusters(session, now=now, **rule)  # type: ignore[arg-type]


def test_haversine_agrees_with_a_known_distance() -> None:
    # Bangkok (Democracy Monument) to Saraburi city hall: about 95 km as the crow flies.
    assert 94_000 < haversine_m(13.7567, 100.5018, 14.5289, 100.9101) < 97_000
    assert haversine_m(*TEMPLE, *TEMPLE) == 0
    assert haversine_m(14.68, 100.87, 14.681, 100.87) == pytest.approx(111.2, abs=0.5)


def test_three_people_near_each_other_within_the_hour_are_a_cluster(
    session: Session, people: list[int]
) -> None:
    first = observe(session, people[0], 40)
    observe(session, people[1], 25, north_m=400)
    observe(session, people[2], 5, north_m=-300)
    observe(session, people[2], 2, north_m=-250)  # the same person again counts once
    found = clusters(session)
    assert len(found) == 1
    cluster = found[0]
    assert cluster.subject == f"cluster:Na Phra Lan:{first.id}"
    assert cluster.area == "Na Phra Lan"
    assert (cluster.value, cluster.threshold) == (3, 3)
    assert cluster.details["count"] == 3
    assert cluster.details["reports"] == 4
    assert cluster.details["place"] == "Na Phra Lan"
    assert cluster.started_at == NOW - timedelta(minutes=5), "when the third person reported"


def test_one_persons_many_reports_are_no_cluster(session: Session, people: list[int]) -> None:
    for minutes in (50, 40, 30, 20, 10, 5):
        observe(session, people[0], minutes, north_m=minutes)
    observe(session, people[1], 15)
    assert clusters(session) == []


def test_people_too_far_apart_are_no_cluster(session: Session, people: list[int]) -> None:
    observe(session, people[0], 30)
    observe(session, people[1], 20, north_m=600)
    observe(session, people[2], 10, north_m=1500)  # 1.5 km from the first
    assert clusters(session) == []
    assert len(clusters(session, radius_m=2000)) == 1


def test_reports_outside_the_window_are_no_cluster(session: Session, people: list[int]) -> None:
    observe(session, people[0], 130)
    observe(session, people[1], 70)
    observe(session, people[2], 10)
    assert clusters(session) == [], "the first two are more than an hour old"
    observe(session, people[3], -10)  # in the future of this run: not counted yet
    assert clusters(session) == []
    assert len(clusters(session, window_minutes=180)) == 1


def test_other_kinds_and_places_given_only_as_a_village_do_not_count(
    session: Session, people: list[int]
) -> None:
    observe(session, people[0], 30)
    observe(session, people[1], 20, kind=ObservationKind.BURNING)
    observe(session, people[2], 10, at=None)
    assert clusters(session) == []
    observe(session, people[3], 15, kind=ObservationKind.BURNING)
    observe(session, people[4], 12, kind=ObservationKind.BURNING)
    burning = clusters(session, kind="burning")
    assert [c.value for c in burning] == [3]
    assert burning[0].details["kind"] == "burning"


def test_separate_clusters_and_the_areas_a_rule_covers(session: Session, people: list[int]) -> None:
    temple = observe(session, people[0], 30)
    observe(session, people[1], 20, north_m=200)
    observe(session, people[2], 10, north_m=100)
    quarry = observe(session, people[0], 25, north_m=5000, village="Tha Maprang")
    observe(session, people[3], 15, north_m=5100, village="Tha Maprang")
    observe(session, people[4], 5, north_m=4900, village="Tha Maprang")
    assert sorted(c.subject for c in clusters(session)) == sorted(
        [f"cluster:Na Phra Lan:{temple.id}", f"cluster:Tha Maprang:{quarry.id}"]
    )
    assert [c.subject for c in clusters(session, areas=["Tha Maprang"])] == [
        f"cluster:Tha Maprang:{quarry.id}"
    ]
    assert clusters(session, min_count=4) == []


def test_the_subject_stays_while_reports_keep_coming(session: Session, people: list[int]) -> None:
    first = observe(session, people[0], 20)
    observe(session, people[1], 15, north_m=100)
    observe(session, people[2], 10, north_m=-100)
    subject = f"cluster:Na Phra Lan:{first.id}"
    assert [c.subject for c in clusters(session)] == [subject]
    # Half an hour later a fourth person: the same cluster, now four people.
    observe(session, people[3], -20, north_m=50)
    later = clusters(session, NOW + timedelta(minutes=30))
    assert [(c.subject, c.value) for c in later] == [(subject, 4)]
    # Seventy minutes on, the first three are over an hour old: only one person is recent.
    assert clusters(session, NOW + timedelta(minutes=70)) == []
    # Two more people report: the same group goes on, although its first report is old.
    observe(session, people[0], -40, north_m=20)
    observe(session, people[1], -50, north_m=30)
    again = clusters(session, NOW + timedelta(minutes=70))
    assert [(c.subject, c.value) for c in again] == [(subject, 3)]


def test_an_unknown_kind_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="smoke_signals"):
        clusters(session, kind="smoke_signals")
