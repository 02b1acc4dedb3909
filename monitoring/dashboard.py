"""The dashboard's charts: each selector's rows turned into a chart with its thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from main.categorize import SURE_ENOUGH
from recommendations.models import ProductEvent
from seller_accounts.models import ListingCategorization

from . import selectors
from .charts import Bar, Series, Threshold, bar_chart, colours_for, line_chart


@dataclass(frozen=True)
class Section:
    title: str
    note: str
    charts: list[SafeString]


def _label(field: str) -> str:
    return field.replace("_", " ")


def sections() -> list[Section]:
    corrections = selectors.correction_rates_by_day()
    unsure = selectors.unsure_share_by_day()
    colour = colours_for(sorted(unsure))  # every version with a listing in the window
    correction_charts = [
        line_chart(
            title=f"{_label(level).capitalize()}: correction rate",
            test_id=f"chart-corrections-{level}",
            series=[Series(version, points, colour[version])
                    for version, points in sorted(corrections[level].items())],
        )
        for level in ListingCategorization.LEVELS
    ]
    histogram = selectors.confidence_histogram()
    drift = selectors.drift_by_week()
    _, reference = selectors.training_mix()
    clicks = selectors.click_through_by_day()
    names = dict(ProductEvent.Source.choices)
    return [
        Section(
            "Corrections by sellers",
            "Per day and serving version: listings where the seller changed the suggested value, "
            "out of those where both the suggestion and the seller's value were filled in "
            "(a field left empty is not a correction).",
            correction_charts,
        ),
        Section(
            "Confidence",
            f"Suggestions below {SURE_ENOUGH:.0%} confidence are offered as a choice rather than filled in.",
            [
                line_chart(
                    title="Share of unsure suggestions", test_id="chart-unsure",
                    series=[Series(version, points, colour[version])
                            for version, points in sorted(unsure.items())],
                ),
                bar_chart(
                    title=f"Confidence of suggestions, last {selectors.DAYS_SHOWN} days",
                    test_id="chart-confidence",
                    bars=[Bar(f"{low:.1f}–{high:.1f}", count, highlight=high <= SURE_ENOUGH)
                          for low, high, count in histogram],
                    highlight_label=f"unsure (< {SURE_ENOUGH})",
                ),
            ],
        ),
        Section(
            "Drift of new listings",
            f"Population stability index per week of the predicted mix against {reference}; "
            f"a banner warns at {selectors.PSI_WARN} and alerts at {selectors.PSI_ALERT} "
            f"(weeks of at least {selectors.DRIFT_MIN_LISTINGS} listings).",
            [
                line_chart(
                    title=f"{_label(field).capitalize()} mix: PSI against training",
                    test_id=f"chart-drift-{field}", percent=False,
                    series=[Series("PSI by week", [(p.week, p.psi) for p in drift if p.field == field])],
                    thresholds=[Threshold("warn", selectors.PSI_WARN, "warn"),
                                Threshold("alert", selectors.PSI_ALERT, "alert")],
                )
                for field in selectors.DRIFT_FIELDS
            ],
        ),
        Section(
            "Carousels and feed",
            "Click-through per day: product pages opened from a carousel (or the feed) per product "
            "page view (per home page showing the feed).",
            [
                line_chart(
                    title="Click-through", test_id="chart-click-through",
                    series=[Series(names[source], points) for source, points in clicks.items()],
                    y_max=max([v for points in clicks.values() for _, v in points] + [0.01]) * 1.2,
                )
            ],
        ),
    ]
