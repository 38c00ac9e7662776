"""A bulletin's words in Thai and English, built from its figures only, so that the text
never says more than the data (and the API's `figures`) show."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from core.bulletins.schemas import AlertFigure, BulletinFigures, ParameterFigure

NAMES = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "tsp": "TSP",
    "o3": "O₃",
    "no2": "NO₂",
    "so2": "SO₂",
    "co": "CO",
}
UNITS = {"ug/m3": "µg/m³", "mg/m3": "mg/m³"}
PERIOD_TH = {
    "24h": "ค่าเฉลี่ย 24 ชั่วโมง",
    "8h": "ค่าเฉลี่ย 8 ชั่วโมง",
    "1h": "ค่าเฉลี่ย 1 ชั่วโมง",
    "1y": "ค่าเฉลี่ยรายปี",
}
PERIOD_EN = {"24h": "24-hour", "8h": "8-hour", "1h": "1-hour", "1y": "annual"}


def parameter_name(code: str) -> str:
    return NAMES.get(code, code.upper())


def unit_name(unit: str) -> str:
    return UNITS.get(unit, unit)


def thai_day(day: date, *, year: bool = True) -> str:
    """`22 พ.ย. 2569`: Thai month abbreviation and the Buddhist era year."""
    short = format_date(day, "d MMM", locale="th")
    return f"{short} {day.year + 543}" if year else short


def english_day(day: date, *, year: bool = True) -> str:
    return format_date(day, "d MMM y" if year else "d MMM", locale="en")


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _period(figures: BulletinFigures, language: str) -> str:
    start, end = figures.period_start, figures.period_end
    if language == "th":
        if start == end:
            return thai_day(end)
        return f"{thai_day(start, year=start.year != end.year)} – {thai_day(end)}"
    if start == end:
        return english_day(end)
    return f"{english_day(start, year=start.year != end.year)} – {english_day(end)}"


def title(figures: BulletinFigures, language: str) -> str:
    if language == "th":
        kind = "ประจำวัน" if figures.kind == "daily" else "ประจำสัปดาห์"
        return f"รายงานคุณภาพอากาศ{kind} {figures.area} {_period(figures, 'th')}"
    kind = "Daily" if figures.kind == "daily" else "Weekly"
    return f"{kind} air quality bulletin, {figures.area}, {_period(figures, 'en')}"


def _parameter_th(p: ParameterFigure) -> list[str]:
    name, unit = parameter_name(p.parameter), unit_name(p.unit)
    standard = (
        f"มาตรฐาน{PERIOD_TH.get(p.standard_period, p.standard_period)} {_number(p.limit)} {unit}"
        if p.limit is not None
        else "ไม่มีมาตรฐานที่ใช้บังคับ"
    )
    lines = [f"{name} ({standard})"]
    if p.worst_value is None:
        lines.append("- ไม่มีวันที่ข้อมูลครบพอจะคำนวณค่าเฉลี่ยรายวัน (อย่างน้อย 18 ชั่วโมง)")
    else:
        assert p.worst_day is not None
        lines.append(
            f"- ค่าเฉลี่ยรายวันสูงสุด {_number(p.worst_value)} {unit} ที่สถานี "
            f"{p.worst_station} ({thai_day(p.worst_day)})"
        )
        if p.standard_period != "1y":
            lines.append(f"- เกินมาตรฐาน {p.exceedance_days} วัน จาก {p.valid_days} วันที่มีข้อมูลครบ")
        if p.aqi_bands:
            bands = ", ".join(f"{b.label_th or b.label_en} {b.days} วัน" for b in p.aqi_bands)
            lines.append(f"- ดัชนีคุณภาพอากาศ (AQI): {bands}")
    for s in p.stations:
        if s.mean is None:
            lines.append(f"  · {s.station_name} ({s.station_code}): ข้อมูลไม่ครบ")
        else:
            lines.append(
                f"  · {s.station_name} ({s.station_code}): เฉลี่ย {_number(s.mean)} {unit}, "
                f"เกินมาตรฐาน {s.exceedance_days} วัน"
            )
    return lines


def _parameter_en(p: ParameterFigure) -> list[str]:
    name, unit = parameter_name(p.parameter), unit_name(p.unit)
    standard = (
        f"{PERIOD_EN.get(p.standard_period, p.standard_period)} standard {_number(p.limit)} {unit}"
        if p.limit is not None
        else "no standard in force"
    )
    lines = [f"{name} ({standard})"]
    if p.worst_value is None:
        lines.append("- No day with enough data for a daily mean (at least 18 hours).")
    else:
        assert p.worst_day is not None
        lines.append(
            f"- Highest daily mean {_number(p.worst_value)} {unit} at {p.worst_station} "
            f"({english_day(p.worst_day)})."
        )
        if p.standard_period != "1y":
            days = "day" if p.valid_days == 1 else "days"
            lines.append(
                f"- Over the standard on {p.exceedance_days} of {p.valid_days} {days} with "
                "enough data."
            )
        if p.aqi_bands:
            bands = ", ".join(
                f"{b.label_en} {b.days} day{'s' if b.days != 1 else ''}" for b in p.aqi_bands
            )
            lines.append(f"- Thai AQI: {bands}.")
    for s in p.stations:
        if s.mean is None:
            lines.append(f"  · {s.station_name} ({s.station_code}): not enough data")
        else:
            lines.append(
                f"  · {s.station_name} ({s.station_code}): mean {_number(s.mean)} {unit}, "
                f"over the standard on {s.exceedance_days} day(s)"
            )
    return lines


def _alert_line(alert: AlertFigure, language: str, zone: ZoneInfo) -> str:
    name, unit = parameter_name(alert.parameter), unit_name(alert.unit)
    when: datetime = alert.opened_at.astimezone(zone)
    if language == "th":
        return (
            f"- {name} ที่สถานี {alert.station_code}: ค่าเฉลี่ย 24 ชั่วโมงสูงสุด "
            f"{_number(alert.peak_average)} {unit} (มาตรฐาน {_number(alert.limit)}), "
            f"เริ่ม {thai_day(when.date())} {when:%H:%M} น."
        )
    return (
        f"- {name} at {alert.station_code}: 24-hour average up to "
        f"{_number(alert.peak_average)} {unit} (standard {_number(alert.limit)}), from "
        f"{english_day(when.date())} {when:%H:%M}."
    )


def body(figures: BulletinFigures, language: str) -> str:
    zone = ZoneInfo(figures.time_zone)
    th = language == "th"
    lines: list[str] = []
    count = len(figures.stations)
    lines.append(
        f"{figures.area}: สถานีตรวจวัดสาธารณะ {count} สถานี"
        if th
        else f"{figures.area}: {count} public station{'s' if count != 1 else ''}."
    )
    if not figures.parameters:
        lines.append("ไม่มีข้อมูลในช่วงนี้" if th else "No data in this period.")
    for p in figures.parameters:
        lines.append("")
        lines.extend(_parameter_th(p) if th else _parameter_en(p))
    lines.append("")
    if figures.stations_down:
        lines.append(
            "สถานีที่ข้อมูลไม่เพียงพอ (ไม่ถึง 18 ชั่วโมงต่อวัน):"
            if th
            else "Stations down (under 18 hours of data a day):"
        )
        for down in figures.stations_down:
            days = ", ".join(
                thai_day(d, year=False) if th else english_day(d, year=False)
                for d in down.days_down
            )
            lines.append(f"- {down.station_name} ({down.station_code}): {days}")
    else:
        lines.append(
            "ทุกสถานีมีข้อมูลครบทุกวัน" if th else "Every station reported enough data every day."
        )
    lines.append("")
    opened, resolved = len(figures.alerts_opened), len(figures.alerts_resolved)
    if th:
        lines.append(
            f"การแจ้งเตือน: เปิดใหม่ {opened} รายการ, ปิดแล้ว {resolved} รายการ, "
            f"ยังเปิดอยู่เมื่อสิ้นสุดช่วง {figures.alerts_open_at_end} รายการ"
        )
    else:
        lines.append(
            f"Alerts: {opened} opened, {resolved} resolved, {figures.alerts_open_at_end} still "
            "open at the end of the period."
        )
    lines.extend(_alert_line(a, language, zone) for a in figures.alerts_opened)
    if figures.targets:
        lines.append("")
        lines.append("ความคืบหน้าตามเป้าหมาย:" if th else "Progress towards targets:")
        lines.extend(
            f"- {t.name_th or t.name}: {t.progress_th or t.progress}"
            if th
            else f"- {t.name}: {t.progress}"
            for t in figures.targets
        )
    return "\n".join(lines)
