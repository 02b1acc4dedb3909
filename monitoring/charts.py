"""Server-rendered SVG charts: a line chart over days and a bar chart, nothing else.

No JavaScript and no CDN: the admin page embeds the SVG as drawn here. Colours are SVG
presentation attributes (not ``style``), which the Content-Security-Policy leaves alone. Every
point is a ``<circle>`` carrying its ``data-x`` / ``data-value`` and a ``<title>`` tooltip, so a
reader (or a test) can see which stored numbers a chart was drawn from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220  # the viewBox; the SVG scales to its container's width
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34  # room for the axis labels
FONT = 13  # px in the viewBox: still legible when a phone scales the chart to half its width
GRID_LINES = 4  # horizontal lines between 0 and the top of the y axis
# Colour-blind-safe (Okabe-Ito) colours, one per series in order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
THRESHOLD_COLOURS = {"warn": "#E69F00", "alert": "#D55E00"}


@dataclass(frozen=True)
class Series:
    """One line: a label for the legend and its (day, value) points; ``colour`` keeps one
    series (a model version) the same colour on every chart (default: the next in PALETTE)."""

    label: str
    points: Sequence[tuple[dt.date, float]]
    colour: str = ""


@dataclass(frozen=True)
class Threshold:
    """A dashed horizontal line (``kind`` "warn" or "alert")."""

    label: str
    value: float
    kind: str = "warn"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False  # drawn in the second colour (e.g. the unsure bins)


def colours_for(labels: Sequence[str]) -> dict[str, str]:
    """A colour per label, in order: the same label is drawn alike on every chart."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


@dataclass
class _Frame:
    """Maps data onto the plot area."""

    x_min: float
    x_max: float
    y_max: float
    lines: list[str] = field(default_factory=list)

    def x(self, value: float) -> float:
        span = self.x_max - self.x_min
        return LEFT + (WIDTH - LEFT - RIGHT) * ((value - self.x_min) / span if span else 0.5)

    def y(self, value: float) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (min(value, self.y_max) / self.y_max)


def _format(value: float, percent: bool) -> str:
    return f"{value:.0%}" if percent else f"{value:.2f}"


def _svg(title: str, test_id: str, body: list[str], legend: list[tuple[str, str]]) -> SafeString:
    keys = "".join(
        f'<span class="chart-key"><svg width="10" height="10" aria-hidden="true"><rect width="10" '
        f'height="10" fill="{colour}"/></svg> {escape(label)}</span> '
        for label, colour in legend
    )
    return mark_safe(  # noqa: S308 - every value from data is escaped where it is interpolated
        f'<figure class="chart" data-test="{escape(test_id)}"><figcaption>{escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
        f'<div class="chart-legend">{keys}</div></figure>'
    )


def _empty(title: str, test_id: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped
        f'<figure class="chart" data-test="{escape(test_id)}"><figcaption>{escape(title)}</figcaption>'
        '<p class="chart-empty">No stored events in this period yet.</p></figure>'
    )


def _y_axis(frame: _Frame, percent: bool) -> list[str]:
    body = []
    for step in range(GRID_LINES + 1):
        value = frame.y_max * step / GRID_LINES
        y = frame.y(value)
        body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="{FONT}" text-anchor="end" '
                    f'fill="#555">{_format(value, percent)}</text>')
    return body


def line_chart(*, title: str, test_id: str, series: Sequence[Series], percent: bool = True,
               y_max: float | None = None, thresholds: Sequence[Threshold] = ()) -> SafeString:
    """Lines over days; ``percent`` labels values in [0, 1] as percentages."""
    series = [s for s in series if s.points]
    if not series:
        return _empty(title, test_id)
    days = [day.toordinal() for s in series for day, _ in s.points]
    top = max([value for s in series for _, value in s.points] + [t.value for t in thresholds])
    frame = _Frame(min(days), max(days), y_max or (1.0 if percent else max(top * 1.1, 1e-9)))
    body = _y_axis(frame, percent)
    first, last = dt.date.fromordinal(frame.x_min), dt.date.fromordinal(frame.x_max)
    for day, anchor in ((first, "start"), (last, "end")) if first != last else ((first, "middle"),):
        body.append(f'<text x="{frame.x(day.toordinal()):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="{FONT}" '
                    f'text-anchor="{anchor}" fill="#555">{day:%d %b}</text>')
    for threshold in thresholds:
        y = frame.y(threshold.value)
        colour = THRESHOLD_COLOURS[threshold.kind]
        body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                    f'stroke-dasharray="6 4" data-threshold="{threshold.value}"/>')
        body.append(f'<text x="{WIDTH - RIGHT}" y="{y - 3:.1f}" font-size="{FONT}" text-anchor="end" '
                    f'fill="{colour}">{escape(threshold.label)}</text>')
    legend = []
    for index, line in enumerate(series):
        colour = line.colour or PALETTE[index % len(PALETTE)]
        legend.append((line.label, colour))
        points = sorted(line.points)
        coordinates = " ".join(f"{frame.x(d.toordinal()):.1f},{frame.y(v):.1f}" for d, v in points)
        body.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2" '
                    f'data-series="{escape(line.label)}"/>')
        for day, value in points:
            body.append(
                f'<circle cx="{frame.x(day.toordinal()):.1f}" cy="{frame.y(value):.1f}" r="3" '
                f'fill="{colour}" '
                f'data-series="{escape(line.label)}" data-x="{day.isoformat()}" data-value="{value:.4f}">'
                f'<title>{escape(line.label)}, {day:%d %b}: {_format(value, percent)}</title></circle>'
            )
    return _svg(title, test_id, body, legend)


def bar_chart(*, title: str, test_id: str, bars: Sequence[Bar], highlight_label: str = "") -> SafeString:
    """Vertical bars (a histogram's bins), labelled under each bar with its label."""
    if not bars or not any(bar.value for bar in bars):
        return _empty(title, test_id)
    frame = _Frame(0, len(bars), max(bar.value for bar in bars) * 1.1)
    body: list[str] = []
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    for index, bar in enumerate(bars):
        colour = PALETTE[1] if bar.highlight else PALETTE[0]
        x, y = LEFT + index * slot, frame.y(bar.value)
        body.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" height="{HEIGHT - BOTTOM - y:.1f}" '
            f'fill="{colour}" data-x="{escape(bar.label)}" data-value="{bar.value:g}">'
            f'<title>{escape(bar.label)}: {bar.value:g}</title></rect>'
        )
        body.append(f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="{FONT}" '
                    f'text-anchor="middle" fill="#555">{escape(bar.label)}</text>')
        body.append(f'<text x="{x + slot / 2:.1f}" y="{y - 3:.1f}" font-size="{FONT}" text-anchor="middle" '
                    f'fill="#333">{bar.value:g}</text>')
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
                f'stroke="#999"/>')
    legend = [("bins", PALETTE[0])] + ([(highlight_label, PALETTE[1])] if highlight_label else [])
    return _svg(title, test_id, body, legend)
