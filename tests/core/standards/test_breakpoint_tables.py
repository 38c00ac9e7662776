"""Every band edge of the published AQI tables, written out here from the publications (not
read from standards.json, so a wrong data file fails), and each scale's reduction rule just
beyond every edge.

Sources of the tables:
- PCD Thailand AQI B.E. 2566 (from 2023-06-01), as Air4Thai's aqi_info page publishes it:
  AQI 0-25 / 26-50 / 51-100 / 101-200 / 201+ for PM2.5 (24 h, ug/m3) 0-15.0 / 15.1-25.0 /
  25.1-37.5 / 37.6-75.0 / 75.1+; PM10 (24 h, ug/m3) 0-50 / 51-80 / 81-120 / 121-180 / 181+;
  O3 (8 h, ppb) 0-35 / 36-50 / 51-70 / 71-120 / 121+; CO (8 h, ppm) 0-4.4 / 4.5-6.4 /
  6.5-9.0 / 9.1-30.0 / 30.1+; NO2 (1 h, ppb) 0-60 / 61-106 / 107-170 / 171-340 / 341+;
  SO2 (1 h, ppb) 0-100 / 101-200 / 201-300 / 301-400 / 401+.
- PCD AQI of 2018 (to 2023-05-31): PM2.5 0-25 / 26-37 / 38-50 / 51-90 / 91+ ug/m3; PM10
  as in 2023.
- US EPA, PM NAAQS final rule of 2024-02-07 (89 FR 16202), AQI table from 2024-05-06:
  PM2.5 (ug/m3, 24 h) 0.0-9.0 -> 0-50, 9.1-35.4 -> 51-100, 35.5-55.4 -> 101-150,
  55.5-125.4 -> 151-200, 125.5-225.4 -> 201-300, 225.5-325.4 -> 301-500; PM10 (ug/m3, 24 h)
  0-54, 55-154, 155-254, 255-354, 355-424, 425-604 with the same indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from core.standards.aqi import compute_aqi, reduction_rule
from core.standards.catalogue import AqiScale, aqi_scale, aqi_scale_in_force

THAI_INDICES = [(0, 25), (26, 50), (51, 100), (101, 200), (201, None)]
THAI_COLOURS = ["blue", "green", "yellow", "orange", "red"]
THAI_NAMES = [
    ("คุณภาพอากาศดีมาก", "Very good"),
    ("คุณภาพอากาศดี", "Good"),
    ("ปานกลาง", "Moderate"),
    ("เริ่มมีผลกระทบต่อสุขภาพ", "Starting to affect health"),
    ("มีผลกระทบต่อสุขภาพ", "Affecting health"),
]
US_INDICES = [(0, 50), (51, 100), (101, 150), (151, 200), (201, 300), (301, 500)]
US_COLOURS = ["green", "yellow", "orange", "red", "purple", "maroon"]


@dataclass(frozen=True)
class Table:
    scale: str
    parameter: str
    step: str
    truncates: bool
    concentrations: list[tuple[str, str | None]]
    indices: list[tuple[int, int | None]]
    colours: list[str]

    @property
    def id(self) -> str:
        return f"{self.scale}-{self.parameter}"


def thai(scale: str, parameter: str, step: str, *edges: tuple[str, str | None]) -> Table:
    return Table(scale, parameter, step, False, list(edges), THAI_INDICES, THAI_COLOURS)


def us(parameter: str, step: str, *edges: tuple[str, str]) -> Table:
    return Table("us-epa-2024", parameter, step, True, list(edges), US_INDICES, US_COLOURS)


TABLES = [
    thai(
        "th-pcd-2023",
        "pm25",
        "0.1",
        ("0", "15.0"),
        ("15.1", "25.0"),
        ("25.1", "37.5"),
        ("37.6", "75.0"),
        ("75.1", None),
    ),
    thai(
        "th-pcd-2023",
        "pm10",
        "1",
        ("0", "50"),
        ("51", "80"),
        ("81", "120"),
        ("121", "180"),
        ("181", None),
    ),
    thai(
        "th-pcd-2023",
        "o3",
        "1",
        ("0", "35"),
        ("36", "50"),
        ("51", "70"),
        ("71", "120"),
        ("121", None),
    ),
    thai(
        "th-pcd-2023",
        "co",
        "0.1",
        ("0", "4.4"),
        ("4.5", "6.4"),
        ("6.5", "9.0"),
        ("9.1", "30.0"),
        ("30.1", None),
    ),
    thai(
        "th-pcd-2023",
        "no2",
        "1",
        ("0", "60"),
        ("61", "106"),
        ("107", "170"),
        ("171", "340"),
        ("341", None),
    ),
    thai(
        "th-pcd-2023",
        "so2",
        "1",
        ("0", "100"),
        ("101", "200"),
        ("201", "300"),
        ("301", "400"),
        ("401", None),
    ),
    thai(
        "th-pcd-2018",
        "pm25",
        "1",
        ("0", "25"),
        ("26", "37"),
        ("38", "50"),
        ("51", "90"),
        ("91", None),
    ),
    thai(
        "th-pcd-2018",
        "pm10",
        "1",
        ("0", "50"),
        ("51", "80"),
        ("81", "120"),
        ("121", "180"),
        ("181", None),
    ),
    us(
        "pm25",
        "0.1",
        ("0.0", "9.0"),
        ("9.1", "35.4"),
        ("35.5", "55.4"),
        ("55.5", "125.4"),
        ("125.5", "225.4"),
        ("225.5", "325.4"),
    ),
    us(
        "pm10",
        "1",
        ("0", "54"),
        ("55", "154"),
        ("155", "254"),
        ("255", "354"),
        ("355", "424"),
        ("425", "604"),
    ),
]


def scale_of(table: Table) -> AqiScale:
    scale = aqi_scale(table.scale, table.parameter)
    assert scale is not None, f"{table.scale} has no {table.parameter} scale"
    return scale


def edge_cases(table: Table) -> list[tuple[str, int | None, str]]:
    """(concentration, index, colour) at every published edge, and just beyond each upper
    edge by the scale's reduction rule."""
    step = Decimal(table.step)
    cases: list[tuple[str, int | None, str]] = []
    bands = list(zip(table.concentrations, table.indices, table.colours, strict=True))
    for k, ((c_lo, c_hi), (i_lo, i_hi), colour) in enumerate(bands):
        cases.append((c_lo, None if c_hi is None else i_lo, colour))
        if c_hi is None or i_hi is None:
            continue
        cases.append((c_hi, i_hi, colour))
        if table.truncates:
            # Anything short of the next breakpoint truncates back to this band's top.
            cases.append((str(Decimal(c_hi) + step * Decimal("0.9")), i_hi, colour))
            cases.append((str(Decimal(c_hi) + step * Decimal("0.99")), i_hi, colour))
        else:
            # Half a step up rounds half-up into the next band; just under it does not.
            cases.append((str(Decimal(c_hi) + step * Decimal("0.4")), i_hi, colour))
            if k + 1 < len(bands):
                (next_lo, next_hi), (next_i, _), next_colour = bands[k + 1]
                index = None if next_hi is None else next_i
                cases.append((str(Decimal(c_hi) + step * Decimal("0.5")), index, next_colour))
    return cases


CASES = [
    pytest.param(table, c, index, colour, id=f"{table.id}-{c}")
    for table in TABLES
    for c, index, colour in edge_cases(table)
]


@pytest.mark.parametrize(("table", "concentration", "index", "colour"), CASES)
def test_every_band_edge(table: Table, concentration: str, index: int | None, colour: str) -> None:
    result = compute_aqi(scale_of(table), Decimal(concentration))
    assert (result.index, result.band.color) == (index, colour)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.id)
def test_the_data_file_has_exactly_the_published_table(table: Table) -> None:
    scale = scale_of(table)
    published = [
        (Decimal(c_lo), None if c_hi is None else Decimal(c_hi), i_lo, i_hi, colour)
        for (c_lo, c_hi), (i_lo, i_hi), colour in zip(
            table.concentrations, table.indices, table.colours, strict=True
        )
    ]
    assert [(b.c_lo, b.c_hi, b.i_lo, b.i_hi, b.color) for b in scale.bands] == published
    assert scale.precision == Decimal(table.step)
    assert scale.truncates is table.truncates


@pytest.mark.parametrize(
    "table", [t for t in TABLES if t.scale.startswith("th-")], ids=lambda t: t.id
)
def test_thai_bands_have_the_published_thai_and_english_names(table: Table) -> None:
    bands = scale_of(table).bands
    assert [(b.label_th, b.label_en) for b in bands] == THAI_NAMES
    assert all(b.advice_th and b.advice_en for b in bands)


@pytest.mark.parametrize(
    ("concentration", "reduced", "index"),
    [
        ("9.09", "9.0", 50),  # truncated, never rounded up into Moderate
        ("9.1", "9.1", 51),
        ("35.49", "35.4", 100),
        ("0.09", "0.0", 0),
    ],
)
def test_us_truncates(concentration: str, reduced: str, index: int) -> None:
    scale = aqi_scale("us-epa-2024", "pm25")
    assert scale is not None
    result = compute_aqi(scale, Decimal(concentration))
    assert (result.concentration, result.index) == (Decimal(reduced), index)
    assert reduction_rule(scale) == "truncated to 0.1 ug/m3"


@pytest.mark.parametrize(
    ("concentration", "reduced", "index"),
    [
        ("15.04", "15.0", 25),
        ("15.05", "15.1", 26),  # half-up, not half-even (15.05 -> 15.0 would stay blue)
        ("25.05", "25.1", 51),
        ("0.04", "0.0", 0),
    ],
)
def test_thai_rounds_half_up(concentration: str, reduced: str, index: int) -> None:
    scale = aqi_scale("th-pcd-2023", "pm25")
    assert scale is not None
    result = compute_aqi(scale, Decimal(concentration))
    assert (result.concentration, result.index) == (Decimal(reduced), index)
    assert reduction_rule(scale) == "rounded half-up to 0.1 ug/m3"


@pytest.mark.parametrize(
    ("parameter", "concentration", "index"),
    [
        # MazamaScience/AirMonitor tests/testthat/test-nowcast_to_aqi.R @f48ddd7 (2024 table)
        ("pm25", "5.0", 28),
        ("pm25", "15.0", 62),
        ("pm25", "40.0", 112),
        ("pm25", "80.0", 168),
        ("pm25", "200.0", 275),
        ("pm25", "400.0", 649),  # "upper range extrapolates above 500 (no cap)"
        ("pm25", "1000.0", 1844),
        ("pm25", "9.04", 50),
        ("pm25", "9.11", 51),
        # bellrichm/weewx-aqi-xtype bin/user/tests/test_epaaqi.py (AirNow AQI calculator)
        ("pm25", "23.0", 77),
        ("pm25", "100.0", 182),
        ("pm25", "300.0", 449),
        ("pm25", "600.0", 1047),
        ("pm10", "25.0", 23),
        ("pm10", "100.0", 73),
        ("pm10", "200.0", 123),
        ("pm10", "300.0", 173),
        ("pm10", "400.0", 266),
        ("pm10", "475.0", 357),
        ("pm10", "550.0", 440),
        ("pm10", "700.0", 607),
        # asymworks/pyairnow tests/test_14_conversions.py (2024 table, 2024 guidance above 500)
        ("pm25", "27.9", 86),
        ("pm25", "53.0", 144),
        ("pm25", "325.4", 500),
        ("pm25", "325.9", 501),
    ],
)
def test_published_us_aqi_values(parameter: str, concentration: str, index: int) -> None:
    scale = aqi_scale("us-epa-2024", parameter)
    assert scale is not None
    assert compute_aqi(scale, Decimal(concentration)).index == index


def test_above_the_us_2024_top_the_index_continues_with_a_note() -> None:
    scale = aqi_scale("us-epa-2024", "pm25")
    assert scale is not None
    result = compute_aqi(scale, Decimal("400"))
    assert (result.index, result.band.color) == (649, "maroon")
    assert result.note is not None
    assert "325.4" in result.note


def test_above_the_us_2012_top_there_is_no_index() -> None:
    """The 2012 table ends at 500.4 ug/m3 = AQI 500; beyond is 'Beyond the AQI'."""
    scale = aqi_scale("us-epa-2012", "pm25")
    assert scale is not None
    assert compute_aqi(scale, Decimal("500.4")).index == 500
    beyond = compute_aqi(scale, Decimal("500.5"))
    assert (beyond.index, beyond.band.color) == (None, "maroon")
    assert beyond.note is not None
    assert "500.4" in beyond.note


@pytest.mark.parametrize(("parameter", "c"), [("pm25", "75.1"), ("pm10", "181"), ("pm25", "900")])
def test_the_thai_top_band_has_a_band_but_no_index(parameter: str, c: str) -> None:
    scale = aqi_scale("th-pcd-2023", parameter)
    assert scale is not None
    result = compute_aqi(scale, Decimal(c))
    assert (result.index, result.band.label_en) == (None, "Affecting health")
    assert result.note is not None
    assert "no index method" in result.note


def test_the_1999_us_scale_truncates_as_its_formula_says() -> None:
    """Its precision reads '0.1 ug/m3' without the word; the formula says C is truncated."""
    scale = aqi_scale("us-epa-1999", "pm25")
    assert scale is not None
    assert scale.truncates
    assert compute_aqi(scale, Decimal("15.49")).index == 50


@pytest.mark.parametrize(
    ("family", "day", "version"),
    [
        ("th-pcd", date(2023, 5, 31), "th-pcd-2018"),
        ("th-pcd", date(2023, 6, 1), "th-pcd-2023"),
        ("us-epa", date(2024, 5, 5), "us-epa-2012"),
        ("us-epa", date(2024, 5, 6), "us-epa-2024"),
    ],
)
def test_a_family_resolves_to_the_version_in_force(family: str, day: date, version: str) -> None:
    scale = aqi_scale_in_force(family, "pm25", on=day)
    assert scale is not None
    assert scale.id == version


def test_a_family_alone_means_its_newest_version() -> None:
    assert [aqi_scale(f, "pm25") for f in ("th-pcd", "us-epa")] == [
        aqi_scale("th-pcd-2023", "pm25"),
        aqi_scale("us-epa-2024", "pm25"),
    ]
