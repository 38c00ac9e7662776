"""A facility's compliance days as CSV, one row per monitor, parameter and local day."""

from __future__ import annotations

import csv
import io

from core.compliance.schemas import FacilityCompliancePublic

CSV_COLUMNS = (
    "station",
    "parameter",
    "day",
    "mean",
    "hours_with_data",
    "valid",
    "standard_id",
    "limit",
    "unit",
    "exceeded",
)
BOM = "\ufeff"
"""Excel reads a CSV file as UTF-8 (and so shows Thai names) only when it starts with one."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compliance_csv(report: FacilityCompliancePublic) -> bytes:
    """The days of the report's period, as the JSON answer has them: UTF-8 with a BOM; an
    empty cell where the JSON has null."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for station in report.stations:
        for parameter in station.parameters:
            for day in parameter.days:
                writer.writerow(
                    [
                        station.code,
                        parameter.parameter,
                        day.day.isoformat(),
                        _cell(day.mean),
                        day.hours_with_data,
                        _cell(day.valid),
                        _cell(day.standard_id),
                        _cell(day.limit),
                        day.unit,
                        _cell(day.exceeded),
                    ]
                )
    return out.getvalue().encode("utf-8")


def csv_filename(report: FacilityCompliancePublic) -> str:
    """ASCII only, so every browser keeps it: `compliance-facility-3-2026-10-23-2026-11-21.csv`."""
    period = report.period
    return f"compliance-facility-{report.facility.id}-{period.start}-{period.end}.csv"
