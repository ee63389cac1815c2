"""Charts as PNG images, drawn with matplotlib's Agg backend (no display, no network), in a
font with every Vietnamese glyph (DejaVu Sans, shipped with matplotlib).

Each figure is its own object, not pyplot's shared state, so that the web server's threads
may draw at once; a chart already drawn is drawn once (every view and format of a draft
shows the same charts)."""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from baochi.reports.paper import Chart

COLOURS = ("#1f5fa8", "#c0392b", "#7f8c8d", "#27ae60", "#e67e22", "#8e44ad")
TONE_COLOURS = {"Tiêu cực": "#c0392b", "Trung tính": "#7f8c8d", "Tích cực": "#27ae60"}
SIZE = (7.0, 3.2)
DPI = 110
DRAWN = 64  # charts kept drawn


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes."""
    series = tuple((name, tuple(values)) for name, values in chart.series.items())
    return _png(chart.kind, chart.title, tuple(chart.labels), series)


@lru_cache(maxsize=DRAWN)
def _png(
    kind: str,
    title: str,
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
) -> bytes:
    chart = Chart(kind, title, list(labels), {name: list(values) for name, values in series})
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.subplots()
    _draw(axes, chart)
    axes.set_title(chart.title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    if len(chart.series) > 1:
        axes.legend(fontsize=8, frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _draw(axes: Axes, chart: Chart) -> None:
    labels, series = chart.labels, list(chart.series.items())
    positions = range(len(labels))
    if chart.kind == "line":
        for i, (name, values) in enumerate(series):
            colour = TONE_COLOURS.get(name, COLOURS[i % len(COLOURS)])
            axes.plot(labels, values, marker="o", markersize=3, label=name, color=colour)
        step = max(1, len(labels) // 10)
        axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    elif chart.kind == "stacked":
        bottom = [0.0] * len(labels)
        for i, (name, values) in enumerate(series):
            colour = TONE_COLOURS.get(name, COLOURS[i % len(COLOURS)])
            axes.bar(labels, values, bottom=bottom, label=name, color=colour)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, len(labels) // 10)
        axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    elif chart.kind == "barh":
        name, values = series[0]
        axes.barh(labels[::-1], values[::-1], color=COLOURS[0], label=name)
    else:
        width = 0.8 / max(len(series), 1)
        for i, (name, values) in enumerate(series):
            shifted = [p + (i - (len(series) - 1) / 2) * width for p in positions]
            axes.bar(shifted, values, width=width, label=name, color=COLOURS[i % len(COLOURS)])
        axes.set_xticks(list(positions), labels)
