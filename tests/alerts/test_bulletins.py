"""Bulletins drafted from real ingested readings: the figures the text states, the stations
that were down, the alerts of the day; drafting twice makes one; the chart's Thai renders."""

from __future__ import annotations

import io
import logging
import struct
import warnings
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.bulletins.chart import ThaiFontMissing, chart_size, find_thai_font, render_chart
from alerts.bulletins.jobs import draft_due_bulletins, last_fire_time
from core.access.principal import system_principal
from core.alerts.service import evaluate_24h_exceedances
from core.bulletins.schemas import BulletinFigures, ChartFigure, ChartSeries
from core.bulletins.service import draft_bulletins, figures_of
from core.models import (
    AuditEvent,
    Bulletin,
    BulletinKind,
    BulletinStatus,
    Channel,
    Language,
    OutboxMessage,
    Receives,
    Role,
)
from core.outbox.schemas import SubscriptionIn
from core.outbox.subscriptions import create_subscription
from core.settings import BulletinSettings, Settings, default_zone
from tests.alerts.test_exceedance_alerts import publish_hours
from tests.factories import make_station

ZONE = default_zone()
DAY = date(2026, 11, 20)
DAY_START = datetime.combine(DAY, time(0), tzinfo=ZONE).astimezone(UTC)
AREA = "Ban Test"
ROBOT = system_principal("test")
T = TypeVar("T")


def arrange_day(session: Session) -> dict[str, str]:
    """Three public stations of one area on DAY: one over the PM2.5 standard all day, one
    under it, one that sent 10 hours only (down); a private factory station over the standard
    (left out: bulletins are public)."""
    over = make_station(session, code="bt-over", name="วัดหน้าพระลาน", area=AREA)
    under = make_station(session, code="bt-under", name="School", area=AREA)
    down = make_station(session, code="bt-down", name="Market", area=AREA)
    private = make_station(session, code="bt-factory", area=AREA, public=False)
    publish_hours(session, over.code, "pm25", 50, DAY_START, 24)
    publish_hours(session, under.code, "pm25", 20, DAY_START, 24)
    publish_hours(session, under.code, "pm10", 70, DAY_START, 24)
    publish_hours(session, down.code, "pm25", 30, DAY_START, 10)
    publish_hours(session, private.code, "pm25", 300, DAY_START, 24)
    # The day before, for the chart's 7 days.
    publish_hours(session, over.code, "pm25", 30, DAY_START - timedelta(days=1), 24)
    evaluate_24h_exceedances(session, now=DAY_START + timedelta(hours=23, minutes=30), zone=ZONE)
    return {"over": over.code, "under": under.code, "down": down.code}


def draft_day(session: Session) -> Bulletin:
    morning = datetime.combine(DAY + timedelta(days=1), time(7), tzinfo=ZONE)
    [bulletin] = [
        b
        for b in draft_bulletins(
            session, now=morning, zone=ZONE, kind=BulletinKind.DAILY, actor=ROBOT
        )
        if b.area == AREA
    ]
    return bulletin


def test_a_daily_bulletin_states_the_days_figures(session: Session) -> None:
    codes = arrange_day(session)
    bulletin = draft_day(session)
    figures = figures_of(bulletin)

    assert (bulletin.status, bulletin.period_start, bulletin.period_end) == (
        BulletinStatus.DRAFT,
        DAY,
        DAY,
    )
    assert figures.stations == sorted(codes.values())
    pm25 = next(p for p in figures.parameters if p.parameter == "pm25")
    assert (pm25.limit, pm25.standard_id) == (37.5, "th-pm25-24h-2023")
    assert (pm25.exceedance_days, pm25.valid_days, pm25.worst_value, pm25.worst_station) == (
        1,
        1,
        50.0,
        "bt-over",
    )
    assert [(b.label_en, b.days) for b in pm25.aqi_bands] == [("Starting to affect health", 1)]
    by_station = {s.station_code: s for s in pm25.stations}
    assert by_station["bt-over"].exceedance_days == 1
    assert by_station["bt-under"].exceedance_days == 0
    assert by_station["bt-down"].valid_days == 0
    pm10 = next(p for p in figures.parameters if p.parameter == "pm10")
    assert (pm10.exceedance_days, pm10.worst_value) == (0, 70.0)
    assert [(d.station_code, d.days_down) for d in figures.stations_down] == [("bt-down", [DAY])]
    [opened] = figures.alerts_opened
    assert (opened.station_code, opened.parameter, opened.limit) == ("bt-over", "pm25", 37.5)
    assert figures.alerts_open_at_end == 1
    assert figures.targets == []

    assert bulletin.title_th == "รายงานคุณภาพอากาศประจำวัน Ban Test 20 พ.ย. 2569"
    assert bulletin.title_en == "Daily air quality bulletin, Ban Test, 20 Nov 2026"
    assert "ค่าเฉลี่ยรายวันสูงสุด 50.0 µg/m³ ที่สถานี bt-over" in bulletin.body_th
    assert "เกินมาตรฐาน 1 วัน จาก 1 วันที่มีข้อมูลครบ" in bulletin.body_th
    assert "- ดัชนีคุณภาพอากาศ (AQI): เริ่มมีผลกระทบต่อสุขภาพ 1 วัน" in bulletin.body_th
    assert "- Thai AQI: Starting to affect health 1 day." in bulletin.body_en
    assert "- Market (bt-down): 20 Nov" in bulletin.body_en
    assert "Alerts: 1 opened, 0 resolved, 1 still open" in bulletin.body_en
    assert "bt-factory" not in bulletin.body_en + str(bulletin.figures)
    # The chart's week: the day before at 30, the day at 50, for the over station.
    over_series = next(s for s in figures.chart.series if s.station_code == "bt-over")
    assert over_series.values[-2:] == [30.0, 50.0]
    assert figures.chart.limits == {"pm25": 37.5, "pm10": 120.0}


def test_drafting_twice_leaves_one_bulletin(session: Session) -> None:
    arrange_day(session)
    first = draft_day(session)
    again = draft_day(session)
    assert again.id == first.id
    count = session.scalar(select(func.count()).select_from(Bulletin).where(Bulletin.area == AREA))
    assert count == 1
    drafted = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "bulletin", AuditEvent.action == "draft")
    ).all()
    assert [e.entity_id for e in drafted].count(str(first.id)) == 1


def test_a_weekly_bulletin_covers_the_seven_days_before(session: Session) -> None:
    arrange_day(session)
    monday = datetime.combine(date(2026, 11, 23), time(7), tzinfo=ZONE)
    [weekly] = [
        b
        for b in draft_bulletins(
            session, now=monday, zone=ZONE, kind=BulletinKind.WEEKLY, actor=ROBOT
        )
        if b.area == AREA
    ]
    figures = figures_of(weekly)
    assert (weekly.period_start, weekly.period_end) == (date(2026, 11, 16), date(2026, 11, 22))
    pm25 = next(p for p in figures.parameters if p.parameter == "pm25")
    assert (pm25.exceedance_days, pm25.valid_days, pm25.days_in_period) == (1, 2, 7)
    down = {d.station_code: d.days_down for d in figures.stations_down}
    assert len(down["bt-down"]) == 7
    assert len(down["bt-over"]) == 5
    assert weekly.title_en == "Weekly air quality bulletin, Ban Test, 16 Nov – 22 Nov 2026"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR, after checking the signature and the CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    chunk = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + chunk) == crc
    width, height = struct.unpack(">II", chunk[:8])
    return width, height


def missing_glyphs(draw: Callable[[], T], caplog: pytest.LogCaptureFixture) -> tuple[T, list[str]]:
    """What `draw` returns, and every "Glyph … missing from font(s)" matplotlib reported
    while it ran, as a warning or in its log."""
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = draw()
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    return result, [m for m in messages if "missing from font" in m]


def test_the_glyph_check_sees_thai_drawn_in_a_latin_font(caplog: pytest.LogCaptureFixture) -> None:
    """The check below can fail: matplotlib's default font has no Thai."""

    def latin_only() -> bytes:
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.subplots().set_title("วัดหน้าพระลาน")
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()

    _, missing = missing_glyphs(latin_only, caplog)
    assert any("THAI CHARACTER" in m for m in missing)


def test_the_thai_chart_renders_every_glyph(caplog: pytest.LogCaptureFixture) -> None:
    chart = ChartFigure(
        days=[date(2026, 11, 14) + timedelta(days=i) for i in range(7)],
        series=[
            ChartSeries(
                station_code="a",
                station_name="วัดหน้าพระลาน",
                parameter="pm25",
                values=[20, 31.5, None, 45, 50, 38, 36],
            ),
            ChartSeries(
                station_code="a",
                station_name="วัดหน้าพระลาน",
                parameter="pm10",
                values=[80, 90, 130, None, 100, 60, 75],
            ),
        ],
        limits={"pm25": 37.5, "pm10": 120.0},
    )
    (thai, english), missing = missing_glyphs(
        lambda: (
            render_chart(chart, area="หน้าพระลาน", language="th"),
            render_chart(chart, area="Na Phra Lan", language="en"),
        ),
        caplog,
    )
    assert missing == []
    assert png_size(thai) == chart_size(chart) == (800, 860)
    assert png_size(english) == (800, 860)
    assert 5_000 < len(thai) < 200_000
    pixels = imread(io.BytesIO(thai))
    assert pixels.shape[:2] == (860, 800)
    assert pixels.std() > 0.05  # drawn on, not a blank image
    assert find_thai_font().name.endswith(".ttf")


def test_a_missing_font_file_is_named() -> None:
    with pytest.raises(ThaiFontMissing, match="no file /nowhere/thai.ttf"):
        find_thai_font(Path("/nowhere/thai.ttf"))


def test_the_job_computes_its_period_from_the_fire_time() -> None:
    zone = ZoneInfo("Asia/Bangkok")
    at = time(7)
    before = datetime(2026, 11, 23, 6, 59, tzinfo=zone)
    after = datetime(2026, 11, 23, 7, 0, tzinfo=zone)
    assert last_fire_time(before, zone, at) == datetime(2026, 11, 22, 7, tzinfo=zone)
    assert last_fire_time(after, zone, at) == after
    # 2026-11-23 is a Monday; Sunday evening's latest Monday fire is the week before.
    assert last_fire_time(before, zone, at, weekday=0) == datetime(2026, 11, 16, 7, tzinfo=zone)
    assert last_fire_time(after, zone, at, weekday=0) == after


def test_the_job_drafts_once_with_charts_and_can_publish_at_once(session: Session) -> None:
    arrange_day(session)
    create_subscription(
        session,
        SubscriptionIn(
            name="Villagers",
            role=Role.VOLUNTEER,
            channel=Channel.EMAIL,
            address="people@example.org",
            language=Language.EN,
            areas=[AREA],
            receives=Receives.BULLETINS,
        ),
        actor=ROBOT,
        now=DAY_START,
    )
    session.commit()
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    now = datetime.combine(DAY + timedelta(days=1), time(9, 30), tzinfo=ZONE)
    settings = Settings(bulletins=BulletinSettings(auto_publish=True))
    first = draft_due_bulletins(factory, now=now, zone=ZONE, settings=settings)
    again = draft_due_bulletins(factory, now=now + timedelta(hours=3), zone=ZONE, settings=settings)
    assert sorted(first) == sorted(again)
    bulletins = session.scalars(
        select(Bulletin).where(Bulletin.area == AREA).order_by(Bulletin.kind)
    ).all()
    assert [(b.kind, b.period_start) for b in bulletins] == [
        (BulletinKind.DAILY, DAY),
        (BulletinKind.WEEKLY, date(2026, 11, 9)),
    ]
    daily = bulletins[0]
    session.refresh(daily)
    assert daily.status is BulletinStatus.PUBLISHED
    assert daily.chart_th is not None
    assert daily.chart_en is not None
    assert png_size(daily.chart_th)[0] == 800
    assert daily.chart_en != daily.chart_th
    assert daily.published_by_label == "dustwatch scheduler (bulletins)"
    assert daily.published_at == now  # when the job ran, not the 07:00 it was due
    BulletinFigures.model_validate(daily.figures)
    [message] = session.scalars(
        select(OutboxMessage).where(OutboxMessage.bulletin_id == daily.id)
    ).all()
    assert (message.address, message.language.value) == ("people@example.org", "en")
    assert message.subject == "Daily air quality bulletin, Ban Test, 20 Nov 2026"
    assert f"http://127.0.0.1:8000/air-bulletins/{daily.id}?lang=en" in message.body


def test_a_subscription_to_bulletins_only_gets_no_alert_messages(session: Session) -> None:
    for name, receives in (("alerts", Receives.ALERTS), ("bulletins", Receives.BULLETINS)):
        create_subscription(
            session,
            SubscriptionIn(
                name=name,
                role=Role.OFFICIAL,
                channel=Channel.EMAIL,
                address=f"{name}@example.org",
                areas=[AREA],
                receives=receives,
            ),
            actor=ROBOT,
            now=DAY_START,
        )
    arrange_day(session)  # opens alerts at the over station and the factory's
    sent_to = session.scalars(
        select(OutboxMessage.address).where(OutboxMessage.alert_id.is_not(None))
    ).all()
    assert sent_to == ["alerts@example.org", "alerts@example.org"]
