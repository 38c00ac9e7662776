"""Volunteers' observations as an alert condition: several people reporting the same thing
(visible dust) near each other within a short time.

Observations are grouped in the order they were made: one joins the first group whose first
observation (its leader) is within `radius_m` and whose latest observation is at most
`window_minutes` before it; otherwise it starts a group of its own. Groups therefore never
change when later observations come, and a group goes on as long as reports keep coming, so
the condition's subject (`cluster:<area>:<leader id>`) stays the same while the cluster
lasts, up to `CHAIN_HOURS`. A group is a condition while the observations of the last
`window_minutes` come from at least `min_count` different people: one person's many reports
never make a cluster. Observations given only as a village, without a position, are not
grouped: how near they are is not known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.alerts.conditions import Condition
from core.kit.geo import haversine_m
from core.models import Observation, ObservationKind

CHAIN_HOURS = 24
"""How far back groups are followed: a cluster reported for longer than this gets a new
subject (and so a new alert) once its first observation is older."""


def _position(observation: Observation) -> tuple[float, float]:
    """Only observations with a position are grouped (the query asks for them)."""
    assert observation.latitude is not None
    assert observation.longitude is not None
    return observation.latitude, observation.longitude


@dataclass
class _Group:
    leader: Observation
    members: list[Observation] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        return self.members[-1].observed_at


def _group(
    observations: Sequence[Observation], *, radius_m: float, window: timedelta
) -> list[_Group]:
    groups: list[_Group] = []
    for observation in observations:
        here = _position(observation)
        home = next(
            (
                g
                for g in groups
                if observation.observed_at - g.last_at <= window
                and haversine_m(*_position(g.leader), *here) <= radius_m
            ),
            None,
        )
        if home is None:
            groups.append(_Group(observation, [observation]))
        else:
            home.members.append(observation)
    return groups


def _began(members: Sequence[Observation], *, window: timedelta, min_count: int) -> datetime:
    """The first moment `min_count` people had reported within one window."""
    for index, member in enumerate(members):
        people = {
            m.reporter_id
            for m in members[: index + 1]
            if member.observed_at - m.observed_at <= window
        }
        if len(people) >= min_count:
            return member.observed_at
    return members[-1].observed_at


def detect_observation_clusters(
    session: Session,
    *,
    now: datetime,
    areas: Sequence[str] | None = None,
    kind: str = ObservationKind.VISIBLE_DUST.value,
    min_count: int = 3,
    radius_m: float = 1000.0,
    window_minutes: int = 60,
) -> list[Condition]:
    """One condition per cluster of observations of `kind` by at least `min_count` people
    within `radius_m` of its first observation and within the last `window_minutes`.

    `value` is the number of people; `area` the village of the cluster's first observation
    (and `areas`, when given, the villages whose clusters count). Raises ValueError for a
    kind that is not an ObservationKind."""
    wanted = ObservationKind(kind)
    window = timedelta(minutes=window_minutes)
    observations = list(
        session.scalars(
            select(Observation)
            .where(
                Observation.kind == wanted,
                Observation.observed_at > now - max(timedelta(hours=CHAIN_HOURS), window),
                Observation.observed_at <= now,
                Observation.latitude.is_not(None),
                Observation.longitude.is_not(None),
            )
            .order_by(Observation.observed_at, Observation.id)
        )
    )
    conditions = []
    for group in _group(observations, radius_m=radius_m, window=window):
        recent = [m for m in group.members if now - m.observed_at <= window]
        people = {m.reporter_id for m in recent}
        if len(people) < max(min_count, 1):
            continue
        area = group.leader.village
        if areas is not None and area not in areas:
            continue
        villages = Counter(m.village for m in recent if m.village)
        latitude, longitude = _position(group.leader)
        place = villages.most_common(1)[0][0] if villages else f"{latitude:.5f}, {longitude:.5f}"
        conditions.append(
            Condition(
                subject=f"cluster:{area or '-'}:{group.leader.id}",
                area=area,
                value=float(len(people)),
                threshold=float(min_count),
                unit="people",
                started_at=_began(group.members, window=window, min_count=min_count),
                details={
                    "kind": wanted.value,
                    "count": len(people),
                    "reports": len(recent),
                    "place": place,
                    "latitude": round(latitude, 5),
                    "longitude": round(longitude, 5),
                    "radius_m": radius_m,
                    "window_minutes": window_minutes,
                },
            )
        )
    return conditions
