"""The personal feed: collaborative filtering + content profile + trending, blended.

:class:`HybridRecommender` scores every product for a history of ``(product_id, event)``
pairs (oldest first) by three normalised signals:

- ``cf``: the ALS score of the folded-in user (:mod:`ml.recommend.cf`);
- ``content``: cosine between the product and the shopper's profile, the sum of the
  vectors of the products they touched, weighted by event type and recency;
- ``popularity``: trending (recency-decayed) event counts.

The weights depend smoothly on how much evidence the history carries (see
:func:`blend_weights`): trending for an empty history, content for a short one, CF
taking over as the history grows. Bought products are never recommended, and the
history's other products only with ``exclude_seen=False``.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from threadpoolctl import ThreadpoolController

from ml.catalog.cleaning import clean_catalog
from ml.catalog.schema import ARTICLE, ID
from ml.recommend.cf import ImplicitCF
from ml.recommend.events import EVENT_WEIGHTS, STARS, History, clean_events, history_weights, rating_event
from ml.recommend.featurize import ItemAttributes, ProductFeaturizer
from ml.recommend.ranking import Recommendation, top_rows


@dataclass(frozen=True)
class BlendWeights:
    """How the three signals are mixed as a function of the history's evidence.

    ``evidence`` is the summed event weight of the history (a view is 1, a purchase 5):

    * the personal share grows as ``e / (e + personal_half)``; the rest is popularity, so
      an empty history gets the trending feed;
    * within the personal share, CF takes ``e_cf / (e_cf + cf_half)`` (``e_cf``: evidence on
      products CF has seen), the content profile the rest;
    * the content part gives ``content_popularity`` of itself to popularity: the profile
      says what kind of product, popularity picks good ones among them (CF already knows).

    Defaults: tuned on simulated validation shoppers (``ml.evaluate.recommendations``).
    """

    personal_half: float = 0.5
    cf_half: float = 32.0
    content_popularity: float = 0.1


def blend_weights(evidence: float, cf_evidence: float, params: BlendWeights) -> dict[str, float]:
    """Weights of ``cf``, ``content`` and ``popularity`` (they sum to 1)."""
    personal = evidence / (evidence + params.personal_half) if evidence > 0 else 0.0
    cf_share = cf_evidence / (cf_evidence + params.cf_half) if cf_evidence > 0 else 0.0
    content_part = personal * (1.0 - cf_share)
    return {
        "cf": personal * cf_share,
        "content": content_part * (1.0 - params.content_popularity),
        "popularity": (1.0 - personal) + content_part * params.content_popularity,
    }


@dataclass
class Signals:
    """The normalised per-product scores of one history, before blending."""

    cf: np.ndarray
    content: np.ndarray
    popularity: np.ndarray
    evidence: float
    cf_evidence: float
    bought_rows: set[int] = field(default_factory=set)
    seen_rows: set[int] = field(default_factory=set)


REASONS = {
    "cf": "popular with shoppers like you",
    "content": "picked for your taste",
    "popularity": "trending now",
}
EVENT_VERBS = {
    "view": "viewed", "wishlist": "saved", "cart": "added to your cart", "purchase": "bought",
    **{rating_event(stars): "rated" for stars in STARS},
}


class HybridRecommender(BaseEstimator):
    """Personal feed: blended CF, content profile and trending scores (see module docstring)."""

    def __init__(
        self,
        *,
        cf: ImplicitCF | None = None,
        blend: BlendWeights | None = None,
        recency_half_life: float = 3.0,
        trending_half_life_days: float = 14.0,
        min_cf_events: int = 200,
        min_cf_users: int = 20,
        event_weights: Mapping[str, float] | None = None,
    ):
        self.cf = cf
        self.blend = blend
        self.recency_half_life = recency_half_life
        self.trending_half_life_days = trending_half_life_days
        self.min_cf_events = min_cf_events
        self.min_cf_users = min_cf_users
        self.event_weights = event_weights

    # ---- training ------------------------------------------------------------------

    def fit(
        self,
        catalog: pd.DataFrame,
        events: pd.DataFrame | None = None,
        *,
        featurizer: ProductFeaturizer | None = None,
        item_matrix: sp.csr_matrix | None = None,
    ) -> HybridRecommender:
        """Learn from the catalog and (possibly no) events.

        Pass the similarity index's ``featurizer`` and ``matrix`` to reuse them; otherwise a
        :class:`ProductFeaturizer` is fitted here.  CF is trained only with at least
        ``min_cf_events`` events from ``min_cf_users`` users; without it the feed still works
        on content and popularity.
        """
        catalog = clean_catalog(catalog)
        events = clean_events(events)
        self.event_weights_ = {**EVENT_WEIGHTS, **(self.event_weights or {})}
        self.blend_ = self.blend or BlendWeights()
        self.ids_ = catalog[ID].to_numpy(np.int64)
        if item_matrix is None:
            featurizer = featurizer or ProductFeaturizer().fit(catalog)
            item_matrix = featurizer.transform(catalog)
        self.item_matrix_ = sp.csr_matrix(item_matrix, dtype=np.float32)
        attributes = ItemAttributes.from_catalog(catalog)
        self.article_types_ = catalog[ARTICLE].to_numpy(object)
        self.duplicate_group_ = attributes.duplicate_group
        self.popularity_ = self._trending(events)
        self.n_events_ = len(events)
        self.n_users_ = int(events["user"].nunique()) if len(events) else 0
        enough = self.n_events_ >= self.min_cf_events and self.n_users_ >= self.min_cf_users
        self.cf_ = clone(self.cf or ImplicitCF()).fit(events, self.ids_) if enough else None
        self._index_rows()
        return self

    def _trending(self, events: pd.DataFrame) -> np.ndarray:
        """log(1 + recency-decayed weighted event count) per product, scaled to [0, 1].

        A tiny term for newer products (larger id) breaks ties, e.g. before any event exists.
        """
        newness = np.argsort(np.argsort(self.ids_)) / max(len(self.ids_), 1)
        counts = np.zeros(len(self.ids_))
        row_of = {int(i): r for r, i in enumerate(self.ids_)}
        known = events[events["item"].isin(list(row_of))]
        if len(known):
            age_days = (known["timestamp"].max() - known["timestamp"]).dt.total_seconds() / 86400
            decay = 0.5 ** (age_days.to_numpy() / self.trending_half_life_days)
            weights = known["event"].map(self.event_weights_).fillna(1.0).to_numpy() * decay
            np.add.at(counts, known["item"].map(row_of).to_numpy(), weights)
        trending = np.log1p(np.maximum(counts, 0.0))  # poor ratings can outweigh a product's events
        trending = trending / trending.max() if trending.max() > 0 else trending
        return (trending + 1e-3 * newness).astype(np.float32)

    def _index_rows(self) -> None:
        self._row_of = {int(i): r for r, i in enumerate(self.ids_)}

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_row_of"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._index_rows()

    # ---- scoring -------------------------------------------------------------------

    def signals(self, history: History) -> Signals:
        """Each signal for every product, min-max normalised to [0, 1]."""
        known = [(int(i), e) for i, e in history if int(i) in self._row_of]
        evidence = sum(w for w in history_weights(known, self.event_weights_).values() if w > 0)
        if self.cf_ is not None and known:
            cf = _minmax(self.cf_.score_items(known))
            cf_evidence = self.cf_.evidence(known)
        else:
            cf, cf_evidence = np.zeros(len(self.ids_), np.float32), 0.0
        bought = {self._row_of[i] for i, e in known if e == "purchase"}
        seen = {self._row_of[i] for i, _ in known}
        content = self._content_scores(known)
        return Signals(cf, content, self.popularity_, evidence, cf_evidence, bought, seen)

    def _content_scores(self, known: History) -> np.ndarray:
        """Cosine between every product and the recency/event-weighted history profile."""
        if not known:
            return np.zeros(len(self.ids_), np.float32)
        n = len(known)
        weights: dict[int, float] = {}
        for position, (item, event) in enumerate(known):
            recency = 0.5 ** ((n - 1 - position) / self.recency_half_life)
            row = self._row_of[item]
            weights[row] = weights.get(row, 0.0) + self.event_weights_.get(event, 1.0) * recency
        rows = np.fromiter(weights, dtype=np.int64)
        profile = self.item_matrix_[rows].T @ np.fromiter(weights.values(), dtype=np.float32)
        return _minmax(self.item_matrix_ @ profile)  # sparse matrix x dense vector: ~1 ms

    def blend_scores(self, signals: Signals, weights: Mapping[str, float] | None = None) -> np.ndarray:
        """Weighted sum of the signals; ``weights`` default to :func:`blend_weights`."""
        weights = weights or blend_weights(signals.evidence, signals.cf_evidence, self.blend_)
        return (
            weights["cf"] * signals.cf
            + weights["content"] * signals.content
            + weights["popularity"] * signals.popularity
        )

    def recommend(
        self,
        history: History = (),
        k: int = 20,
        exclude: Collection[int] = (),
        weights: Mapping[str, float] | None = None,
        exclude_seen: bool = True,
    ) -> list[Recommendation]:
        """The feed for a shopper with ``history`` (``(product_id, event)`` pairs, OLDEST FIRST:
        recency weighting counts from the end).

        Bought products and ``exclude`` are always left out, and so are the other history
        products unless ``exclude_seen=False`` (the feed shows new things; the history's own
        products would otherwise top it).  At most one product per near-duplicate group.
        ``weights`` overrides the blend (the evaluation uses it for single signals).
        """
        with _one_blas_thread():
            signals = self.signals(history)
            weights = weights or blend_weights(signals.evidence, signals.cf_evidence, self.blend_)
            scores = self.blend_scores(signals, weights)
            banned = signals.seen_rows if exclude_seen else signals.bought_rows
            banned = banned | {self._row_of[int(i)] for i in exclude if int(i) in self._row_of}
            rows = top_rows(scores, k, banned=banned, groups=self.duplicate_group_)
            reasons = self._reasons(rows, signals, weights, history)
        return [
            Recommendation(int(self.ids_[r]), round(float(scores[r]), 4), reason)
            for r, reason in zip(rows, reasons, strict=True)
        ]

    def _reasons(self, rows: list[int], signals: Signals, weights: Mapping[str, float], history: History):
        """Why each product is shown: the signal that contributed most to its score; for
        content, the history product it is closest to ("like the jeans you viewed")."""
        known = [(int(i), e) for i, e in history if int(i) in self._row_of]
        history_rows = [self._row_of[i] for i, _ in known]
        closeness = (
            (self.item_matrix_[rows] @ self.item_matrix_[history_rows].T).toarray() if history_rows else None
        )
        reasons = []
        for position, row in enumerate(rows):
            contributions = {name: weights[name] * getattr(signals, name)[row] for name in REASONS}
            source = max(contributions, key=contributions.get)
            if source != "content" or closeness is None:
                reasons.append(REASONS[source])
                continue
            closest = int(np.argmax(closeness[position]))
            item_type = str(self.article_types_[history_rows[closest]]).lower() or "products"
            reasons.append(f"like the {item_type} you {EVENT_VERBS.get(known[closest][1], 'viewed')}")
        return reasons


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread():
    """Run small linear algebra single-threaded: a web request's 128 x 128 solve is slower
    with BLAS threads spinning for cores that other workers are using (measured: 100 ms
    instead of 0.1 ms on a loaded 2-core machine)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def _minmax(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min()), float(scores.max())
    if high - low <= 1e-12:
        return np.zeros_like(scores, dtype=np.float32)
    return ((scores - low) / (high - low)).astype(np.float32)
