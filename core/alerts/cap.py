"""The public OASIS CAP 1.2 feed: one chain of CAP messages per public alert, in Thai and
English, and an Atom index of the current ones, so that alert aggregators can subscribe.

Which messages an alert gets, and why:

- `Alert` when it opens (the first time the feed sees it open).
- `Update` when its highest 24-hour average rises into a higher severity (moderate → high →
  very high, as `GET /alerts` shows it): subscribers should know it got worse.
- When it resolves automatically, because the data show the average back under the
  standard: `Update` with responseType `AllClear`, urgency `Past`. The CAP 1.2 specification
  defines `Cancel` as cancelling earlier messages and `AllClear` as "the subject event no
  longer poses a threat"; an all-clear backed by measurements is that, and it is what
  aggregators show as "ended" rather than "retracted".
- When a person closes it by hand (the reason stays internal): `Cancel`. No measurement says
  the air has cleared, so dustwatch does not claim `AllClear`; it withdraws its earlier
  messages instead, which is what `Cancel` means.
- An alert that late readings reopen after its all-clear gets a new `Alert`.

Every later message cites all earlier ones of its alert in `references` ("sender,identifier,
sent", separated by spaces) and shares its `incidents` (the alert's public id). An alert that
opened and resolved before the feed first saw it is not published: an alert and its
all-clear at once tell a subscriber nothing. Alerts of private stations are never published,
and a station made private takes its messages out of the feed.

CAP fields from our alert (documented for subscribers in README):

- urgency `Immediate` while open (the average is over the standard now), `Past` at the end;
- severity from our severity: moderate (over the standard) → `Moderate`, high (1.5× the
  limit) → `Severe`, very high (2× the limit) → `Extreme`; `Minor` once it has ended;
- certainty `Observed` (measured), `Unknown` for a withdrawal (nothing was measured);
- category `Env`, responseType `Avoid` with an instruction to cut outdoor activity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from core.access.scope import PUBLIC_SCOPE
from core.alerts.schemas import SEVERITY_RANK, Severity, severity_of
from core.kit.errors import NotFound
from core.models import (
    Alert,
    AlertKind,
    CapMessage,
    CapStep,
    Language,
    Organisation,
    StakeholderGroup,
    Station,
)
from core.outbox.messages import alert_opened_message
from core.settings import CapSettings
from core.standards.parameters import BY_ID, from_milli

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
ATOM_MEDIA_TYPE = "application/atom+xml"
FEED_PATH = "/cap/alerts.atom"
FEED_LIMIT = 500
"""At most this many entries in the index: far more than a region's current alerts."""
AREA_RADIUS_KM = Decimal("0.5")
"""A station measures the air around it: the CAP area is a circle of this radius."""

CAP_LANGUAGES = {Language.TH: "th-TH", Language.EN: "en-US"}
CAP_SEVERITY: dict[Severity, str] = {
    "moderate": "Moderate",
    "high": "Severe",
    "very_high": "Extreme",
}
SEVERITY_WORDS: dict[Severity, dict[Language, str]] = {
    "moderate": {Language.TH: "เกินมาตรฐาน", Language.EN: "over the standard"},
    "high": {Language.TH: "สูง (1.5 เท่าของมาตรฐาน)", Language.EN: "high (1.5 times the standard)"},
    "very_high": {
        Language.TH: "สูงมาก (2 เท่าของมาตรฐาน)",
        Language.EN: "very high (twice the standard)",
    },
}
EVENT = {Language.TH: "คุณภาพอากาศเกินค่ามาตรฐาน", Language.EN: "Air quality over the standard"}
INSTRUCTION = {
    Language.TH: "ลดกิจกรรมกลางแจ้งและการออกแรงหนักในพื้นที่ โดยเฉพาะเด็ก ผู้สูงอายุ "
    "หญิงตั้งครรภ์ และผู้มีโรคหัวใจหรือโรคระบบทางเดินหายใจ สวมหน้ากากกันฝุ่นเมื่ออยู่กลางแจ้ง",
    Language.EN: "Cut down outdoor activity and heavy exertion in the area, especially "
    "children, older people, pregnant women and people with heart or lung disease; wear a "
    "dust mask outdoors.",
}
FEED_TITLE = "dustwatch: แจ้งเตือนคุณภาพอากาศ · air-quality alerts (CAP 1.2)"
DEFAULT_SENDER_NAME = "dustwatch"
UNFINISHED = [step for step in CapStep if not step.final]
"""Steps after which an alert is still current: more messages may follow."""


@dataclass(frozen=True)
class Publisher:
    """Who publishes, in whose name, where, and in which time zone."""

    sender: str
    name: dict[Language, str]
    public_url: str
    status: str
    zone: ZoneInfo

    def message_url(self, identifier: str) -> str:
        return f"{self.public_url}/cap/messages/{identifier}.xml"

    def identifier(self, alert: Alert, sequence: int) -> str:
        """Stable and unique: the sender's domain, the alert's public id, its message number."""
        domain = self.sender.rpartition("@")[2]
        return f"urn:dustwatch:{domain}:alert:{alert.public_id}:{sequence}"


def publisher(session: Session, settings: CapSettings, zone: ZoneInfo) -> Publisher:
    """The names are the settings', else those of the backbone organisation (the unit that
    issues bulletins and alerts), else "dustwatch"."""
    backbone = session.scalars(
        select(Organisation)
        .where(Organisation.stakeholder_group == StakeholderGroup.BACKBONE)
        .order_by(Organisation.id)
        .limit(1)
    ).first()
    name_th = settings.sender_name_th or (backbone.name_th if backbone else DEFAULT_SENDER_NAME)
    name_en = settings.sender_name_en or (backbone.name_en if backbone else DEFAULT_SENDER_NAME)
    return Publisher(
        sender=settings.sender,
        name={Language.TH: name_th, Language.EN: name_en},
        public_url=settings.public_url,
        status=settings.status,
        zone=zone,
    )


def cap_time(moment: datetime, zone: ZoneInfo) -> str:
    """CAP 1.2's dateTime: local time with its offset, whole seconds, never "Z"; UTC is
    written "-00:00" (the specification's DateTime data type, and the schema's pattern)."""
    local = moment.astimezone(zone).replace(microsecond=0).isoformat()
    return local.removesuffix("+00:00") + "-00:00" if local.endswith("+00:00") else local


def current_severity(alert: Alert) -> Severity:
    """The severity the public sees: from the highest 24-hour average so far."""
    return severity_of(
        peak_milli=_known(alert.peak_average_milli), limit_milli=_known(alert.limit_milli)
    )


def next_step(alert: Alert, history: Sequence[CapMessage]) -> CapStep | None:
    """The message this alert needs now, given the ones already published (oldest first)."""
    latest = history[-1] if history else None
    if latest is None or latest.step.final:
        return CapStep.OPENED if alert.resolved_at is None else None
    if alert.resolved_at is not None:
        return CapStep.CLEARED if alert.resolution == "automatic" else CapStep.WITHDRAWN
    if SEVERITY_RANK[current_severity(alert)] > SEVERITY_RANK[latest.severity]:
        return CapStep.SEVERITY_RAISED
    return None


def sync_cap_messages(
    session: Session, *, now: datetime, zone: ZoneInfo, settings: CapSettings
) -> int:
    """Adds the CAP messages that public alerts need and do not have yet; returns how many.

    Compares each alert with its published messages, so running it again changes nothing,
    and a missed run is made up by the next. Two runs at once cannot publish a message twice
    (one per alert and sequence number). Flushes only: the caller commits.
    """
    latest = _latest_sequences()
    last = aliased(CapMessage)
    rows = session.execute(
        select(Alert, Station)
        .join(Station, Station.id == Alert.station_id)
        .outerjoin(latest, latest.c.alert_id == Alert.id)
        .outerjoin(last, and_(last.alert_id == Alert.id, last.sequence == latest.c.sequence))
        .where(
            PUBLIC_SCOPE.visible(),
            # The breaches of a standard: the figures and words of CAP messages are theirs.
            Alert.kind == AlertKind.EXCEEDANCE_24H,
            # Open, or published and not yet told ended: ended alerts are not read again.
            or_(Alert.resolved_at.is_(None), last.step.in_(UNFINISHED)),
        )
        .order_by(Alert.id)
    ).all()
    if not rows:
        return 0
    histories: dict[int, list[CapMessage]] = defaultdict(list)
    for message in session.scalars(
        select(CapMessage)
        .where(CapMessage.alert_id.in_([alert.id for alert, _ in rows]))
        .order_by(CapMessage.alert_id, CapMessage.sequence)
    ):
        histories[message.alert_id].append(message)
    issuer = publisher(session, settings, zone)
    created = 0
    for alert, station in rows:
        history = histories[alert.id]
        step = next_step(alert, history)
        if step is None:
            continue
        message = build_message(alert, station, step, history, issuer, now=now)
        try:
            with session.begin_nested():
                session.add(message)
                session.flush()
        except IntegrityError:
            continue  # another run published this step first
        created += 1
    return created


def build_message(
    alert: Alert,
    station: Station,
    step: CapStep,
    history: Sequence[CapMessage],
    issuer: Publisher,
    *,
    now: datetime,
) -> CapMessage:
    """The next message of `alert`'s chain, with its document."""
    sequence = len(history) + 1
    identifier = issuer.identifier(alert, sequence)
    sent = cap_time(now, issuer.zone)
    severity = current_severity(alert)
    words = {
        language: alert_words(alert, station, step, language=language, zone=issuer.zone)
        for language in CAP_LANGUAGES
    }
    root = etree.Element(f"{{{CAP_NAMESPACE}}}alert", nsmap={None: CAP_NAMESPACE})
    _add(root, "identifier", identifier)
    _add(root, "sender", issuer.sender)
    _add(root, "sent", sent)
    _add(root, "status", issuer.status)
    _add(root, "msgType", step.msg_type)
    _add(root, "source", "dustwatch")
    _add(root, "scope", "Public")
    if step is CapStep.WITHDRAWN:
        _add(root, "note", words[Language.EN].headline)
    if history:
        _add(root, "references", " ".join(f"{m.sender},{m.identifier},{m.sent}" for m in history))
    _add(root, "incidents", alert.public_id)
    for language, text in words.items():
        _add_info(root, alert, station, step, severity, language, text, issuer)
    document: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return CapMessage(
        alert_id=alert.id,
        sequence=sequence,
        step=step,
        identifier=identifier,
        sender=issuer.sender,
        sent=sent,
        sent_at=now,
        severity=severity,
        headline_en=words[Language.EN].headline[:400],
        document=document.decode(),
    )


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NAMESPACE}}}{name}")
    element.text = text
    return element


def _add_value(parent: etree._Element, name: str, value_name: str, value: str) -> None:
    pair = _add(parent, name)
    _add(pair, "valueName", value_name)
    _add(pair, "value", value)


@dataclass(frozen=True)
class Words:
    headline: str
    description: str
    instruction: str | None


def _known(figure: int | None) -> int:
    """A figure every 24-hour alert carries (only those are published as CAP)."""
    if figure is None:
        raise ValueError("a 24-hour alert without its figures cannot be published as CAP")
    return figure


def _number(milli: int | None) -> str:
    return f"{from_milli(_known(milli)):g}"


def alert_words(
    alert: Alert, station: Station, step: CapStep, *, language: Language, zone: ZoneInfo
) -> Words:
    """What one step of an alert says in `language`: an alert's own words (the ones every
    channel sends) for its opening, and what changed since for the later steps."""
    opened = alert_opened_message(alert, station, language=language, zone=zone, message_id="")
    parameter = BY_ID[_known(alert.parameter_id)]
    name, unit = parameter.code.upper(), parameter.unit
    peak, limit = _number(alert.peak_average_milli), _number(alert.limit_milli)
    ratio = f"{Decimal(_known(alert.peak_average_milli)) / Decimal(_known(alert.limit_milli)):.1f}"
    thai = language is Language.TH
    if thai:
        peak_so_far = f" ค่าเฉลี่ย 24 ชั่วโมงสูงสุดนับจากนั้นอยู่ที่ {peak} {unit} ({ratio} เท่าของค่ามาตรฐาน)"
    else:
        peak_so_far = (
            f" Since then the highest 24-hour average has been {peak} {unit}, {ratio} times "
            "the standard."
        )
    if step is CapStep.OPENED:
        risen = _known(alert.peak_average_milli) > _known(alert.opening_average_milli)
        return Words(
            opened.subject, opened.body + (peak_so_far if risen else ""), INSTRUCTION[language]
        )
    if step is CapStep.SEVERITY_RAISED:
        level = SEVERITY_WORDS[current_severity(alert)][language]
        headline = (
            f"อัปเดต: {name} ที่สถานี {station.name} สูงขึ้นเป็นระดับ{level}"
            if thai
            else f"Update: {name} at {station.name} has risen to {level}"
        )
        return Words(headline, opened.body + peak_so_far, INSTRUCTION[language])
    ended = alert.resolved_at or alert.updated_at
    when = ended.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if step is CapStep.CLEARED:
        cleared = alert.resolved_average_milli
        average = _number(alert.latest_average_milli if cleared is None else cleared)
        if thai:
            return Words(
                f"สิ้นสุดการเตือน: {name} ที่สถานี {station.name} กลับมาต่ำกว่ามาตรฐานแล้ว",
                f"ค่าเฉลี่ย 24 ชั่วโมงของ {name} ที่สถานี {station.name} ({station.area}) "
                f"ลดลงเหลือ {average} {unit} ต่ำกว่าค่ามาตรฐาน {limit} {unit} เมื่อ {when} น. "
                f"ค่าสูงสุดระหว่างการเตือนคือ {peak} {unit}",
                None,
            )
        return Words(
            f"All clear: {name} back under the standard at {station.name}",
            f"The 24-hour average of {name} at {station.name} ({station.area}) fell to "
            f"{average} {unit}, under the standard of {limit} {unit}, at {when}. The highest "
            f"during the alert was {peak} {unit}.",
            None,
        )
    began = alert.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if thai:
        return Words(
            f"ยกเลิกประกาศ: การแจ้งเตือน {name} ที่สถานี {station.name}",
            f"การแจ้งเตือน {name} ที่สถานี {station.name} ({station.area}) ซึ่งเริ่มเมื่อ "
            f"{began} น. ถูกปิดโดยเจ้าหน้าที่ผู้รับผิดชอบเมื่อ {when} น. "
            "ประกาศก่อนหน้านี้ของการแจ้งเตือนนี้ถูกยกเลิก",
            None,
        )
    return Words(
        f"Withdrawn: the {name} alert at {station.name}",
        f"The {name} alert at {station.name} ({station.area}), opened at {began}, was closed "
        f"by the officials responsible at {when}. Its earlier messages are withdrawn.",
        None,
    )


def _add_info(
    root: etree._Element,
    alert: Alert,
    station: Station,
    step: CapStep,
    severity: Severity,
    language: Language,
    words: Words,
    issuer: Publisher,
) -> None:
    """One `info` block, its elements in the order the schema's sequence requires."""
    parameter = BY_ID[_known(alert.parameter_id)]
    info = _add(root, "info")
    _add(info, "language", CAP_LANGUAGES[language])
    _add(info, "category", "Env")
    _add(info, "event", EVENT[language])
    if step is CapStep.CLEARED:
        _add(info, "responseType", "AllClear")
    elif not step.final:
        _add(info, "responseType", "Avoid")
    _add(info, "urgency", "Past" if step.final else "Immediate")
    _add(info, "severity", "Minor" if step.final else CAP_SEVERITY[severity])
    _add(info, "certainty", "Unknown" if step is CapStep.WITHDRAWN else "Observed")
    _add(info, "onset", cap_time(alert.opened_at, issuer.zone))
    _add(info, "senderName", issuer.name[language])
    _add(info, "headline", words.headline)
    _add(info, "description", words.description)
    if words.instruction:
        _add(info, "instruction", words.instruction)
    _add(info, "web", f"{issuer.public_url}/stations/{station.code}/page")
    average = alert.latest_average_milli
    if step is CapStep.CLEARED and alert.resolved_average_milli is not None:
        average = alert.resolved_average_milli
    for value_name, value in (
        ("parameter", parameter.name),
        ("unit", parameter.unit),
        ("standard", alert.standard_id or ""),
        ("limit", _number(alert.limit_milli)),
        ("average_24h", _number(average)),
        ("peak_average_24h", _number(alert.peak_average_milli)),
        ("severity", severity),
    ):
        _add_value(info, "parameter", value_name, value)
    area = _add(info, "area")
    _add(area, "areaDesc", f"{station.name}, {station.area}")
    _add(area, "circle", f"{station.latitude:.5f},{station.longitude:.5f} {AREA_RADIUS_KM}")


def cap_document(session: Session, *, identifier: str) -> bytes:
    """A published CAP document, as it was sent; "not found" for unknown identifiers and for
    alerts of stations that are not public (whether they exist is not revealed)."""
    document = session.scalars(
        select(CapMessage.document)
        .join(Alert, Alert.id == CapMessage.alert_id)
        .join(Station, Station.id == Alert.station_id)
        .where(CapMessage.identifier == identifier, PUBLIC_SCOPE.visible())
    ).first()
    if document is None:
        raise NotFound(f"no CAP message {identifier}")
    return document.encode()


def _latest_sequences() -> Subquery:
    """Each published alert's id with the number of its latest message."""
    return (
        select(CapMessage.alert_id, func.max(CapMessage.sequence).label("sequence"))
        .group_by(CapMessage.alert_id)
        .subquery()
    )


def current_messages(session: Session, *, now: datetime, ended_hours: int) -> list[CapMessage]:
    """The latest message of each public alert that is open, or that ended (cleared or
    withdrawn) within `ended_hours`: newest first."""
    latest = _latest_sequences()
    query = (
        select(CapMessage)
        .join(
            latest,
            and_(
                latest.c.alert_id == CapMessage.alert_id, latest.c.sequence == CapMessage.sequence
            ),
        )
        .join(Alert, Alert.id == CapMessage.alert_id)
        .join(Station, Station.id == Alert.station_id)
        .where(
            PUBLIC_SCOPE.visible(),
            or_(
                CapMessage.step.in_(UNFINISHED),
                CapMessage.sent_at >= now - timedelta(hours=ended_hours),
            ),
        )
        .order_by(CapMessage.sent_at.desc(), CapMessage.id.desc())
        .limit(FEED_LIMIT)
    )
    return list(session.scalars(query))


def cap_atom_feed(
    session: Session, *, now: datetime, zone: ZoneInfo, settings: CapSettings
) -> bytes:
    """The Atom 1.0 index of current alerts: one entry per alert, its latest CAP message,
    linked as application/cap+xml, as alert aggregators read CAP feeds."""
    issuer = publisher(session, settings, zone)
    messages = current_messages(session, now=now, ended_hours=settings.ended_hours)
    atom = f"{{{ATOM_NAMESPACE}}}"
    feed_url = f"{issuer.public_url}{FEED_PATH}"
    feed = etree.Element(f"{atom}feed", nsmap={None: ATOM_NAMESPACE})

    def add(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> None:
        element = etree.SubElement(parent, f"{atom}{name}", attributes)
        element.text = text

    add(feed, "id", feed_url)
    add(feed, "title", FEED_TITLE)
    add(feed, "updated", cap_time(now, zone))
    author = etree.SubElement(feed, f"{atom}author")
    add(author, "name", issuer.name[Language.EN])
    add(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=feed_url)
    add(feed, "link", rel="alternate", type="text/html", href=f"{issuer.public_url}/")
    for message in messages:
        entry = etree.SubElement(feed, f"{atom}entry")
        add(entry, "id", message.identifier)
        add(entry, "title", message.headline_en)
        add(entry, "updated", message.sent)
        add(entry, "category", term=message.step.msg_type)
        add(
            entry,
            "link",
            rel="alternate",
            type=CAP_MEDIA_TYPE,
            href=issuer.message_url(message.identifier),
        )
    document: bytes = etree.tostring(
        feed, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document
