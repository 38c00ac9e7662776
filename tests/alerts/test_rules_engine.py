"""Rules open one alert per condition, update it while it holds and resolve it when it
clears: for a value over a threshold (hourly or NowCast), a NowCast AQI band, a 24-hour
mean over the standard and a silent station."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import system_principal
from core.alerts.conditions import Condition
from core.alerts.engine import AlertRun, Detector, Hysteresis, evaluate_rules
from core.alerts.measurement import measurement_detectors
from core.alerts.rule_schemas import AlertRuleIn
from core.alerts.rules import create_rule
from core.models import (
    Alert,
    AlertKind,
    AlertRule,
    Channel,
    Language,
    OutboxMessage,
    Role,
    Severity,
)
from core.outbox.messages import alert_opened_message
from core.outbox.schemas import SubscriptionIn
from core.outbox.subscriptions import create_subscription
from core.readings.ingest import IncomingMessage, ingest_messages
from core.settings import default_zone
from core.standards.aqi import compute_aqi
from core.standards.catalogue import thai_aqi_scale
from core.standards.nowcast import nowcast
from tests.factories import make_organisation, make_station

PREFIX = "dustwatch/v1"
T0 = datetime(2026, 11, 20, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
ZONE = default_zone()
STAFF = system_principal("test backbone")
TEXTS = {
    "title_th": "{parameter} สูงที่ {station}",
    "title_en": "{parameter} high at {station}",
    "message_th": "{parameter} ที่ {station} ({area}) {value} {unit} เกิน {threshold} ตั้งแต่ {since}",
    "message_en": "{parameter} at {station} ({area}) {value} {unit} over {threshold} since {since}",
}


def publish(
    session: Session, code: str, parameter: str, values: list[float], start: datetime
) -> None:
    """One reading at :00 and :30 of each hour from `start`, one value per hour (received
    days later: readings from the future would be refused)."""
    readings = [
        {
            "parameter": parameter,
            "value": value,
            "time": (start + h * HOUR + timedelta(minutes=m)).isoformat(),
        }
        for h, value in enumerate(values)
        for m in (0, 30)
    ]
    ingest_messages(
        session,
        messages=[
            IncomingMessage(
                f"{PREFIX}/readings/{code}",
                json.dumps(readings).encode(),
                start + timedelta(days=3),
            )
        ],
        topic_prefix=PREFIX,
        zone=ZONE,
    )


def rule(session: Session, kind: AlertKind, **settings: Any) -> AlertRule:
    fields = {"name": f"test {kind.value}", "kind": kind, "severity": Severity.CRITICAL, **TEXTS}
    created = create_rule(session, AlertRuleIn(**(fields | settings)), actor=STAFF, now=T0)
    found = session.get(AlertRule, created.id)
    assert found is not None
    return found


def evaluate(session: Session, at: datetime, hysteresis: Hysteresis | None = None) -> AlertRun:
    """The measurement rules but the seeded 24-hour one, which each test leaves alone."""
    return evaluate_rules(
        session,
        now=at,
        zone=ZONE,
        detectors=measurement_detectors(ZONE),
        hysteresis=hysteresis,
        kinds=frozenset({AlertKind.VALUE_OVER, AlertKind.AQI_BAND, AlertKind.STATION_SILENT}),
    )


def alerts_of(session: Session, of: AlertRule) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.rule_id == of.id).order_by(Alert.id)))


def test_a_value_over_its_threshold_opens_one_alert_updates_it_and_resolves_it(
    session: Session,
) -> None:
    station = make_station(session, name="Haul road")
    over = rule(session, AlertKind.VALUE_OVER, parameter="pm10", threshold=150, averaging="hourly")
    # 200, 210 over 150; then 140, 140, 140: under, but not under 150 × 0.9 = 135
    publish(session, station.code, "pm10", [200, 210, 140, 140, 140], T0)

    opened = evaluate(session, T0 + HOUR + timedelta(minutes=5))
    [alert] = alerts_of(session, over)
    assert opened.opened == [alert.id]
    assert (alert.opening_average_milli, alert.limit_milli) == (200_000, 150_000)
    assert (alert.severity, alert.station_id, alert.area) == (
        Severity.CRITICAL,
        station.id,
        station.area,
    )
    assert alert.subject == f"station:{station.id}:pm10"
    assert alert.title_th == "PM10 สูงที่ Haul road"
    assert (
        alert.text_en == "PM10 at Haul road (Na Phra Lan) 200 ug/m3 over 150 since 2026-11-20 08:05"
    )
    assert (
        evaluate(session, T0 + HOUR + timedelta(minutes=5)).opened == []
    )  # same moment: nothing new

    updated = evaluate(session, T0 + 2 * HOUR + timedelta(minutes=5))
    assert updated.updated == [alert.id]
    assert (alert.latest_average_milli, alert.peak_average_milli) == (210_000, 210_000)
    assert alert.text_th is not None
    assert "210" in alert.text_th

    for hours in (3, 4):
        assert evaluate(session, T0 + hours * HOUR + timedelta(minutes=5)).resolved == []
    resolved = evaluate(session, T0 + 5 * HOUR + timedelta(minutes=5))
    assert resolved.resolved == [alert.id]
    assert (alert.resolution, alert.resolved_average_milli) == ("automatic", 140_000)
    assert len(alerts_of(session, over)) == 1


def test_a_value_flapping_around_the_threshold_makes_no_storm(session: Session) -> None:
    station = make_station(session)
    over = rule(session, AlertKind.VALUE_OVER, parameter="pm25", threshold=50, averaging="hourly")
    flapping = [60.0 if h % 2 == 0 else 45.0 for h in range(12)]
    publish(session, station.code, "pm25", flapping, T0)
    for h in range(1, 13):
        evaluate(session, T0 + h * HOUR + timedelta(minutes=5))
    [alert] = alerts_of(session, over)
    assert alert.resolved_at is None

    storm = rule(session, AlertKind.VALUE_OVER, parameter="pm25", threshold=50, averaging="hourly")
    for h in range(1, 13):
        evaluate(
            session,
            T0 + h * HOUR + timedelta(minutes=6),
            Hysteresis(clear_evaluations=1, clear_margin=0),
        )
    assert len(alerts_of(session, storm)) == 6  # what the hysteresis spares the recipients


def test_a_nowcast_rule_uses_the_nowcast_of_the_last_twelve_hours(session: Session) -> None:
    station = make_station(session)
    over = rule(session, AlertKind.VALUE_OVER, parameter="pm25", threshold=40, averaging="nowcast")
    hours = [20.0, 22.0, 25.0, 30.0, 35.0, 40.0, 48.0, 55.0, 60.0, 62.0, 66.0, 70.0]
    publish(session, station.code, "pm25", hours, T0)
    evaluate(session, T0 + 12 * HOUR + timedelta(minutes=5))
    [alert] = alerts_of(session, over)
    expected = nowcast([Decimal(str(v)) for v in reversed(hours)], parameter="pm25").value
    assert expected is not None
    assert alert.opening_average_milli == int(expected * 1000)
    assert alert.opening_average_milli != 70_000  # not the last hour's mean


def test_an_aqi_band_rule_opens_at_the_band_of_the_thai_scale(session: Session) -> None:
    station = make_station(session)
    band = rule(session, AlertKind.AQI_BAND, parameter="pm25", aqi_band=4)  # 101 and up
    publish(session, station.code, "pm25", [30.0, 30.0, 30.0], T0)
    evaluate(session, T0 + 3 * HOUR + timedelta(minutes=5))
    assert alerts_of(session, band) == []  # 30 µg/m³ is band 3 (moderate)

    publish(session, station.code, "pm25", [60.0, 60.0, 60.0], T0 + 3 * HOUR)
    evaluate(session, T0 + 6 * HOUR + timedelta(minutes=5))
    [alert] = alerts_of(session, band)
    scale = thai_aqi_scale("pm25", on=T0.date())
    assert scale is not None
    means = [Decimal(60)] * 3 + [Decimal(30)] * 3
    value = nowcast(means, parameter="pm25").value
    assert value is not None
    aqi = compute_aqi(scale, value)
    assert aqi.index is not None
    assert (alert.opening_average_milli, alert.limit_milli) == (aqi.index * 1000, 101_000)
    assert alert.text_en is not None
    assert "AQI" in alert.text_en

    # Clean air again: the NowCast falls fast, the AQI is well under 101 within hours
    publish(session, station.code, "pm25", [5.0] * 6, T0 + 6 * HOUR)
    for h in range(7, 13):
        evaluate(session, T0 + h * HOUR + timedelta(minutes=5))
    assert alert.resolved_at is not None
    assert alert.resolution == "automatic"
    assert alert.resolved_average_milli is not None
    assert alert.resolved_average_milli < 101_000


def test_a_silent_station_opens_an_alert_that_its_next_reading_resolves(session: Session) -> None:
    station = make_station(session, name="Temple")
    silent = rule(session, AlertKind.STATION_SILENT, minutes=60)
    publish(session, station.code, "pm10", [50.0], T0)  # last reading 00:30
    assert evaluate(session, T0 + timedelta(minutes=80)).opened == []
    evaluate(session, T0 + timedelta(minutes=100))
    [alert] = alerts_of(session, silent)
    assert (alert.subject, alert.opening_average_milli) == (f"station:{station.id}:silent", 70_000)
    assert alert.text_en == "– at Temple (Na Phra Lan) 70 min over 60 since 2026-11-20 08:40"

    evaluate(session, T0 + timedelta(minutes=130))
    assert alert.latest_average_milli == 100_000
    assert alert.resolved_at is None
    publish(session, station.code, "pm10", [50.0], T0 + 2 * HOUR)  # back: 02:00 and 02:30
    evaluate(session, T0 + timedelta(minutes=155))
    assert (alert.resolution, alert.resolved_average_milli) == ("automatic", 5_000)


def test_a_rule_covers_only_its_areas_and_station_kind(session: Session) -> None:
    here = make_station(session, area="Na Phra Lan")
    elsewhere = make_station(session, area="Hin Son")
    over = rule(
        session,
        AlertKind.VALUE_OVER,
        parameter="pm10",
        threshold=100,
        averaging="hourly",
        areas=["Hin Son"],
        station_kind="volunteer",
    )
    for station in (here, elsewhere):
        publish(session, station.code, "pm10", [300.0], T0)
    evaluate(session, T0 + HOUR + timedelta(minutes=5))
    assert [a.station_id for a in alerts_of(session, over)] == [elsewhere.id]


def test_a_minimum_duration_waits_before_opening(session: Session) -> None:
    station = make_station(session)
    over = rule(
        session,
        AlertKind.VALUE_OVER,
        parameter="pm10",
        threshold=100,
        averaging="hourly",
        min_duration_minutes=150,
    )
    publish(session, station.code, "pm10", [300.0, 300.0, 300.0], T0)
    # Over since 00:00, the start of the first hour whose mean is over: 65, 125, 185 minutes
    evaluate(session, T0 + HOUR + timedelta(minutes=5))
    evaluate(session, T0 + 2 * HOUR + timedelta(minutes=5))
    assert alerts_of(session, over) == []
    evaluate(session, T0 + 3 * HOUR + timedelta(minutes=5))
    assert len(alerts_of(session, over)) == 1


def test_a_24h_rule_of_its_own_alerts_with_its_severity_and_words(session: Session) -> None:
    station = make_station(session, name="School")
    create_subscription(
        session,
        SubscriptionIn(
            name="critical only",
            role=Role.OFFICIAL,
            channel=Channel.LINE,
            address="U1",
            min_severity=Severity.CRITICAL,
            language="en",
        ),
        actor=STAFF,
        now=T0,
    )
    strict = rule(session, AlertKind.EXCEEDANCE_24H, parameter="pm10")
    publish(session, station.code, "pm10", [150.0] * 24, T0)
    run = evaluate_rules(
        session,
        now=T0 + 24 * HOUR + timedelta(minutes=5),
        zone=ZONE,
        detectors=measurement_detectors(ZONE),
        kinds=frozenset({AlertKind.EXCEEDANCE_24H}),
    )
    mine = alerts_of(session, strict)
    assert len(run.opened) == 2  # the seeded default rule's (a warning) and this one's
    [alert] = mine
    assert (alert.severity, alert.standard_id) == (Severity.CRITICAL, "th-pm10-24h")
    [message] = session.scalars(select(OutboxMessage)).all()  # the warning is not sent to it
    assert message.alert_id == alert.id
    assert message.subject == "PM10 high at School"


def test_an_alert_without_a_station_has_its_rules_words_in_each_language(session: Session) -> None:
    facility = make_organisation(session)
    late = rule(
        session,
        AlertKind.REPORT_LATE,
        title_th="รายงานของ {facility} ล่าช้า",
        title_en="{facility}'s report is late",
        message_th="ล่าช้า {minutes} นาที",
        message_en="{minutes} minutes late",
    )

    def detect(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return [
            Condition(
                subject=f"facility:{facility.id}:report:2026-10-01",
                area="Na Phra Lan",
                value=90.0,
                threshold=0.0,
                unit="min",
                facility_id=facility.id,
                details={"minutes": 90},
            )
        ]

    detectors: dict[str, Detector] = {AlertKind.REPORT_LATE.value: detect}
    evaluate_rules(session, now=T0, zone=ZONE, detectors=detectors)
    evaluate_rules(session, now=T0 + HOUR, zone=ZONE, detectors=detectors)
    [alert] = alerts_of(session, late)
    assert (alert.title_th, alert.title_en) == (
        f"รายงานของ {facility.name_th} ล่าช้า",
        f"{facility.name_en}'s report is late",
    )
    thai = alert_opened_message(alert, None, language=Language.TH, zone=ZONE, message_id="m")
    assert (thai.subject, thai.body) == (alert.title_th, "ล่าช้า 90 นาที")
    assert thai.payload["station_code"] is None
    assert thai.payload["severity"] == "critical"

    # The detector stops finding it: three checks in a row clear it (no figure to show)
    for h in range(2, 5):
        evaluate_rules(
            session,
            now=T0 + h * HOUR,
            zone=ZONE,
            detectors={AlertKind.REPORT_LATE.value: lambda *_: []},
        )
    assert alert.resolution == "automatic"
    assert alert.resolved_average_milli is None


def test_the_seeded_rule_alerts_as_before(session: Session) -> None:
    [default] = session.scalars(
        select(AlertRule).where(AlertRule.kind == AlertKind.EXCEEDANCE_24H)
    ).all()
    assert (default.enabled, default.areas, default.parameter, default.severity) == (
        True,
        [],
        None,
        Severity.WARNING,
    )
    station = make_station(session, name="Wat")
    publish(session, station.code, "pm25", [40.0] * 24, T0)
    evaluate_rules(
        session,
        now=T0 + 24 * HOUR + timedelta(minutes=5),
        zone=ZONE,
        detectors=measurement_detectors(ZONE),
    )
    alert = session.scalars(select(Alert).where(Alert.station_id == station.id)).one()
    assert alert.rule_id == default.id
    assert alert.title_en == "Alert: PM25 over the standard at Wat"
    assert alert.text_th == (
        "ค่าเฉลี่ย 24 ชั่วโมงของ PM25 ที่สถานี Wat (Na Phra Lan) อยู่ที่ 40 ug/m3 "
        "เกินค่ามาตรฐาน 37.5 ug/m3 เมื่อ 2026-11-21 07:05 น."
    )


def test_a_figure_too_large_for_the_columns_is_kept_at_their_limit(session: Session) -> None:
    backlog = rule(session, AlertKind.BACKLOG, threshold=1000)

    def detect(session: Session, rule: AlertRule, now: datetime) -> list[Condition]:
        return [Condition(subject="backlog:ingest", area=None, value=5e9, threshold=1000.0)]

    evaluate_rules(session, now=T0, zone=ZONE, detectors={AlertKind.BACKLOG.value: detect})
    [alert] = alerts_of(session, backlog)
    assert alert.opening_average_milli == 2**31 - 1
