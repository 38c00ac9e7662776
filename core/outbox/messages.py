"""What an alert message says, in Thai and English, and how a webhook body is signed: pure
functions, so every channel sends the same words and tests can check them without sending."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.models import Alert, Language, Severity, Station
from core.standards.parameters import BY_ID, from_milli

CRITICAL_RATIO = 2
"""An average at least this many times its limit is critical; any other breach a warning."""

SIGNATURE_HEADER = "X-Dustwatch-Signature"
TIMESTAMP_HEADER = "X-Dustwatch-Timestamp"
MESSAGE_ID_HEADER = "X-Dustwatch-Message-Id"


def alert_severity(alert: Alert) -> Severity:
    """Until rules carry their own severity (issue 8 §1), judged from the average's size."""
    if alert.opening_average_milli >= CRITICAL_RATIO * alert.limit_milli:
        return Severity.CRITICAL
    return Severity.WARNING


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    payload: dict[str, Any]


def _number(milli: int) -> str:
    return f"{from_milli(milli):g}"


def alert_opened_message(
    alert: Alert, station: Station, *, language: Language, zone: ZoneInfo, message_id: str
) -> Message:
    """The message that an alert opened, in `language`, with times in the deployment's zone."""
    parameter = BY_ID[alert.parameter_id]
    name = parameter.code.upper()
    average, limit = _number(alert.opening_average_milli), _number(alert.limit_milli)
    when = alert.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    severity = alert_severity(alert)
    if language is Language.TH:
        subject = f"แจ้งเตือน: {name} เกินมาตรฐานที่สถานี {station.name}"
        body = (
            f"ค่าเฉลี่ย 24 ชั่วโมงของ {name} ที่สถานี {station.name} ({station.area}) "
            f"อยู่ที่ {average} {parameter.unit} เกินค่ามาตรฐาน {limit} {parameter.unit} "
            f"เมื่อ {when} น."
        )
    else:
        subject = f"Alert: {name} over the standard at {station.name}"
        body = (
            f"The 24-hour average of {name} at {station.name} ({station.area}) was "
            f"{average} {parameter.unit}, over the standard of {limit} {parameter.unit}, "
            f"at {when}."
        )
    payload: dict[str, Any] = {
        "message_id": message_id,
        "event": "alert.opened",
        "alert_id": alert.public_id,
        "kind": alert.kind.value,
        "severity": severity.value,
        "station_code": station.code,
        "station_name": station.name,
        "area": station.area,
        "parameter": parameter.code,
        "unit": parameter.unit,
        "average": float(from_milli(alert.opening_average_milli)),
        "limit": float(from_milli(alert.limit_milli)),
        "opened_at": alert.opened_at.isoformat(),
        "language": language.value,
        "subject": subject,
        "text": body,
    }
    return Message(subject=subject, body=body, payload=payload)


def alert_escalated_message(
    alert: Alert,
    station: Station,
    *,
    language: Language,
    zone: ZoneInfo,
    message_id: str,
    level: int,
    waited_minutes: int,
) -> Message:
    """The opening, marked as escalated to `level` because nobody acknowledged it."""
    opened = alert_opened_message(
        alert, station, language=language, zone=zone, message_id=message_id
    )
    if language is Language.TH:
        subject = f"[ยกระดับ {level}] {opened.subject}"
        note = f"ยังไม่มีผู้รับทราบการแจ้งเตือนนี้ภายใน {waited_minutes} นาที จึงแจ้งถึงท่าน"
    else:
        subject = f"[Escalated, level {level}] {opened.subject}"
        note = (
            f"Nobody acknowledged this alert within {waited_minutes} minutes, so it is "
            "passed on to you."
        )
    body = f"{opened.body}\n{note}"
    payload = opened.payload | {
        "event": "alert.escalated",
        "escalation_level": level,
        "subject": subject,
        "text": body,
    }
    return Message(subject=subject, body=body, payload=payload)


def alert_resolved_message(
    alert: Alert,
    station: Station,
    *,
    language: Language,
    zone: ZoneInfo,
    message_id: str,
    original_message_id: str,
) -> Message:
    """That an alert is over: with the average that shows it cleared, or the reason it was
    closed by hand. Follows the message `original_message_id` that told the recipient of it."""
    parameter = BY_ID[alert.parameter_id]
    name = parameter.code.upper()
    unit, limit = parameter.unit, _number(alert.limit_milli)
    assert alert.resolved_at is not None
    when = alert.resolved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    opened = alert.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    average_milli = alert.resolved_average_milli
    automatic = alert.resolution != "by_hand" and average_milli is not None
    reason = alert.resolution_reason or ""
    if automatic:
        assert average_milli is not None
        average = _number(average_milli)
        if language is Language.TH:
            subject = f"สิ้นสุดการแจ้งเตือน: {name} กลับมาอยู่ในเกณฑ์มาตรฐานที่สถานี {station.name}"
            body = (
                f"ค่าเฉลี่ย 24 ชั่วโมงของ {name} ที่สถานี {station.name} ({station.area}) "
                f"ลดลงเหลือ {average} {unit} ไม่เกินค่ามาตรฐาน {limit} {unit} เมื่อ {when} น. "
                f"การแจ้งเตือนที่เริ่มเมื่อ {opened} น. สิ้นสุดแล้ว"
            )
        else:
            subject = f"Resolved: {name} back under the standard at {station.name}"
            body = (
                f"The 24-hour average of {name} at {station.name} ({station.area}) was "
                f"{average} {unit}, under the standard of {limit} {unit}, at {when}. "
                f"The alert opened at {opened} is resolved."
            )
    elif language is Language.TH:
        subject = f"ปิดการแจ้งเตือน: {name} ที่สถานี {station.name}"
        body = (
            f"เจ้าหน้าที่ปิดการแจ้งเตือน {name} ที่สถานี {station.name} ({station.area}) "
            f"ที่เริ่มเมื่อ {opened} น. เมื่อ {when} น. เหตุผล: {reason}"
        )
    else:
        subject = f"Closed: the {name} alert at {station.name}"
        body = (
            f"The alert on {name} at {station.name} ({station.area}), opened at {opened}, "
            f"was closed by hand at {when}. Reason: {reason}"
        )
    payload: dict[str, Any] = {
        "message_id": message_id,
        "event": "alert.resolved",
        "alert_id": alert.public_id,
        "original_message_id": original_message_id,
        "kind": alert.kind.value,
        "station_code": station.code,
        "station_name": station.name,
        "area": station.area,
        "parameter": parameter.code,
        "unit": unit,
        "limit": float(from_milli(alert.limit_milli)),
        "opened_at": alert.opened_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat(),
        "resolution": "automatic" if automatic else "by_hand",
        "average": (
            float(from_milli(average_milli)) if automatic and average_milli is not None else None
        ),
        "reason": None if automatic else reason,
        "language": language.value,
        "subject": subject,
        "text": body,
    }
    return Message(subject=subject, body=body, payload=payload)


def webhook_signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed by the subscription's secret, of
    `<timestamp>.<body>`: a receiver recomputes it and refuses old time stamps (replays)."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
