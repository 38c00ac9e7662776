"""An operator sends the facility's periodic report from the browser, in Thai: a CSV with
one bad row is refused whole with that row's error shown and nothing stored; corrected, it
is accepted and its measurements are readings. An official sees every facility's status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from api.web.pages.factory_reports import ROW_MESSAGES
from core.factory_reports.parsing import parse_report
from core.kit.db import make_engine, make_session_factory
from core.models import FactoryReport, Reading, ReadingSource
from core.settings import default_zone
from tests.web.conftest import Site, sign_in, visit

HEADER = "period_start,period_end,station,parameter,value,unit,method,sample_start,sample_end"


def last_month() -> tuple[date, date]:
    first_of_this = datetime.now(UTC).date().replace(day=1)
    end = first_of_this - timedelta(days=1)
    return end.replace(day=1), end


def report_csv(second_value: str) -> bytes:
    start, end = last_month()
    month = start.strftime("%Y-%m")
    rows = [
        HEADER,
        f"{start},{end},f-a,pm10,85.2,ug/m3,Hi-vol PM10,"
        f"{month}-05T08:00:00+07:00,{month}-06T08:00:00+07:00",
        f"{start},{end},f-a,tsp,{second_value},ug/m3,Hi-vol TSP,"
        f"{month}-05T08:00:00+07:00,{month}-06T08:00:00+07:00",
    ]
    return ("\n".join(rows) + "\n").encode()


def uploaded_readings(site: Site) -> tuple[int, int]:
    engine = make_engine(site.database_url)
    try:
        with make_session_factory(engine)() as session:
            readings = session.scalar(
                select(func.count())
                .select_from(Reading)
                .where(Reading.source == int(ReadingSource.UPLOAD))
            )
            reports = session.scalar(select(func.count()).select_from(FactoryReport))
            return readings or 0, reports or 0
    finally:
        engine.dispose()


def test_an_operator_sends_a_report_with_a_bad_row_then_the_corrected_one(
    page: Page, site: Site
) -> None:
    sign_in(page, "operator_a")
    page.get_by_role("link", name="ส่งรายงานตามรอบ และดูกำหนดการส่งรายงาน").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("รายงานตามรอบ")
    file_input = page.get_by_label("ไฟล์รายงาน")
    file_input.set_input_files(
        {"name": "report.csv", "mimeType": "text/csv", "buffer": report_csv("1x2")}
    )
    page.get_by_role("button", name="ส่งรายงาน").click()
    expect(page.locator("#report-refused")).to_contain_text("ไม่มีข้อมูลใดถูกบันทึก")
    error_row = page.locator("#report-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td").nth(0)).to_have_text("3")
    expect(error_row.locator("td").nth(1)).to_have_text("value")
    expect(error_row.locator("td").nth(2)).to_have_text("ไม่ใช่ตัวเลข")
    expect(page.get_by_text("ยังไม่ได้รับรายงาน")).to_be_visible()
    assert uploaded_readings(site) == (0, 0)

    page.get_by_label("ไฟล์รายงาน").set_input_files(
        {"name": "report.csv", "mimeType": "text/csv", "buffer": report_csv("142")}
    )
    page.get_by_role("button", name="ส่งรายงาน").click()
    expect(page.locator("#report-accepted")).to_contain_text("รับรายงานแล้ว: ค่าที่วัด 2 รายการ")
    stored = page.locator("#accepted-rows tbody")
    expect(stored).to_contain_text("85.2")
    expect(stored).to_contain_text("142")
    expect(page.locator("#reports-received")).to_contain_text("report.csv")
    assert uploaded_readings(site) == (2, 1)
    start, end = last_month()
    readings = page.request.get(
        "/stations/f-a/readings?parameter=tsp"
        f"&start={quote(f'{start}T00:00:00+07:00')}&end={quote(f'{end}T23:00:00+07:00')}"
    )
    assert readings.ok, readings.text()
    assert [r["value"] for r in readings.json()] == [142.0]


def test_an_official_sees_every_facilitys_reports(page: Page) -> None:
    sign_in(page, "official")
    page.get_by_role("link", name="รายงานตามรอบของสถานประกอบการ: ที่ล่าช้าและยังไม่ส่ง").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("รายงานตามรอบของสถานประกอบการ")
    overview = page.locator("#report-overview")
    expect(overview).to_contain_text("โรงงาน ก")
    expect(overview).to_contain_text("โรงงาน ข")
    assert visit(page, "/factory-reports") == 200


def test_every_refusal_the_parser_gives_has_a_translated_sentence() -> None:
    """The page says each problem in Thai: no code may fall back to the API's English."""
    good = report_csv("142").decode()
    bad_files = [
        b"",
        b"\xff\xfe",
        b"station,value\nx,1\n",
        HEADER.encode(),
        (good + "x,y\n").encode(),
        b"{",
        b"[]",
        b'{"period_start": "2026-10-01", "period_end": "2026-10-31", "measurements": [1]}',
        b'{"period_start": "2026-10-01", "period_end": "2026-10-31",'
        b' "measurements": [{"colour": 1}]}',
        good.replace("85.2", "NaN").replace("142", "abc").replace("Hi-vol TSP", "").encode(),
        good.replace("ug/m3,Hi-vol PM10", "mg/m3,Hi-vol PM10").replace(",tsp,", ",o3,").encode(),
        good.replace("08:00:00+07:00,", "08:00:00,").encode(),
        good.replace("-05T08", "-09T08", 1).encode(),
        good.replace("85.2", "-1").replace(",f-a,tsp", ",f-a,pm10").encode(),
        good.replace(f"{last_month()[0]},", "1999-01-01,", 1).encode(),
        good.replace(f"{last_month()[1]},", f"{last_month()[0]},", 1).encode(),
    ]
    codes = {
        error.code for data in bad_files for error in parse_report(data, zone=default_zone()).errors
    }
    assert codes - set(ROW_MESSAGES) == set()
    assert len(codes) >= 15


def test_the_backbone_sets_a_facilitys_schedule_and_sees_its_missing_reports(page: Page) -> None:
    """A wrong value is refused beside its field; a saved schedule lists every period since
    its start, those past their due day without a report as missing."""
    sign_in(page, "backbone")
    assert visit(page, "/factory-reports") == 200
    page.locator("#report-overview").get_by_role("link", name="โรงงาน ข").click()
    expect(page.get_by_text("ยังไม่ได้กำหนดรอบการส่งรายงาน")).to_be_visible()
    form = page.locator("#schedule-form")
    expect(form).to_be_visible()

    start = (datetime.now(UTC).date().replace(day=1) - timedelta(days=70)).replace(day=1)
    form.get_by_label("รอบแรกเริ่มวันที่").fill(start.replace(day=2).isoformat())
    form.get_by_label("จำนวนวันหลังสิ้นรอบที่ต้องส่งรายงาน").fill("15")
    form.get_by_role("button", name="บันทึกกำหนดการ").click()
    expect(page.locator("#first-period-error")).to_have_text("วันที่ 1 ของเดือน เช่น 2026-01-01")

    form = page.locator("#schedule-form")
    form.get_by_label("รายงานแต่ละฉบับครอบคลุม").select_option("monthly")
    form.get_by_label("รอบแรกเริ่มวันที่").fill(start.isoformat())
    form.get_by_role("button", name="บันทึกกำหนดการ").click()
    expect(page.locator("#schedule-saved")).to_be_visible()
    missing = page.locator("#report-periods tbody tr.period-missing")
    expect(missing.first).to_contain_text("ยังไม่ได้ส่ง")
    assert missing.count() >= 2
    expect(page.locator("#frequency")).to_have_value("monthly")

    sign_in(page, "operator_b")
    assert visit(page, "/factory-reports") == 200
    expect(page.locator("#schedule-form")).to_have_count(0)
    expect(page.locator("#report-periods tbody tr.period-missing").first).to_be_visible()
