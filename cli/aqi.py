"""`dustwatch aqi value | nowcast`: the AQI calculator of `GET /aqi` and
`POST /aqi/nowcast` in the shell, with the same figures (no database needed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from cli.shell import console, fail
from core.kit.errors import InvalidInput
from core.standards import service
from core.standards.schemas import AqiBandPublic

aqi_app = typer.Typer(help="Air-quality index of a concentration, or NowCast of hourly means.")

ScaleOption = Annotated[
    str, typer.Option(help="Scale version (th-pcd-2023) or family (th-pcd: its newest).")
]
PollutantOption = Annotated[str, typer.Option(help="pm25, pm10, o3, co, no2 or so2.")]
MISSING = frozenset({"null", "none", "-", "na", ""})


def _band_rows(table: Table, band: AqiBandPublic | None) -> None:
    if band is None:
        return
    table.add_row("Band (ไทย)", band.label_th or "–")
    table.add_row("Band (English)", f"{band.label_en} ({band.color}, {band.color_hex})")
    table.add_row("คำแนะนำ", band.advice_th or "–")
    table.add_row("Advice", band.advice_en or "–")


def _table(title: str) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    return table


@aqi_app.command("value")
def value(
    concentration: Annotated[str, typer.Argument(help="In the scale's unit, e.g. 41.2.")],
    scale: ScaleOption = "th-pcd",
    pollutant: PollutantOption = "pm25",
) -> None:
    """The index and band of one concentration."""
    try:
        result = service.calculate_aqi(scale, pollutant, service.parse_concentration(concentration))
    except InvalidInput as error:
        raise fail(str(error)) from None
    table = _table(f"AQI {result.scale} {result.pollutant}")
    table.add_row("Concentration", f"{result.concentration} {result.unit} ({result.reduction})")
    table.add_row("AQI", "–" if result.index is None else str(result.index))
    _band_rows(table, result.band)
    if result.note:
        table.add_row("Note", result.note)
    console.print(table)


@aqi_app.command("nowcast")
def nowcast(
    hours: Annotated[
        list[str],
        typer.Argument(help="Up to 12 hourly means, newest first; null (or -) for a missing hour."),
    ],
    scale: ScaleOption = "us-epa",
    pollutant: PollutantOption = "pm25",
) -> None:
    """The US EPA NowCast of hourly means (after `--`), and its index and band."""
    values: list[Decimal | None] = []
    try:
        for text in hours:
            values.append(
                None if text.strip().lower() in MISSING else service.parse_concentration(text)
            )
        result = service.calculate_nowcast(scale, pollutant, values)
    except InvalidInput as error:
        raise fail(str(error)) from None
    table = _table(f"NowCast {result.scale} {result.pollutant}")
    if result.nowcast is None:
        table.add_row("NowCast", "–")
    else:
        table.add_row("NowCast", f"{result.nowcast} {result.unit} ({result.reduction})")
        table.add_row("Weight", f"{result.weight:.4f} from {result.hours_used} hours")
    table.add_row("AQI", "–" if result.index is None else str(result.index))
    _band_rows(table, result.band)
    if result.note:
        table.add_row("Note", result.note)
    console.print(table)
