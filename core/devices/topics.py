"""Who may publish and subscribe where: the one topic rule every broker applies.

A device signs in with its station code; it may publish only to its own readings topic,
`{prefix}/readings/{code}`, and read only its own status topic, `{prefix}/status/{code}`,
where dustwatch tells it (retained) why its last refused message was refused. The ingest
signs in as `INGEST_USER`: it reads everything under `{prefix}/`, so that a message on a
topic dustwatch does not use is recorded rather than lost without a trace, and it writes
the status topics.
"""

from __future__ import annotations

import re

from core.stations.schemas import ALERTS_USER, INGEST_USER

__all__ = ["ALERTS_USER", "INGEST_USER", "may_publish", "may_subscribe", "status_topic"]

_STATION_LEVEL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _readings(prefix: str) -> str:
    return f"{prefix}/readings/"


def _status(prefix: str) -> str:
    return f"{prefix}/status/"


def status_topic(code: str, *, prefix: str) -> str:
    return _status(prefix) + code


def may_publish(user: str | None, topic: str, *, prefix: str) -> bool:
    """A station on its own readings topic (exact, case included); the ingest on a
    station's status topic; the alerts user on the alerts topics."""
    if user == INGEST_USER:
        level = topic.removeprefix(_status(prefix))
        return topic.startswith(_status(prefix)) and bool(_STATION_LEVEL.match(level))
    if user == ALERTS_USER:
        return topic.startswith(f"{prefix}/alerts/") and not any(c in topic for c in "#+")
    if user is None or not _STATION_LEVEL.match(user):
        return False
    return topic == _readings(prefix) + user


def may_subscribe(user: str | None, topic_filter: str, *, prefix: str) -> bool:
    """The ingest on anything under `{prefix}/`; a station on its own status topic only.

    A concrete topic is a filter too, so this also says whether `user` may receive a
    message published on `topic_filter`.
    """
    if user == INGEST_USER:
        return topic_filter.startswith(f"{prefix}/")
    if user == ALERTS_USER:
        return False
    if user is None or not _STATION_LEVEL.match(user):
        return False
    return topic_filter == status_topic(user, prefix=prefix)
