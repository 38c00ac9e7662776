"""The channels alert messages go out on. Each sends one claimed message or raises
`DeliveryError`; each sends the message's stable id, so a recipient can drop a repeat."""

from __future__ import annotations

import json
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from core.models import Channel
from core.outbox.messages import (
    MESSAGE_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    webhook_signature,
)
from core.outbox.service import ClaimedMessage
from core.outbox.webhooks import UnsafeWebhook, WebhookPolicy, check_webhook_address
from core.settings import DeliverySettings, LineSettings, SmtpSettings

LINE_TEXT_LIMIT = 5000
"""The Messaging API's limit on one text message."""


class DeliveryError(Exception):
    """This attempt failed; the outbox tries again later."""


class Sender(Protocol):
    def send(self, message: ClaimedMessage) -> None: ...


def _json_body(message: ClaimedMessage) -> bytes:
    return json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()


class EmailSender:
    """SMTP, with the stable id as the `Message-ID` header."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, message: ClaimedMessage) -> None:
        settings = self._settings
        if not settings.host:
            raise DeliveryError("no SMTP server is configured (DUSTWATCH_DELIVERY__SMTP__HOST)")
        email = EmailMessage()
        email["From"] = settings.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        domain = settings.sender.rpartition("@")[2] or "dustwatch"
        email["Message-ID"] = f"<{message.message_id}@{domain}>"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout_seconds
            ) as smtp:
                if settings.starttls:
                    smtp.starttls()
                if settings.user:
                    smtp.login(settings.user, settings.password or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP: {error}") from error


class WebhookSender:
    """A JSON POST signed with the subscription's secret over `<timestamp>.<body>`.

    The address is checked against `policy` at each send, and the request goes to the very
    address that passed the check (the host name in the `Host` header and for TLS), so DNS
    that changes between check and connect cannot point it at an internal service. Proxies
    from the environment are not used, and redirects are not followed.
    """

    def __init__(self, *, timeout: float, policy: WebhookPolicy | None = None) -> None:
        self._timeout = timeout
        self._policy = policy or WebhookPolicy()

    def send(self, message: ClaimedMessage) -> None:
        if not message.secret:
            raise DeliveryError("the subscription has no secret (was it deleted?)")
        try:
            addresses = check_webhook_address(message.address, self._policy)
        except UnsafeWebhook as refusal:
            raise DeliveryError(f"webhook refused: {refusal}") from refusal
        body = _json_body(message)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: webhook_signature(message.secret, timestamp=timestamp, body=body),
            MESSAGE_ID_HEADER: message.message_id,
        }
        url = httpx.URL(message.address)
        extensions: dict[str, Any] = {}
        if addresses is not None:
            headers["Host"] = url.netloc.decode("ascii")
            if url.scheme == "https":
                extensions["sni_hostname"] = url.host
            url = url.copy_with(host=str(addresses[0]))
        try:
            with httpx.Client(
                timeout=self._timeout, trust_env=False, follow_redirects=False
            ) as client:
                response = client.post(url, content=body, headers=headers, extensions=extensions)
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook: {type(error).__name__}: {error}") from error
        if not response.is_success:
            raise DeliveryError(f"webhook answered {response.status_code}")


class LineSender:
    """A push message through the LINE Messaging API, with the stable id as the retry key:
    LINE answers 409 to a key it has already accepted, which means the message went."""

    def __init__(self, settings: LineSettings, *, timeout: float) -> None:
        self._settings = settings
        self._timeout = timeout

    def send(self, message: ClaimedMessage) -> None:
        token = self._settings.channel_access_token
        if not token:
            raise DeliveryError(
                "no LINE channel access token (DUSTWATCH_DELIVERY__LINE__CHANNEL_ACCESS_TOKEN)"
            )
        text = f"{message.subject}\n{message.body}"[:LINE_TEXT_LIMIT]
        try:
            response = httpx.post(
                self._settings.base_url.rstrip("/") + "/v2/bot/message/push",
                json={"to": message.address, "messages": [{"type": "text", "text": text}]},
                headers={
                    "Authorization": f"Bearer {token}",
                    "X-Line-Retry-Key": message.message_id,
                },
                timeout=self._timeout,
            )
        except httpx.HTTPError as error:
            raise DeliveryError(f"LINE: {error}") from error
        if response.status_code == httpx.codes.CONFLICT:
            return  # accepted before, under this retry key
        if not response.is_success:
            raise DeliveryError(f"LINE answered {response.status_code}: {response.text[:300]}")


class MqttSender:
    """The JSON payload on `{prefix}/alerts/<address>`, QoS 1, as the broker user of
    `DUSTWATCH_DELIVERY__MQTT_URL` (not the ingest's: Mosquitto uses the user name as the
    client id, so a second connection as the ingest would take over its session)."""

    def __init__(self, *, url: str | None, prefix: str, timeout: float) -> None:
        self._url = url
        self._prefix = prefix
        self._timeout = timeout

    def topic(self, address: str) -> str:
        return f"{self._prefix}/alerts/{address.strip('/')}"

    def send(self, message: ClaimedMessage) -> None:
        if self._url is None:
            raise DeliveryError("no MQTT broker for alerts (DUSTWATCH_DELIVERY__MQTT_URL)")
        parts = urlsplit(self._url)
        user = unquote(parts.username) if parts.username else None
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=user or f"dustwatch-alerts-{message.message_id[:8]}",
            protocol=mqtt.MQTTv311 if parts.scheme == "mqttv311" else mqtt.MQTTv5,
        )
        if user:
            client.username_pw_set(user, unquote(parts.password or ""))
        refusals: list[str] = []
        client.on_publish = lambda _c, _u, _mid, reason, _p: (
            refusals.append(str(reason)) if reason.is_failure else None
        )
        try:
            client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
            client.loop_start()
            info = client.publish(self.topic(message.address), _json_body(message), qos=1)
            info.wait_for_publish(timeout=self._timeout)
            if info.rc != mqtt.MQTT_ERR_SUCCESS or not info.is_published():
                raise DeliveryError(f"MQTT: not acknowledged ({mqtt.error_string(info.rc)})")
            if refusals:  # MQTT 5: the broker acknowledged with a refusal (e.g. the ACL)
                raise DeliveryError(f"MQTT: the broker refused the message: {refusals[0]}")
        except (OSError, ValueError, RuntimeError) as error:
            raise DeliveryError(f"MQTT: {error}") from error
        finally:
            client.disconnect()
            client.loop_stop()


def senders(settings: DeliverySettings, *, topic_prefix: str) -> dict[Channel, Sender]:
    """A sender for each channel that is configured; messages of the others wait, pending,
    until it is (rather than failing their attempts away)."""
    timeout = settings.http_timeout_seconds
    configured: dict[Channel, Sender] = {
        Channel.WEBHOOK: WebhookSender(
            timeout=timeout, policy=WebhookPolicy.from_settings(settings)
        ),
    }
    if settings.smtp.host:
        configured[Channel.EMAIL] = EmailSender(settings.smtp)
    if settings.line.channel_access_token:
        configured[Channel.LINE] = LineSender(settings.line, timeout=timeout)
    if settings.mqtt_url:
        configured[Channel.MQTT] = MqttSender(
            url=settings.mqtt_url, prefix=topic_prefix, timeout=timeout
        )
    return configured
