"""Reads of the monitoring dashboard: every number is counted from stored rows (the listings'
categorization records, shoppers' events), never kept on the side.

Correction rates and unsure shares come from ``ListingCategorization``; drift compares the
predicted category and colour mix of new listings with the serving model's training mix;
click-through divides the product-page views that came through a carousel or the feed
(``ProductEvent.source``) by the times it was shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from main.categorize import SURE_ENOUGH
from main.ml_fields import FIELD_OF_LEVEL
from main.models import Product
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.store import ArtifactMissing
from recommendations.models import FeedImpressions, ProductEvent
from seller_accounts.models import ListingCategorization
from serving.registry import store

from .drift import binned, psi

logger = logging.getLogger(__name__)

DAYS_SHOWN = 30  # the daily charts' window
DRIFT_WEEKS = 12  # the drift chart's window, in weeks (drift is judged per week, see below)
# PSI thresholds, the usual reading of the index: under 0.1 no meaningful shift, 0.1-0.25 a
# moderate one (a banner asks for a look), over 0.25 a different population (retrain or check).
PSI_WARN = 0.1
PSI_ALERT = 0.25
# A week with fewer new listings is drawn but never raises a banner: with ten bins the PSI of a
# sample drawn from the training mix itself is about 9 / n (chi-square over n), ~0.05 at 200.
DRIFT_MIN_LISTINGS = 200
# The levels whose mix is watched, by Django field (the training mix is keyed by ml's level).
DRIFT_FIELDS = ("article_type", "base_colour")
CONFIDENCE_BINS = 10  # the histogram's bins of width 0.1 over [0, 1]
ALERTS_CACHE_SECONDS = 300  # the banner's numbers are re-counted at most every 5 minutes
ALERTS_CACHE_KEY = "monitoring:alerts"


def _since(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


# ---- the categorizer: corrections, unsure suggestions, confidences


def correction_rates_by_day(*, days: int = DAYS_SHOWN) -> dict[str, dict[str, list[tuple[dt.date, float]]]]:
    """``{level: {model_version: [(day, rate)]}}``: per day and serving version, the share of
    listings where the seller changed the model's value, out of those where both were filled in
    (``ListingCategorization.judged``: a field left empty is no correction)."""
    rows = (
        ListingCategorization.objects.filter(created_at__gte=_since(days))
        .annotate(day=TruncDate("created_at"))
        .values("day", "model_version")
        .annotate(
            **{f"{level}_judged": Count("id", filter=ListingCategorization.judged(level))
               for level in ListingCategorization.LEVELS},
            **{f"{level}_changed": Count("id", filter=ListingCategorization.judged(level)
                                         & Q(**{f"{level}_corrected": True}))
               for level in ListingCategorization.LEVELS},
        )
        .order_by("day")
    )
    rates: dict[str, dict[str, list]] = {level: defaultdict(list) for level in ListingCategorization.LEVELS}
    for row in rows:
        for level in ListingCategorization.LEVELS:
            if row[f"{level}_judged"]:
                rate = row[f"{level}_changed"] / row[f"{level}_judged"]
                rates[level][row["model_version"]].append((row["day"], rate))
    return {level: dict(by_version) for level, by_version in rates.items()}


def unsure_share_by_day(*, days: int = DAYS_SHOWN) -> dict[str, list[tuple[dt.date, float]]]:
    """``{model_version: [(day, share)]}``: the share of suggestions below ``SURE_ENOUGH``
    (offered as a choice rather than filled in)."""
    rows = (
        ListingCategorization.objects.filter(created_at__gte=_since(days))
        .annotate(day=TruncDate("created_at"))
        .values("day", "model_version")
        .annotate(n=Count("id"), unsure=Count("id", filter=Q(confidence__lt=SURE_ENOUGH)))
        .order_by("day")
    )
    shares: dict[str, list] = defaultdict(list)
    for row in rows:
        shares[row["model_version"]].append((row["day"], row["unsure"] / row["n"]))
    return dict(shares)


def confidence_histogram(*, days: int = DAYS_SHOWN) -> list[tuple[float, float, int]]:
    """``[(low, high, count)]``: the suggestions' path confidences in :data:`CONFIDENCE_BINS` bins."""
    values = ListingCategorization.objects.filter(created_at__gte=_since(days)).values_list(
        "confidence", flat=True
    )
    edges = np.linspace(0.0, 1.0, CONFIDENCE_BINS + 1).round(6)  # 0.6, not 0.6000000000000001
    counts, _ = np.histogram(np.clip(np.fromiter(values, dtype=float), 0.0, 1.0), bins=edges)
    return [(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(CONFIDENCE_BINS)]


# ---- drift of new listings' predicted mix against training


def training_mix() -> tuple[dict[str, dict[str, float]], str]:
    """``({field: {label: share}}, where from)``: the serving categorizer's training label mix
    as saved with it (``ml.categorize.train.label_mix``), or, for a model saved without one,
    the imported catalog's mix (what it was trained on, give or take sellers' rows)."""
    try:
        saved = store().metadata(CATEGORIZER).get("training_mix")
    except ArtifactMissing:
        saved = None
    if saved:
        field_of = {level: FIELD_OF_LEVEL[level] for level in saved}
        return {field_of[level]: mix for level, mix in saved.items()}, "the serving model's training rows"
    catalog = Product.objects.filter(dataset_id__isnull=False)
    mix = {}
    for field in DRIFT_FIELDS:
        path = f"{field}__name" if field == "article_type" else field
        counts = catalog.exclude(**{path: ""}).values_list(path).annotate(n=Count("id"))
        mix[field] = {label: float(n) for label, n in counts}
    return mix, "the imported catalog (the model saved no training mix)"


@dataclass(frozen=True)
class DriftPoint:
    field: str
    week: dt.date  # the Monday the week starts
    listings: int
    psi: float


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def drift_by_week(*, weeks: int = DRIFT_WEEKS) -> list[DriftPoint]:
    """Per ISO week and watched level, the PSI of the new listings' predicted mix against
    :func:`training_mix` (weeks without listings are left out)."""
    expected, _ = training_mix()
    since = _week(timezone.localdate()) - dt.timedelta(weeks=weeks - 1)
    rows = ListingCategorization.objects.filter(created_at__date__gte=since).annotate(
        day=TruncDate("created_at")
    )
    points = []
    for field in DRIFT_FIELDS:
        if not expected.get(field):
            continue
        counts: dict[dt.date, dict[str, float]] = defaultdict(dict)
        for day, label, n in (rows.exclude(**{f"predicted_{field}": ""})
                              .values_list("day", f"predicted_{field}").annotate(n=Count("id"))):
            week = counts[_week(day)]
            week[label] = week.get(label, 0.0) + n
        for week, actual in sorted(counts.items()):
            reference, sample = binned(expected=expected[field], actual=actual)
            listings = int(sum(actual.values()))
            points.append(DriftPoint(field, week, listings, psi(expected=reference, actual=sample)))
    return points


# ---- carousels and feed


def click_through_by_day(*, days: int = DAYS_SHOWN) -> dict[str, list[tuple[dt.date, float]]]:
    """``{source: [(day, clicks / impressions)]}``. A product page view is an impression of its
    three carousels (every product page draws them, from the cached fragment); a view carrying
    a carousel's ``source`` is a click on it. The feed's impressions are its home-page renders
    (``FeedImpressions``)."""
    views = (
        ProductEvent.objects.filter(kind=ProductEvent.Kind.VIEW, created_at__gte=_since(days))
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "source")
        .annotate(n=Count("id"))
    )
    page_views: dict[dt.date, int] = defaultdict(int)
    clicks: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for day, source, n in views:
        page_views[day] += n
        if source:
            clicks[source][day] += n
    feed_shown = dict(
        FeedImpressions.objects.filter(day__gte=_since(days).date()).values_list("day", "count")
    )
    rates = {}
    for source in ProductEvent.Source.values:
        shown = feed_shown if source == ProductEvent.Source.FEED else page_views
        points = [(day, min(clicks[source].get(day, 0) / n, 1.0)) for day, n in sorted(shown.items()) if n]
        if points:
            rates[source] = points
    return rates


# ---- thresholds: the admin's banner


@dataclass(frozen=True)
class Alert:
    """A crossed threshold: ``kind`` "warn" or "alert", and what to tell the operator."""

    key: str
    kind: str
    message: str


def _drift_alerts(points: list[DriftPoint]) -> list[Alert]:
    """The latest judged week per level (enough listings) against the PSI thresholds."""
    latest: dict[str, DriftPoint] = {}
    for point in points:
        if point.listings >= DRIFT_MIN_LISTINGS:
            latest[point.field] = point
    alerts = []
    for field, point in latest.items():
        if point.psi < PSI_WARN:
            continue
        kind = "alert" if point.psi >= PSI_ALERT else "warn"
        limit = PSI_ALERT if kind == "alert" else PSI_WARN
        alerts.append(Alert(
            key=f"drift:{field}:{point.week.isoformat()}:{kind}",
            kind=kind,
            message=(f"New listings' predicted {field.replace('_', ' ')} mix has drifted from training: "
                     f"PSI {point.psi:.2f} ≥ {limit} in the week of {point.week:%d %b} "
                     f"({point.listings} listings)."),
        ))
    return alerts


def current_alerts() -> list[Alert]:
    """The thresholds crossed now, counted at most every :data:`ALERTS_CACHE_SECONDS`; each is
    logged as a warning once a day (a shared cache key per alert and day), not per request."""
    alerts = cache.get(ALERTS_CACHE_KEY)
    if alerts is None:
        alerts = _drift_alerts(drift_by_week())
        cache.set(ALERTS_CACHE_KEY, alerts, ALERTS_CACHE_SECONDS)
    today = timezone.localdate().isoformat()
    for alert in alerts:
        if cache.add(f"monitoring:logged:{alert.key}:{today}", True, timeout=24 * 3600):
            logger.warning("Monitoring %s: %s", alert.kind, alert.message)
    return alerts
