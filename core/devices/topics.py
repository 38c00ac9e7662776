"""Who may publish and subscribe where: the one topic rule every broker applies.

A device signs in with its station code and may publish only to its own readings topic,
`{prefix}/readings/{code}`, and subscribe to nothing. The ingest signs in as
`INGEST_USER` and may only read `{prefix}/readings/+` (or one station's topic in it).
"""

from __future__ import annotations

import re

from core.stations.schemas import INGEST_USER

__all__ = ["INGEST_USER", "may_publish", "may_subscribe"]

_STATION_LEVEL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _readings(prefix: str) -> str:
    return f"{prefix}/readings/"


def may_publish(user: str | None, topic: str, *, prefix: str) -> bool:
    """True only for a station publishing to its own readings topic (exact, case included)."""
    if user is None or user == INGEST_USER or not _STATION_LEVEL.match(user):
        return False
    return topic == _readings(prefix) + user


def may_subscribe(user: str | None, topic_filter: str, *, prefix: str) -> bool:
    """True only for the ingest, on `{prefix}/readings/+` or one station's topic under it.

    A concrete topic is a filter too, so this also says whether `user` may receive a
    message published on `topic_filter`.
    """
    if user != INGEST_USER or not topic_filter.startswith(_readings(prefix)):
        return False
    level = topic_filter[len(_readings(prefix)) :]
    return level == "+" or bool(_STATION_LEVEL.match(level))
