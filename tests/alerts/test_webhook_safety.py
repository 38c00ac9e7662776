"""Webhooks go only to public https addresses: dustwatch is not a way to reach its own
machine, the internal network or a cloud's metadata service. Refused when subscribing (422
with the reason, on the API and the page) and again at each send, on what the name resolves
to then; redirects are not followed."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery.channels import DeliveryError, WebhookSender
from alerts.delivery.dispatcher import dispatch_outbox
from core.access.principal import Principal
from core.models import Channel, Role
from core.outbox import webhooks
from core.outbox.schemas import SubscriptionIn
from core.outbox.service import ClaimedMessage, list_deliveries
from core.outbox.subscriptions import create_subscription
from core.outbox.webhooks import IpAddress, WebhookPolicy
from core.settings import AuthSettings, DeliverySettings, Settings
from tests.alerts.receivers import HttpReceiver
from tests.alerts.test_delivery import POLICY, factory, webhook  # noqa: F401 (fixtures)
from tests.alerts.test_escalation import open_alert
from tests.api.conftest import Api, make_api
from tests.factories import make_user
from tests.web.test_pages import sign_in

SECRET = "a webhook secret of some length"
STRICT = DeliverySettings(allow_http_webhooks=False, allow_private_webhooks=False)
HTTP_ONLY = DeliverySettings(allow_http_webhooks=True, allow_private_webhooks=False)


@pytest.fixture
def strict_api(engine: Engine) -> Iterator[Api]:
    settings = Settings(delivery=STRICT, auth=AuthSettings(secure_cookies=False))
    assert not settings.delivery.allow_private_webhooks  # not the tests' environment
    yield from make_api(engine, settings)


@pytest.fixture
def http_api(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine, Settings(delivery=HTTP_ONLY))


def hook(address: str) -> dict[str, str]:
    return {
        "name": "SMS gateway",
        "role": "official",
        "channel": "webhook",
        "address": address,
        "secret": SECRET,
    }


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "must start with https://"),
        ("https://127.0.0.1/hook", "127.0.0.1: a loopback, private or link-local address"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://localhost:8443/hook", "'localhost' is, or resolves to,"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://10.20.30.40/hook", "10.20.30.40"),
        ("https://no-such-host.invalid/hook", "could not be resolved"),
    ],
)
def test_subscribing_a_webhook_to_an_internal_address_is_refused(
    strict_api: Api, address: str, reason: str
) -> None:
    headers = strict_api.headers(make_user(strict_api.session, role=Role.BACKBONE))
    refused = strict_api.client.post("/subscriptions", json=hook(address), headers=headers)
    assert refused.status_code == 422, refused.text
    assert reason in refused.text
    assert strict_api.client.get("/subscriptions", headers=headers).json() == []


def test_plain_http_when_allowed_still_may_not_reach_this_machine(http_api: Api) -> None:
    headers = http_api.headers(make_user(http_api.session, role=Role.ADMIN))
    refused = http_api.client.post(
        "/subscriptions", json=hook("http://127.0.0.1:8080/hook"), headers=headers
    )
    assert refused.status_code == 422
    assert "loopback" in refused.text
    at_level_2 = hook("http://127.0.0.1:8080/hook") | {"level": 2}
    refused = http_api.client.post("/subscriptions", json=at_level_2, headers=headers)
    assert refused.status_code == 422


def test_the_page_says_why_a_webhook_address_is_refused(strict_api: Api) -> None:
    csrf = sign_in(strict_api, Role.BACKBONE)
    refused = strict_api.client.post(
        "/manage/subscriptions",
        data={
            "name": "hook",
            "recipient": "role:official",
            "channel": "webhook",
            "address": "https://169.254.169.254/latest/meta-data/",
            "secret": SECRET,
            "level": "2",
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 422
    assert "ที่อยู่เว็บฮุกนี้ใช้ไม่ได้" in refused.text  # this webhook address is refused
    assert 'value="https://169.254.169.254/latest/meta-data/"' in refused.text
    assert '<option value="2" selected>' in refused.text


def message_to(address: str) -> ClaimedMessage:
    return ClaimedMessage(
        id=1,
        message_id="6f1c2d7e-0000-4000-8000-000000000002",
        claim_token="t",
        channel=Channel.WEBHOOK,
        address=address,
        subject="s",
        body="b",
        payload={"message_id": "6f1c2d7e-0000-4000-8000-000000000002"},
        secret=SECRET,
    )


def test_a_send_to_an_internal_address_is_refused_before_connecting(
    webhook: HttpReceiver,  # noqa: F811
) -> None:
    sender = WebhookSender(timeout=2, policy=WebhookPolicy(allow_http=True))
    port = webhook.url.rpartition(":")[2]
    for address in (webhook.url, f"http://localhost:{port}/hook"):
        with pytest.raises(DeliveryError, match="loopback"):
            sender.send(message_to(address))
    with pytest.raises(DeliveryError, match="https://"):
        WebhookSender(timeout=2).send(message_to(webhook.url))
    assert webhook.requests == []
    # allowed (as in the tests' settings), the same receiver is reached
    WebhookSender(timeout=2, policy=WebhookPolicy(True, True)).send(message_to(webhook.url))
    assert len(webhook.requests) == 1


def test_a_redirect_is_not_followed(webhook: HttpReceiver) -> None:  # noqa: F811
    redirecting = HttpReceiver(redirect_to=webhook.url + "/internal").start()
    try:
        sender = WebhookSender(timeout=2, policy=WebhookPolicy(True, True))
        with pytest.raises(DeliveryError, match="answered 307"):
            sender.send(message_to(redirecting.url))
    finally:
        redirecting.stop()
    assert len(redirecting.requests) == 1
    assert webhook.requests == []


def test_a_name_that_resolves_inside_at_send_time_is_refused_then(
    factory: sessionmaker[Session],  # noqa: F811
    webhook: HttpReceiver,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: public when the subscription was saved, this machine when sending."""
    port = webhook.url.rpartition(":")[2]
    address = f"http://hooks.example.org:{port}/hook"
    answers: list[IpAddress] = [ipaddress.ip_address("93.184.215.14")]
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: list(answers))
    with factory.begin() as session:
        user = make_user(session, role=Role.BACKBONE)
        create_subscription(
            session,
            SubscriptionIn.model_validate(hook(address)),
            actor=Principal(user_id=user.id, role=Role.BACKBONE, label=user.email),
            now=datetime.now(UTC),
            webhooks=WebhookPolicy.from_settings(HTTP_ONLY),
        )
    public_id = open_alert(factory)

    answers[:] = [ipaddress.ip_address("127.0.0.1")]
    sender = WebhookSender(timeout=2, policy=WebhookPolicy.from_settings(HTTP_ONLY))
    run = dispatch_outbox(factory, senders={Channel.WEBHOOK: sender}, policy=POLICY)
    assert (run.sent, len(run.failed)) == ([], 1)
    assert webhook.requests == []
    with factory() as session:
        [delivery] = list_deliveries(session, public_id)
    assert delivery.status == "pending"  # tried again later, checked again then
    assert delivery.last_error is not None
    assert "'hooks.example.org' is, or resolves to, 127.0.0.1" in delivery.last_error
