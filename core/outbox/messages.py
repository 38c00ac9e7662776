"""What an alert message says, in Thai and English, and how a webhook body is signed: pure
functions, so every channel sends the same words and tests can check them without sending."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.models import Alert, Bulletin, Language, Severity, Station
from core.standards.parameters import BY_ID, from_milli

CRITICAL_RATIO = 2
"""An average at least this many times its limit is critical; any other breach a warning."""

SIGNATURE_HEADER = "X-Dustwatch-Signature"
TIMESTAMP_HEADER = "X-Dustwatch-Timestamp"
MESSAGE_ID_HEADER = "X-Dustwatch-Message-Id"


def alert_severity(alert: Alert) -> Severity:
    """The severity its rule gave it; for alerts from before rules, judged from the size of
    the average that opened it."""
    if alert.severity is not None:
        return Severity(alert.severity)
    if (
        alert.opening_average_milli is not None
        and alert.limit_milli is not None
        and alert.opening_average_milli >= CRITICAL_RATIO * alert.limit_milli
    ):
        return Severity.CRITICAL
    return Severity.WARNING


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    payload: dict[str, Any]


def _number(milli: int | None) -> str:
    return "–" if milli is None else f"{from_milli(milli):g}"


def alert_opened_message(
    alert: Alert,
    station: Station | None,
    *,
    language: Language,
    zone: ZoneInfo,
    message_id: str,
) -> Message:
    """The message that an alert opened, in `language`: its rule's title and text as filled
    in when it opened; for alerts from before rules, the 24-hour wording they always had."""
    parameter = BY_ID[alert.parameter_id] if alert.parameter_id is not None else None
    severity = alert_severity(alert)
    title = alert.title_th if language is Language.TH else alert.title_en
    text = alert.text_th if language is Language.TH else alert.text_en
    if title is not None and text is not None:
        subject, body = title, text
    else:
        subject, body = _legacy_texts(alert, station, language=language, zone=zone)
    payload: dict[str, Any] = {
        "message_id": message_id,
        "event": "alert.opened",
        "alert_id": alert.public_id,
        "kind": alert.kind.value,
        "severity": severity.value,
        "station_code": station.code if station is not None else None,
        "station_name": station.name if station is not None else None,
        "area": alert.area or (station.area if station is not None else None),
        "parameter": parameter.code if parameter is not None else None,
        "unit": parameter.unit if parameter is not None else None,
        "average": _float(alert.opening_average_milli),
        "limit": _float(alert.limit_milli),
        "opened_at": alert.opened_at.isoformat(),
        "language": language.value,
        "subject": subject,
        "text": body,
    }
    return Message(subject=subject, body=body, payload=payload)


BULLETIN_EXCERPT_CHARS = 1000
"""Channels with short messages (LINE) get the start of the text and the link."""


def bulletin_published_message(
    bulletin: Bulletin, *, language: Language, message_id: str, link: str
) -> Message:
    """That a bulletin was published, in `language`: its title, text and a link to its page."""
    th = language is Language.TH
    subject = bulletin.title_th if th else bulletin.title_en
    text = bulletin.body_th if th else bulletin.body_en
    if len(text) > BULLETIN_EXCERPT_CHARS:
        text = text[: BULLETIN_EXCERPT_CHARS - 1] + "…"
    more = "อ่านฉบับเต็มและกราฟ" if th else "The full bulletin with its chart"
    body = f"{subject}\n\n{text}\n\n{more}: {link}"
    payload: dict[str, Any] = {
        "message_id": message_id,
        "event": "bulletin.published",
        "bulletin_id": bulletin.id,
        "area": bulletin.area,
        "kind": bulletin.kind.value,
        "period_start": bulletin.period_start.isoformat(),
        "period_end": bulletin.period_end.isoformat(),
        "published_at": bulletin.published_at.isoformat() if bulletin.published_at else None,
        "language": language.value,
        "subject": subject,
        "text": body,
        "url": link,
    }
    return Message(subject=subject[:400], body=body, payload=payload)


def _float(milli: int | None) -> float | None:
    return None if milli is None else float(from_milli(milli))


def _legacy_texts(
    alert: Alert, station: Station | None, *, language: Language, zone: ZoneInfo
) -> tuple[str, str]:
    name = BY_ID[alert.parameter_id].code.upper() if alert.parameter_id is not None else ""
    unit = BY_ID[alert.parameter_id].unit if alert.parameter_id is not None else ""
    place = station.name if station is not None else (alert.area or "")
    area = alert.area or (station.area if station is not None else "")
    average = _number(alert.opening_average_milli) if alert.opening_average_milli else "–"
    limit = _number(alert.limit_milli) if alert.limit_milli else "–"
    when = alert.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if language is Language.TH:
        return (
            f"แจ้งเตือน: {name} เกินมาตรฐานที่สถานี {place}",
            f"ค่าเฉลี่ย 24 ชั่วโมงของ {name} ที่สถานี {place} ({area}) "
            f"อยู่ที่ {average} {unit} เกินค่ามาตรฐาน {limit} {unit} เมื่อ {when} น.",
        )
    return (
        f"Alert: {name} over the standard at {place}",
        f"The 24-hour average of {name} at {place} ({area}) was {average} {unit}, over the "
        f"standard of {limit} {unit}, at {when}.",
    )


def alert_escalated_message(
    alert: Alert,
    station: Station | None,
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
    station: Station | None,
    *,
    language: Language,
    zone: ZoneInfo,
    message_id: str,
    original_message_id: str,
) -> Message:
    """That an alert is over: with the figure that shows it cleared, or the reason it was
    closed by hand. Follows the message `original_message_id` that told the recipient of it."""
    assert alert.resolved_at is not None
    thai = language is Language.TH
    parameter = BY_ID[alert.parameter_id] if alert.parameter_id is not None else None
    unit = parameter.unit if parameter is not None else ""
    when = alert.resolved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    opened = alert.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    average_milli = alert.resolved_average_milli
    automatic = alert.resolution != "by_hand"
    reason = alert.resolution_reason or ""
    title = alert_opened_message(alert, station, language=language, zone=zone, message_id="")
    if station is not None and parameter is not None and alert.limit_milli is not None:
        subject, body = _station_resolution(
            alert, station, parameter.code.upper(), unit, thai=thai, when=when, opened=opened
        )
    elif automatic:
        shown = " ".join(part for part in (_number(average_milli), unit) if part)
        figure = f" ({shown})" if average_milli is not None else ""
        if thai:
            subject = f"สิ้นสุดการแจ้งเตือน: {title.subject}"
            body = f"สภาวะที่แจ้งเตือนสิ้นสุดลงเมื่อ {when} น.{figure} การแจ้งเตือนที่เริ่มเมื่อ {opened} น. สิ้นสุดแล้ว"
        else:
            subject = f"Resolved: {title.subject}"
            body = (
                f"The condition cleared at {when}{figure}. "
                f"The alert opened at {opened} is resolved."
            )
    elif thai:
        subject = f"ปิดการแจ้งเตือน: {title.subject}"
        body = f"เจ้าหน้าที่ปิดการแจ้งเตือนที่เริ่มเมื่อ {opened} น. เมื่อ {when} น. เหตุผล: {reason}"
    else:
        subject = f"Closed: {title.subject}"
        body = f"The alert opened at {opened} was closed by hand at {when}. Reason: {reason}"
    payload: dict[str, Any] = {
        "message_id": message_id,
        "event": "alert.resolved",
        "alert_id": alert.public_id,
        "original_message_id": original_message_id,
        "kind": alert.kind.value,
        "station_code": station.code if station is not None else None,
        "station_name": station.name if station is not None else None,
        "area": alert.area or (station.area if station is not None else None),
        "parameter": parameter.code if parameter is not None else None,
        "unit": unit or None,
        "limit": _float(alert.limit_milli),
        "opened_at": alert.opened_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat(),
        "resolution": "automatic" if automatic else "by_hand",
        "average": _float(average_milli) if automatic else None,
        "reason": None if automatic else reason,
        "language": language.value,
        "subject": subject,
        "text": body,
    }
    return Message(subject=subject, body=body, payload=payload)


def _station_resolution(
    alert: Alert, station: Station, name: str, unit: str, *, thai: bool, when: str, opened: str
) -> tuple[str, str]:
    """The resolution of a measure's alert at a station: the average against the limit."""
    limit = _number(alert.limit_milli)
    reason = alert.resolution_reason or ""
    if alert.resolution != "by_hand" and alert.resolved_average_milli is not None:
        average = _number(alert.resolved_average_milli)
        if thai:
            return (
                f"สิ้นสุดการแจ้งเตือน: {name} กลับมาอยู่ในเกณฑ์มาตรฐานที่สถานี {station.name}",
                f"ค่าเฉลี่ย 24 ชั่วโมงของ {name} ที่สถานี {station.name} ({station.area}) "
                f"ลดลงเหลือ {average} {unit} ไม่เกินค่ามาตรฐาน {limit} {unit} เมื่อ {when} น. "
                f"การแจ้งเตือนที่เริ่มเมื่อ {opened} น. สิ้นสุดแล้ว",
            )
        return (
            f"Resolved: {name} back under the standard at {station.name}",
            f"The 24-hour average of {name} at {station.name} ({station.area}) was "
            f"{average} {unit}, under the standard of {limit} {unit}, at {when}. "
            f"The alert opened at {opened} is resolved.",
        )
    if thai:
        return (
            f"ปิดการแจ้งเตือน: {name} ที่สถานี {station.name}",
            f"เจ้าหน้าที่ปิดการแจ้งเตือน {name} ที่สถานี {station.name} ({station.area}) "
            f"ที่เริ่มเมื่อ {opened} น. เมื่อ {when} น. เหตุผล: {reason}",
        )
    return (
        f"Closed: the {name} alert at {station.name}",
        f"The alert on {name} at {station.name} ({station.area}), opened at {opened}, "
        f"was closed by hand at {when}. Reason: {reason}",
    )


def webhook_signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed by the subscription's secret, of
    `<timestamp>.<body>`: a receiver recomputes it and refuses old time stamps (replays)."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
