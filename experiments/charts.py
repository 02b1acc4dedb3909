"""The results page's chart, drawn on the server as SVG: no script, no library, no CDN (the
Content-Security-Policy stays as it is), readable at any width (it scales by its viewBox)."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import DailyPoint

WIDTH, HEIGHT = 520, 260  # the drawing's own units; the page scales it (a phone: to about 0.7)
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56  # room for the rate axis, the dates and the legend
Y_TICKS = 4  # gridlines above zero
HEADROOM = 1.15  # the top gridline at least this far above the highest rate: no line along the edge
LEGEND_GAP = 140  # room for a variant's key in the legend row
NICE_STEPS = (1, 2, 2.5, 5, 10)  # gridline spacings a reader counts in (times a power of ten)
# Colour-blind-safe (Okabe-Ito), the control first in the same dark blue as everywhere.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def _nice_step(rough: float) -> float:
    """The smallest round spacing (1, 2, 2.5 or 5 times a power of ten) at least ``rough``."""
    rough = max(rough, 1e-6)
    power = 10 ** math.floor(math.log10(rough))
    return next(n * power for n in NICE_STEPS if n * power >= rough - 1e-12)


def daily_rates_svg(*, daily: list[DailyPoint], names: dict[int, str]) -> SafeString:
    """Each variant's cumulative conversion rate at the end of each day (``names``: variant id ->
    label, in the legend's order); an empty string without data."""
    rates = [r for point in daily for r in point.rates.values() if r is not None]
    if not rates:
        return mark_safe("")
    step = min(_nice_step(max(rates) * HEADROOM / Y_TICKS), 1 / Y_TICKS)  # never above 100%
    top = step * Y_TICKS
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(len(daily) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / span if len(daily) > 1 else plot_w / 2)

    def y(rate: float) -> float:
        return TOP + plot_h * (1 - rate / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="chart-title" data-test="daily-chart" font-size="13" '
        f'font-family="system-ui, sans-serif"><title id="chart-title">Conversion rate per variant, '
        f"cumulative, by day</title>"
    ]
    for tick in range(Y_TICKS + 1):
        rate = top * tick / Y_TICKS
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(rate):.1f}" y2="{y(rate):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(rate) + 4:.1f}" text-anchor="end" fill="#555">'
            f"{round(rate * 100, 2):g}%</text>"
        )
    for i in sorted({0, len(daily) - 1}):
        anchor = "middle" if len(daily) == 1 else ("start" if i == 0 else "end")
        parts.append(
            f'<text x="{x(i):.1f}" y="{TOP + plot_h + 18}" text-anchor="{anchor}" fill="#555">'
            f"{escape(daily[i].day.isoformat())}</text>"
        )
    for n, (variant_id, name) in enumerate(names.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [
            (x(i), y(p.rates[variant_id])) for i, p in enumerate(daily) if p.rates.get(variant_id) is not None
        ]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'data-variant="{escape(name)}"/>'
            )
            parts.extend(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>' for px, py in points
            )
        legend_x = LEFT + n * LEGEND_GAP
        parts.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 18}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 18}" y="{HEIGHT - 8}" fill="#222">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names and dates are escaped, the rest are numbers
