"""Charts as PNG images, drawn with matplotlib's Agg backend (no display, no network), in a
font with every Vietnamese glyph (DejaVu Sans, shipped with matplotlib); at the page's width, or
at a phone's, where the page's width shrunk to the screen would leave letters of 5 px.

Each figure is its own object, not pyplot's shared state, so that the web server's threads
may draw at once; a chart already drawn is drawn once (every view and format of a draft
shows the same charts)."""

from __future__ import annotations

import io
import textwrap
from functools import lru_cache

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from baochi.reports.paper import Chart

COLOURS = ("#1f5fa8", "#c0392b", "#7f8c8d", "#27ae60", "#e67e22", "#8e44ad")
TONE_COLOURS = {"Tiêu cực": "#c0392b", "Trung tính": "#7f8c8d", "Tích cực": "#27ae60"}
SIZE = (7.0, 3.2)  # inches: a column of a page or of A4
PHONE = (3.4, 3.4)  # drawn at about the width a phone shows it, so its letters stay readable
DPI = 110
LETTERS = 8  # points, of the ticks and the legend (the title's are 10)
CHARACTERS_PER_INCH = 12  # of a title, beyond which it takes another line
DATES_PER_INCH = 1.5  # labelled along a time axis: 10 across a page, 5 on a phone
DRAWN = 64  # charts kept drawn


def png(chart: Chart, size: tuple[float, float] = SIZE) -> bytes:
    """The chart as PNG bytes, `size` inches wide and high."""
    series = tuple((name, tuple(values)) for name, values in chart.series.items())
    return _png(chart.kind, chart.title, tuple(chart.labels), series, size)


@lru_cache(maxsize=DRAWN)
def _png(
    kind: str,
    title: str,
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    size: tuple[float, float],
) -> bytes:
    chart = Chart(kind, title, list(labels), {name: list(values) for name, values in series})
    figure = Figure(figsize=size, dpi=DPI)
    axes = figure.subplots()
    _draw(axes, chart, inches=size[0])
    # over the figure, not the axes, which long labels on their left push to the right
    figure.suptitle(textwrap.fill(chart.title, int(size[0] * CHARACTERS_PER_INCH)), fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=LETTERS)
    if len(chart.series) > 1:  # in a row above the bars, never over them
        axes.legend(
            fontsize=LETTERS,
            frameon=False,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(chart.series),
        )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _draw(axes: Axes, chart: Chart, inches: float) -> None:
    labels, series = chart.labels, list(chart.series.items())
    positions = range(len(labels))
    step = max(1, len(labels) // round(inches * DATES_PER_INCH))
    if chart.kind == "line":
        for i, (name, values) in enumerate(series):
            colour = TONE_COLOURS.get(name, COLOURS[i % len(COLOURS)])
            axes.plot(labels, values, marker="o", markersize=3, label=name, color=colour)
        axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    elif chart.kind == "stacked":
        bottom = [0.0] * len(labels)
        for i, (name, values) in enumerate(series):
            colour = TONE_COLOURS.get(name, COLOURS[i % len(COLOURS)])
            axes.bar(labels, values, bottom=bottom, label=name, color=colour)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    elif chart.kind == "barh":  # a long name in two lines rather than a thin bar
        name, values = series[0]
        names = [textwrap.fill(label, int(inches * CHARACTERS_PER_INCH / 2)) for label in labels]
        axes.barh(names[::-1], values[::-1], color=COLOURS[0], label=name)
    else:
        width = 0.8 / max(len(series), 1)
        for i, (name, values) in enumerate(series):
            shifted = [p + (i - (len(series) - 1) / 2) * width for p in positions]
            axes.bar(shifted, values, width=width, label=name, color=COLOURS[i % len(COLOURS)])
        axes.set_xticks(list(positions), labels)
