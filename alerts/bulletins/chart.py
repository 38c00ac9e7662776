"""The chart of a bulletin: the last 7 days' daily means per station of PM2.5 (and PM10 when
measured) with the Thai 24-hour standard, one PNG with Thai labels and one with English.

Rendered with matplotlib's Agg backend (no display) in a font with Thai glyphs: Debian's
fonts-thai-tlwg, found by family, or the file DUSTWATCH_BULLETINS__FONT_FILE names. Without
one the chart is refused, saying what to install, rather than drawn with empty boxes.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from core.bulletins.schemas import ChartFigure
from core.bulletins.text import english_day, parameter_name, thai_day, unit_name

THAI_FAMILIES = ("Loma", "Garuda", "Umpush", "Sawasdee", "Norasi", "Kinnari")
"""TLWG families (fonts-thai-tlwg), sans-serif first; each also has Latin glyphs."""
TLWG_FILES = tuple(
    Path("/usr/share/fonts/truetype/tlwg") / name for name in ("Loma.ttf", "Garuda.ttf")
)
"""Where Debian puts them: found even when matplotlib's font list predates their install."""
THAI_PROBE = "กขคงจ่้๊๋ัิีึืุู"
WIDTH_PX = 800
PANEL_HEIGHT_PX = 380
MARGIN_HEIGHT_PX = 100
DPI = 100
STANDARD_COLOUR = "#c0392b"
TITLE_POINTS = 16
LABEL_POINTS = 13


class ThaiFontMissing(RuntimeError):
    """No font with Thai glyphs: install fonts-thai-tlwg or name one."""


def _has_thai(path: Path) -> bool:
    font = FT2Font(str(path))
    return all(font.get_char_index(ord(c)) for c in THAI_PROBE)


@cache
def find_thai_font(font_file: Path | None = None) -> Path:
    """The font file to draw with: `font_file` if given, else the first TLWG family found."""
    if font_file is not None:
        if not font_file.is_file():
            raise ThaiFontMissing(f"DUSTWATCH_BULLETINS__FONT_FILE: no file {font_file}")
        if not _has_thai(font_file):
            raise ThaiFontMissing(f"DUSTWATCH_BULLETINS__FONT_FILE: {font_file} has no Thai")
        return font_file
    for family in THAI_FAMILIES:
        try:
            found = Path(
                font_manager.findfont(
                    font_manager.FontProperties(family=family), fallback_to_default=False
                )
            )
        except ValueError:
            continue
        if _has_thai(found):
            return found
    for path in TLWG_FILES:
        if path.is_file() and _has_thai(path):
            return path
    raise ThaiFontMissing(
        "no font with Thai glyphs for the bulletin charts: install Debian's fonts-thai-tlwg "
        "(apt-get install fonts-thai-tlwg) or set DUSTWATCH_BULLETINS__FONT_FILE"
    )


LABELS = {
    "th": {
        "title": "ค่าเฉลี่ยรายวัน {name} 7 วันล่าสุด — {area}",
        "standard": "มาตรฐาน 24 ชม. {limit:g} {unit}",
        "empty": "ไม่มีข้อมูล PM2.5 หรือ PM10 ใน 7 วันล่าสุด — {area}",
    },
    "en": {
        "title": "{name} daily means, last 7 days — {area}",
        "standard": "24-h standard {limit:g} {unit}",
        "empty": "No PM2.5 or PM10 data in the last 7 days — {area}",
    },
}


def chart_size(chart: ChartFigure) -> tuple[int, int]:
    """(width, height) in pixels of the PNG `render_chart` makes."""
    panels = max(1, len({s.parameter for s in chart.series}))
    return WIDTH_PX, panels * PANEL_HEIGHT_PX + MARGIN_HEIGHT_PX


def render_chart(
    chart: ChartFigure, *, area: str, language: str, font_file: Path | None = None
) -> bytes:
    """A PNG of `chart` with its labels in `language` ("th" or "en")."""
    # Large enough to read when a phone shows the 800-pixel image at 350 pixels.
    font = font_manager.FontProperties(fname=find_thai_font(font_file), size=TITLE_POINTS)
    small = font.copy()
    small.set_size(LABEL_POINTS)
    labels = LABELS[language]
    parameters = list(dict.fromkeys(s.parameter for s in chart.series))
    width, height = chart_size(chart)
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    day_labels = [
        thai_day(d, year=False) if language == "th" else english_day(d, year=False)
        for d in chart.days
    ]
    if not parameters:
        axes = figure.subplots()
        axes.set_axis_off()
        axes.text(
            0.5,
            0.5,
            labels["empty"].format(area=area),
            ha="center",
            va="center",
            fontproperties=font,
        )
    else:
        grid = figure.subplots(len(parameters), 1, squeeze=False)
        for axes, parameter in zip(grid[:, 0], parameters, strict=True):
            unit = unit_name("ug/m3")
            positions = list(range(len(chart.days)))
            for series in (s for s in chart.series if s.parameter == parameter):
                axes.plot(
                    positions,
                    [float("nan") if v is None else v for v in series.values],
                    marker="o",
                    label=series.station_name,
                )
            limit = chart.limits.get(parameter)
            if limit is not None:
                axes.axhline(
                    limit,
                    color=STANDARD_COLOUR,
                    linestyle="--",
                    label=labels["standard"].format(limit=limit, unit=unit),
                )
            shown = [v for s in chart.series if s.parameter == parameter for v in s.values]
            highest = max([v for v in shown if v is not None] + [limit or 0, 1])
            axes.set_ylim(0, highest * 1.1)
            axes.set_xticks(positions, day_labels, fontproperties=small)
            for tick in axes.get_yticklabels():
                tick.set_fontproperties(small)
            axes.set_ylabel(unit, fontproperties=font)
            axes.set_title(
                labels["title"].format(name=parameter_name(parameter), area=area),
                fontproperties=font,
            )
            axes.grid(axis="y", alpha=0.3)
            # Below the days, where it hides no point.
            axes.legend(
                prop=small,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12),
                ncols=2,
                frameon=False,
            )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
