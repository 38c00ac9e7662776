"""The topic rule, as a table: a device writes its own readings topic and reads its own status
topic only; the ingest reads everything under the prefix and writes status topics; nobody
anything else."""

from __future__ import annotations

import pytest

from core.devices.topics import ALERTS_USER, INGEST_USER, may_publish, may_subscribe

P = "dustwatch/v1"


@pytest.mark.parametrize(
    ("user", "topic", "allowed"),
    [
        ("npl-v01", f"{P}/readings/npl-v01", True),
        ("npl-v01", f"{P}/readings/npl-v02", False),
        ("npl-v01", f"{P}/readings/NPL-V01", False),
        ("npl-v01", f"{P}/readings/npl-v01/extra", False),
        ("npl-v01", "other/v1/readings/npl-v01", False),
        ("npl-v01", "npl-v01", False),
        (INGEST_USER, f"{P}/readings/{INGEST_USER}", False),
        (INGEST_USER, f"{P}/readings/npl-v01", False),
        (INGEST_USER, f"{P}/status/npl-v01", True),
        (INGEST_USER, f"{P}/status/npl-v01/x", False),
        (INGEST_USER, f"{P}/status/+", False),
        (INGEST_USER, "other/status/npl-v01", False),
        ("npl-v01", f"{P}/status/npl-v01", False),
        ("npl-v01", f"{P}/status/npl-v02", False),
        (None, f"{P}/readings/npl-v01", False),
        ("a/b", f"{P}/readings/a/b", False),
        ("+", f"{P}/readings/+", False),
    ],
)
def test_who_may_publish_where(user: str | None, topic: str, allowed: bool) -> None:
    assert may_publish(user, topic, prefix=P) is allowed


@pytest.mark.parametrize(
    ("user", "topic_filter", "allowed"),
    [
        (INGEST_USER, f"{P}/readings/+", True),
        (INGEST_USER, f"{P}/readings/npl-v01", True),
        (INGEST_USER, f"{P}/#", True),
        (INGEST_USER, f"{P}/reading/x", True),
        (INGEST_USER, f"{P}/status/npl-v01", True),
        (INGEST_USER, "#", False),
        (INGEST_USER, "other/v1/#", False),
        (INGEST_USER, "$SYS/#", False),
        ("npl-v01", f"{P}/status/npl-v01", True),
        ("npl-v01", f"{P}/status/npl-v02", False),
        ("npl-v01", f"{P}/status/+", False),
        ("npl-v01", f"{P}/status/#", False),
        ("npl-v01", f"{P}/readings/npl-v01", False),
        ("npl-v01", f"{P}/readings/+", False),
        ("npl-v01", "#", False),
        ("+", f"{P}/status/+", False),
        (None, f"{P}/readings/+", False),
    ],
)
def test_who_may_subscribe_to_what(user: str | None, topic_filter: str, allowed: bool) -> None:
    assert may_subscribe(user, topic_filter, prefix=P) is allowed


@pytest.mark.parametrize(
    ("topic", "allowed"),
    [
        (f"{P}/alerts/na-phra-lan", True),
        (f"{P}/alerts/officials/line", True),
        (f"{P}/readings/npl-v01", False),
        (f"{P}/status/npl-v01", False),
        ("other/v1/alerts/x", False),
    ],
)
def test_the_alerts_user_publishes_on_the_alerts_topics_only(topic: str, allowed: bool) -> None:
    assert may_publish(ALERTS_USER, topic, prefix=P) is allowed
    assert may_subscribe(ALERTS_USER, topic, prefix=P) is False
