"""The backbone's page of who receives alert messages: Thai first, refusals explained."""

from __future__ import annotations

import re

from core.models import Role
from tests.api.conftest import Api
from tests.web.test_pages import sign_in, web  # noqa: F401 (the fixture)


def test_the_backbone_adds_and_removes_a_subscription_on_its_page(web: Api) -> None:  # noqa: F811
    csrf = sign_in(web, Role.BACKBONE)
    page = web.client.get("/manage/subscriptions")
    assert page.status_code == 200
    assert "ยังไม่มีผู้รับข้อความแจ้งเตือน" in page.text  # nobody receives alert messages yet
    assert "หากไม่มีผู้รับทราบภายใน 30 นาที (15 นาทีสำหรับระดับวิกฤต)" in page.text

    added = web.client.post(
        "/manage/subscriptions",
        data={
            "name": "กลุ่ม LINE เจ้าหน้าที่อำเภอ",
            "recipient": "role:official",
            "channel": "line",
            "address": "Cgroup0123456789",
            "areas": "Na Phra Lan, Tan Diao",
            "min_severity": "critical",
            "language": "th",
            "level": "2",
            "csrf_token": csrf,
        },
    )
    assert added.status_code == 200, added.text
    assert "<td>2</td>" in added.text  # told when nobody acknowledges an alert in time
    assert "เพิ่มการรับแจ้งเตือนแล้ว" in added.text
    assert "Cgroup0123456789" in added.text
    assert "Na Phra Lan, Tan Diao" in added.text
    assert "วิกฤต" in added.text  # critical

    refused = web.client.post(
        "/manage/subscriptions",
        data={
            "name": "hook",
            "recipient": "role:official",
            "channel": "webhook",
            "address": "https://example.org/hook",
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 422
    assert "เว็บฮุกต้องมีรหัสลับ" in refused.text  # a webhook needs a secret
    assert 'value="hook"' in refused.text

    match = re.search(r"/manage/subscriptions/(\d+)/delete", added.text)
    assert match is not None
    removed = web.client.post(match.group(0), data={"csrf_token": csrf})
    assert removed.status_code == 200
    assert "ลบการรับแจ้งเตือนแล้ว" in removed.text
    assert "Cgroup0123456789" not in removed.text
