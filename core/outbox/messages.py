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


def _number(milli: int) -> str:
    return f"{from_milli(milli):g}"


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


def webhook_signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed by the subscription's secret, of
    `<timestamp>.<body>`: a receiver recomputes it and refuses old time stamps (replays)."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
