"""A report file, CSV or JSON, into a period and measurement rows, or into every error found.

Nothing here knows the database: rows are checked on their own (numbers, units, times, the
sampling period inside the reporting period), and `core.factory_reports.service` then checks
what needs the database (the facility's stations, readings already stored). Every problem is
collected, so the operator corrects the whole file at once.

Row numbers are those a spreadsheet shows: in a CSV the header is row 1 and the first
measurement row 2; in JSON the first element of `measurements` is row 1.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from core.kit.text import is_storable
from core.standards.parameters import ParameterInfo, parameter_by_code

CSV_COLUMNS = (
    "period_start",
    "period_end",
    "station",
    "parameter",
    "value",
    "unit",
    "method",
    "sample_start",
    "sample_end",
)
MEASUREMENT_FIELDS = CSV_COLUMNS[2:]
JSON_FIELDS = ("period_start", "period_end", "measurements")
REPORTED_PARAMETERS = ("pm10", "tsp", "pm25", "stack_pm")
"""Fence-line particulates (PM10, TSP, and PM2.5 where measured) and stack particulate."""
UNIT_SPELLINGS = {"µg/m³": "ug/m3", "μg/m³": "ug/m3", "µg/m3": "ug/m3", "mg/nm³": "mg/nm3"}
MAX_PERIOD_DAYS = 366
EARLIEST_DAY = date(2000, 1, 1)
MAX_METHOD_CHARS = 200
MAX_STATION_CHARS = 64
MAX_ERRORS = 200
CSV_MEDIA_TYPE = "text/csv"
JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class RowError:
    """`row` None: the file as a whole (its columns, its period); `column` None: the row.

    `message` is English, for the API; `code` and `values` let a page say it in its own
    language (api/web/pages/factory_reports.py has a sentence per code)."""

    row: int | None
    column: str | None
    message: str
    code: str = ""
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportRow:
    row: int
    station: str
    parameter: ParameterInfo
    value: Decimal
    method: str
    sample_start: datetime
    sample_end: datetime


@dataclass(frozen=True)
class ParsedReport:
    media_type: str
    period_start: date | None
    period_end: date | None
    rows: list[ReportRow]
    errors: list[RowError]


class _Errors:
    def __init__(self) -> None:
        self.found: list[RowError] = []

    def add(
        self, row: int | None, column: str | None, message: str, code: str, **values: object
    ) -> None:
        shown = {name: str(value) for name, value in values.items()}
        self.found.append(RowError(row, column, message, code, shown))


def parse_report(data: bytes, *, zone: ZoneInfo) -> ParsedReport:
    """The format is recognised from the content (a JSON object starts with `{`), never from
    the file's name. Text is UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8")."""
    errors = _Errors()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        errors.add(
            None,
            None,
            f"the file is not UTF-8 text (byte {error.start + 1}): save it as CSV UTF-8 or JSON",
            "not_utf8",
            byte=error.start + 1,
        )
        return ParsedReport(CSV_MEDIA_TYPE, None, None, [], errors.found)
    if not text.strip():
        errors.add(None, None, "the file is empty", "empty")
        return ParsedReport(CSV_MEDIA_TYPE, None, None, [], errors.found)
    if text.lstrip().startswith("{"):
        report = _parse_json(text, zone=zone, errors=errors)
    else:
        report = _parse_csv(text, zone=zone, errors=errors)
    return report


def _parse_csv(text: str, *, zone: ZoneInfo, errors: _Errors) -> ParsedReport:
    for number, line in enumerate(text.splitlines(), start=1):
        if "\x00" in line:
            errors.add(number, None, "the row contains a NUL character", "nul")
    records = list(csv.reader(io.StringIO(text.replace("\x00", ""), newline="")))
    header = [name.strip().lower() for name in records[0]]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or doubled:
        problems = []
        if missing:
            problems.append("missing " + ", ".join(missing))
        if unknown:
            problems.append("unknown " + ", ".join(repr(c[:40]) for c in unknown[:10]))
        if doubled:
            problems.append("repeated " + ", ".join(doubled))
        errors.add(
            1,
            None,
            f"wrong columns ({'; '.join(problems)}): the header must name "
            + ", ".join(CSV_COLUMNS),
            "wrong_columns",
            problems="; ".join(problems),
            columns=", ".join(CSV_COLUMNS),
        )
        return ParsedReport(CSV_MEDIA_TYPE, None, None, [], errors.found)
    period: tuple[date, date] | None = None
    period_texts: tuple[str, str] | None = None
    rows: list[ReportRow] = []
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(v.strip() for v in r)]
    if not body:
        errors.add(None, None, "the file has a header but no measurement rows", "no_rows")
    for number, record in body:
        if len(record) != len(header):
            errors.add(
                number,
                None,
                f"the row has {len(record)} fields; the header has {len(header)}",
                "field_count",
                fields=len(record),
                header=len(header),
            )
            continue
        fields = dict(zip(header, record, strict=True))
        texts = (fields["period_start"].strip(), fields["period_end"].strip())
        if period_texts is None:
            period_texts = texts
            period = _period(texts[0], texts[1], row=number, errors=errors)
        elif texts != period_texts:
            errors.add(
                number,
                "period_start",
                f"every row must give the same reporting period as row {body[0][0]} "
                f"({period_texts[0]} to {period_texts[1]})",
                "period_differs",
                first_row=body[0][0],
            )
        row = _row(number, fields, period=period, zone=zone, errors=errors)
        if row is not None:
            rows.append(row)
    start, end = period if period else (None, None)
    return ParsedReport(CSV_MEDIA_TYPE, start, end, rows, errors.found)


def _parse_json(text: str, *, zone: ZoneInfo, errors: _Errors) -> ParsedReport:
    def fail(message: str, code: str) -> ParsedReport:
        errors.add(None, None, message, code)
        return ParsedReport(JSON_MEDIA_TYPE, None, None, [], errors.found)

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return fail(
            f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})", "not_json"
        )
    except RecursionError:
        return fail("the JSON is nested too deeply", "not_json")
    if not isinstance(document, dict):
        return fail(
            "the JSON must be an object with period_start, period_end and measurements",
            "json_fields",
        )
    unknown = [k for k in document if k not in JSON_FIELDS]
    missing = [k for k in JSON_FIELDS if k not in document]
    if unknown or missing:
        named = ", ".join(repr(_short(str(k))) for k in [*missing, *unknown][:10])
        return fail(
            f"wrong fields ({named}): the object has period_start, period_end, measurements",
            "json_fields",
        )
    measurements = document["measurements"]
    if not isinstance(measurements, list) or not measurements:
        return fail("measurements must be a list of at least one measurement", "no_rows")
    period = _period(document["period_start"], document["period_end"], row=None, errors=errors)
    rows: list[ReportRow] = []
    for number, item in enumerate(measurements, start=1):
        if not isinstance(item, dict):
            errors.add(number, None, "a measurement must be an object", "not_an_object")
            continue
        unknown = [k for k in item if k not in MEASUREMENT_FIELDS]
        if unknown:
            errors.add(
                number,
                _short(str(unknown[0])) if is_storable(str(unknown[0])) else None,
                "unknown field: a measurement has " + ", ".join(MEASUREMENT_FIELDS),
                "unknown_field",
                fields=", ".join(MEASUREMENT_FIELDS),
            )
            continue
        row = _row(number, item, period=period, zone=zone, errors=errors)
        if row is not None:
            rows.append(row)
    start, end = period if period else (None, None)
    return ParsedReport(JSON_MEDIA_TYPE, start, end, rows, errors.found)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _text(
    fields: dict[str, Any], column: str, *, row: int, errors: _Errors, max_chars: int
) -> str | None:
    value = fields.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(row, column, "missing", "missing")
        return None
    if not isinstance(value, str):
        errors.add(row, column, "must be text", "not_text")
        return None
    if not is_storable(value):
        errors.add(row, column, "contains a NUL character or a lone surrogate", "nul")
        return None
    value = value.strip()
    if len(value) > max_chars:
        errors.add(row, column, f"longer than {max_chars} characters", "too_long", max=max_chars)
        return None
    return value


def _day(value: object, column: str, *, row: int | None, errors: _Errors) -> date | None:
    if not isinstance(value, str) or not is_storable(value):
        errors.add(row, column, "must be a date such as 2026-10-31", "not_a_date")
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        errors.add(row, column, f"{_short(value)!r} is not a date such as 2026-10-31", "not_a_date")
        return None
    if day < EARLIEST_DAY:
        errors.add(row, column, f"must be {EARLIEST_DAY} or later", "too_early", day=EARLIEST_DAY)
        return None
    return day


def _period(
    start_value: object, end_value: object, *, row: int | None, errors: _Errors
) -> tuple[date, date] | None:
    start = _day(start_value, "period_start", row=row, errors=errors)
    end = _day(end_value, "period_end", row=row, errors=errors)
    if start is None or end is None:
        return None
    if end < start:
        errors.add(
            row,
            "period_end",
            f"the period ends ({end}) before it starts ({start})",
            "period_reversed",
        )
        return None
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors.add(
            row,
            "period_end",
            f"a reporting period is at most {MAX_PERIOD_DAYS} days",
            "period_too_long",
            days=MAX_PERIOD_DAYS,
        )
        return None
    return start, end


def _moment(fields: dict[str, Any], column: str, *, row: int, errors: _Errors) -> datetime | None:
    value = fields.get(column)
    example = "such as 2026-10-01T08:00:00+07:00"
    if not isinstance(value, str) or not value.strip():
        errors.add(
            row, column, f"must be a date and time with its UTC offset, {example}", "not_a_time"
        )
        return None
    if not is_storable(value):
        errors.add(row, column, "contains a NUL character or a lone surrogate", "nul")
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        errors.add(
            row,
            column,
            f"{_short(value.strip())!r} is not a date and time {example}",
            "not_a_time",
        )
        return None
    if moment.tzinfo is None:
        errors.add(row, column, f"give the UTC offset, {example}", "no_offset")
        return None
    return moment


def _value(fields: dict[str, Any], *, row: int, errors: _Errors) -> Decimal | None:
    value = fields.get("value")
    if isinstance(value, bool) or value is None:
        errors.add(row, "value", "must be a number", "not_a_number")
        return None
    if isinstance(value, str):
        if not is_storable(value):
            errors.add(row, "value", "contains a NUL character or a lone surrogate", "nul")
            return None
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            errors.add(row, "value", f"{_short(value.strip())!r} is not a number", "not_a_number")
            return None
    elif isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        errors.add(row, "value", "must be a number", "not_a_number")
        return None
    if not number.is_finite():
        errors.add(row, "value", f"{number} is not a finite number", "not_finite")
        return None
    return number


def _unit_matches(unit: str, parameter: ParameterInfo) -> bool:
    spelled = unit.strip().lower()
    return UNIT_SPELLINGS.get(spelled, spelled) == parameter.unit.lower()


def _row(
    number: int,
    fields: dict[str, Any],
    *,
    period: tuple[date, date] | None,
    zone: ZoneInfo,
    errors: _Errors,
) -> ReportRow | None:
    """One measurement, or None after adding each of its errors."""
    before = len(errors.found)
    station = _text(fields, "station", row=number, errors=errors, max_chars=MAX_STATION_CHARS)
    parameter_code = _text(fields, "parameter", row=number, errors=errors, max_chars=32)
    parameter = None
    if parameter_code is not None:
        parameter = parameter_by_code(parameter_code)
        if parameter is None or parameter.code not in REPORTED_PARAMETERS:
            errors.add(
                number,
                "parameter",
                f"{_short(parameter_code)!r} is not reported here: use "
                + ", ".join(REPORTED_PARAMETERS),
                "parameter",
                parameters=", ".join(REPORTED_PARAMETERS),
            )
            parameter = None
    value = _value(fields, row=number, errors=errors)
    unit = _text(fields, "unit", row=number, errors=errors, max_chars=32)
    method = _text(fields, "method", row=number, errors=errors, max_chars=MAX_METHOD_CHARS)
    start = _moment(fields, "sample_start", row=number, errors=errors)
    end = _moment(fields, "sample_end", row=number, errors=errors)
    if parameter is not None:
        if unit is not None and not _unit_matches(unit, parameter):
            errors.add(
                number,
                "unit",
                f"{parameter.code} is reported in {parameter.unit}, not {unit!r}",
                "unit",
                parameter=parameter.code,
                unit=parameter.unit,
            )
        if value is not None and not parameter.minimum <= value <= parameter.maximum:
            errors.add(
                number,
                "value",
                f"{value} {parameter.unit} is outside the plausible range "
                f"{parameter.minimum}..{parameter.maximum} for {parameter.code}",
                "out_of_range",
                minimum=parameter.minimum,
                maximum=parameter.maximum,
                unit=parameter.unit,
            )
    if start is not None and end is not None:
        _check_sampling(number, start, end, period=period, zone=zone, errors=errors)
    if len(errors.found) > before:
        return None
    assert station
    assert parameter
    assert value is not None
    assert method
    assert start
    assert end
    return ReportRow(number, station, parameter, value, method, start, end)


def _check_sampling(
    number: int,
    start: datetime,
    end: datetime,
    *,
    period: tuple[date, date] | None,
    zone: ZoneInfo,
    errors: _Errors,
) -> None:
    """The sample ends after it starts and lies inside the reporting period (local days)."""
    try:
        local_start = start.astimezone(zone)
        local_end = end.astimezone(zone)
    except OverflowError:
        errors.add(
            number, "sample_start", "outside the range of times dustwatch stores", "not_a_time"
        )
        return
    if end <= start:
        errors.add(number, "sample_end", "the sample must end after it starts", "sample_reversed")
        return
    if period is None:
        return
    first, last = period
    period_end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    if local_start.date() < first or local_start >= period_end:
        errors.add(
            number,
            "sample_start",
            f"outside the reporting period {first} to {last}",
            "outside_period",
            start=first,
            end=last,
        )
    elif local_end > period_end:
        errors.add(
            number,
            "sample_end",
            f"after the end of the reporting period {last}",
            "outside_period",
            start=first,
            end=last,
        )
