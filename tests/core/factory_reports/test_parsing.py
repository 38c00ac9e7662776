"""A report file is read as a whole: every problem of every row is found at once, with the
row a spreadsheet shows and the column at fault; nothing is guessed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.factory_reports.parsing import CSV_COLUMNS, RowError, parse_report
from core.kit.time import BANGKOK

EXAMPLES = Path(__file__).parents[3] / "examples"
HEADER = ",".join(CSV_COLUMNS)
GOOD_ROW = (
    "2026-10-01,2026-10-31,sck-fence-n,pm10,85.2,ug/m3,Hi-vol,"
    "2026-10-05T08:00:00+07:00,2026-10-06T08:00:00+07:00"
)


def csv_with(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def errors_of(data: bytes) -> list[RowError]:
    return parse_report(data, zone=BANGKOK).errors


def test_the_example_csv_and_json_read_the_same() -> None:
    from_csv = parse_report((EXAMPLES / "factory-report.csv").read_bytes(), zone=BANGKOK)
    from_json = parse_report((EXAMPLES / "factory-report.json").read_bytes(), zone=BANGKOK)
    assert from_csv.errors == []
    assert from_json.errors == []
    assert (from_csv.period_start, from_csv.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (from_json.period_start, from_json.period_end) == (
        from_csv.period_start,
        from_csv.period_end,
    )
    assert [(r.station, r.parameter.code, r.value) for r in from_csv.rows] == [
        (r.station, r.parameter.code, r.value) for r in from_json.rows
    ]
    assert [r.row for r in from_csv.rows] == [2, 3, 4, 5]
    assert [r.row for r in from_json.rows] == [1, 2, 3, 4]
    assert from_csv.media_type == "text/csv"
    assert from_json.media_type == "application/json"


def test_excel_byte_order_mark_and_column_order_do_not_matter() -> None:
    columns = list(CSV_COLUMNS)
    values = GOOD_ROW.split(",")
    order = list(reversed(range(len(columns))))
    data = "\ufeff" + ",".join(columns[i].upper() for i in order) + "\r\n"
    data += ",".join(values[i] for i in order) + "\r\n"
    report = parse_report(data.encode(), zone=BANGKOK)
    assert report.errors == []
    assert report.rows[0].station == "sck-fence-n"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (GOOD_ROW.replace("85.2", "8x5"), "value", "is not a number"),
        (GOOD_ROW.replace("85.2", "NaN"), "value", "not a finite number"),
        (GOOD_ROW.replace("85.2", "-3"), "value", "plausible range"),
        (GOOD_ROW.replace("ug/m3", "mg/m3"), "unit", "reported in ug/m3"),
        (GOOD_ROW.replace(",pm10,", ",o3,"), "parameter", "is not reported here"),
        (GOOD_ROW.replace("Hi-vol", ""), "method", "missing"),
        (
            GOOD_ROW.replace("2026-10-05T08:00:00+07:00", "99999-01-01T00:00:00+07:00"),
            "sample_start",
            "is not a date and time",
        ),
        (
            GOOD_ROW.replace("2026-10-05T08:00:00+07:00", "2026-10-05T08:00:00"),
            "sample_start",
            "give the UTC offset",
        ),
        (
            GOOD_ROW.replace("2026-10-06T08:00:00+07:00", "2026-10-04T08:00:00+07:00"),
            "sample_end",
            "must end after it starts",
        ),
        (
            GOOD_ROW.replace("2026-10-05T08", "2026-09-05T08"),
            "sample_start",
            "outside the reporting",
        ),
    ],
)
def test_a_bad_field_is_named_by_row_and_column(row: str, column: str, words: str) -> None:
    report = parse_report(csv_with(GOOD_ROW, row), zone=BANGKOK)
    [error] = report.errors
    assert (error.row, error.column) == (3, column)
    assert words in error.message
    assert [r.row for r in report.rows] == [2]


def test_a_period_date_that_overflows_is_a_row_error() -> None:
    [error] = errors_of(csv_with(GOOD_ROW.replace("2026-10-31", "99999-01-01", 1)))
    assert (error.row, error.column) == (2, "period_end")


def test_every_row_must_name_the_same_period() -> None:
    [error] = errors_of(csv_with(GOOD_ROW, GOOD_ROW.replace("2026-10-31", "2026-11-30", 1)))
    assert (error.row, error.column) == (3, "period_start")


def test_nul_bytes_are_an_error_of_their_row() -> None:
    [error] = errors_of(csv_with(GOOD_ROW, GOOD_ROW.replace("Hi-vol", "Hi\x00vol")))
    assert error.row == 3
    assert "NUL" in error.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n \n", "empty"),
        (HEADER.encode(), "no measurement rows"),
        (b"\xff\xfe1,2", "not UTF-8"),
        (b"station,value\nx,1", "wrong columns (missing period_start"),
        ((HEADER + ",colour\n").encode(), "unknown 'colour'"),
        (b'{"period_start": "2026-10-01"', "not JSON"),
        (b'{"period_start": "2026-10-01", "period_end": "2026-10-31"}', "wrong fields"),
        (
            b'{"period_start": "2026-10-01", "period_end": "2026-10-31", "measurements": []}',
            "at least one",
        ),
    ],
)
def test_a_file_that_is_not_a_report_says_why(data: bytes, words: str) -> None:
    errors = errors_of(data)
    assert errors
    assert words in errors[0].message


def test_a_row_with_too_many_fields_is_refused() -> None:
    [error] = errors_of(csv_with(GOOD_ROW + ",extra"))
    assert error.row == 2
    assert "10 fields" in error.message


def test_json_nan_infinity_strings_and_unknown_fields_are_row_errors() -> None:
    good = json.loads((EXAMPLES / "factory-report.json").read_text())
    measurements = good["measurements"]
    text = json.dumps(
        good
        | {
            "measurements": [
                measurements[0] | {"value": float("nan")},
                measurements[1] | {"value": "high"},
                measurements[2] | {"colour": "grey"},
                measurements[3] | {"method": "Method\u00005"},
            ]
        }
    )
    errors = errors_of(text.encode())
    assert [(e.row, e.column) for e in errors] == [
        (1, "value"),
        (2, "value"),
        (3, "colour"),
        (4, "method"),
    ]
