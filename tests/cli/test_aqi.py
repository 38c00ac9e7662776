"""`dustwatch aqi`: the calculator's figures in the shell, one red line on bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.shell import console

OMAK_1 = "46.3 27.4 59.8 129.2 130.6 215.4 143.2 93.7 101.8 49.3 80.2 123.3".split()


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    """Wide enough that no figure or band name is folded across lines."""
    width = console.width
    console.width = 200
    yield
    console.width = width


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["aqi", *args])
    return result.exit_code, result.output


def test_value_prints_the_index_and_both_band_names() -> None:
    code, out = run("value", "--scale", "th-pcd-2023", "--pollutant", "pm25", "41.2")
    assert code == 0, out
    assert "41.2 ug/m3 (rounded half-up to 0.1 ug/m3)" in out
    assert "│ 111 " in out
    assert "เริ่มมีผลกระทบต่อสุขภาพ" in out
    assert "Starting to affect health (orange, #ffa200)" in out


def test_value_of_a_us_scale_truncates() -> None:
    code, out = run("value", "--scale", "us-epa", "--pollutant", "pm25", "9.09")
    assert code == 0, out
    assert "9.0 ug/m3 (truncated to 0.1 ug/m3)" in out
    assert "│ 50 " in out


def test_the_open_thai_top_band_says_why_there_is_no_number() -> None:
    code, out = run("value", "--scale", "th-pcd-2023", "--pollutant", "pm10", "200")
    assert code == 0, out
    assert "มีผลกระทบต่อสุขภาพ" in out
    assert "no index method" in out


def test_nowcast_prints_the_published_example() -> None:
    code, out = run("nowcast", "--scale", "us-epa-2024", "--pollutant", "pm25", "--", *OMAK_1)
    assert code == 0, out
    assert "54.8 ug/m3 (truncated to 0.1 ug/m3)" in out
    assert "0.5000 from 12 hours" in out
    assert "│ 149 " in out
    assert "Unhealthy for Sensitive Groups" in out


def test_nowcast_with_missing_hours() -> None:
    code, out = run("nowcast", "--", "30", "28", "null", "25")
    assert code == 0, out
    assert "from 3 hours" in out
    code, out = run("nowcast", "--", "30", "null", "-", "25")
    assert code == 0, out
    assert "insufficient data" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["value", "nan"], "not a number"),
        (["value", "inf"], "not a number"),
        (["value", "--", "-4"], "negative"),
        (["value", "1e400"], "plausible"),
        (["value", "--scale", "xx", "1"], "unknown AQI scale"),
        (["value", "--pollutant", "benzene", "1"], "unknown pollutant"),
        (["nowcast", "--", *["1"] * 13], "at most 12"),
        (["nowcast", "--", "1", "ten"], "not a number"),
        (["nowcast", "--scale", "th-pcd", "--", "1", "1"], "US EPA method"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(args: list[str], said: str) -> None:
    code, out = run(*args)
    assert code == 2
    assert said in out
    assert out.strip().count("\n") == 0
    assert "Traceback" not in out
