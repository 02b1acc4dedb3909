"""The personal feed: collaborative filtering + content profile + trending, blended.

* :class:`ImplicitCF` - implicit-feedback matrix factorisation (``implicit``'s ALS) on a
  user x item confidence matrix (view 1, cart 3, purchase 5 by default).  Shoppers are
  never looked up by key: their factor is always recomputed from the history they bring
  (the exact ALS least-squares step), so users unseen at training time, anonymous
  sessions and logged-in users are treated the same way.

  Why ALS and not BPR (a one-off comparison on the simulated validation shoppers of
  ``python -m ml.evaluate_recommendations``, seed 7): ALS (128 factors) reached HR@10 0.180 /
  NDCG@10 0.109; the best of three BPR settings 0.180 / 0.100, with its users folded in as
  the weighted mean of their items' factors.  Equal hit rate, so ALS wins on the rest: it
  has an exact fold-in for users it has never seen (BPR has none), and it is deterministic
  with several threads (BPR's parallel SGD is not).

* :class:`HybridRecommender` - for a history of ``(product_id, event)`` pairs (oldest
  first) it scores every product by three normalised signals:

  - ``cf``: the ALS score of the folded-in user;
  - ``content``: cosine between the product and the shopper's profile, the sum of the
    vectors of the products they touched, weighted by event type and recency;
  - ``popularity``: trending (recency-decayed) event counts.

  The weights depend smoothly on how much evidence the history carries (see
  :func:`blend_weights`): trending for an empty history, content for a short one, CF
  taking over as the history grows.  Bought products are never recommended, and the
  history's other products only with ``exclude_seen=False``.

* :func:`build_recommenders` trains and saves both the similarity index and the hybrid
  (the Django command ``manage.py train_models`` calls it); :func:`load_hybrid` and
  :func:`load_similarity_index` load them, raising ``ArtifactMissing`` when absent.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from threadpoolctl import ThreadpoolController, threadpool_limits

from ml import artifacts
from ml.artifacts import load_artifact, save_artifact
from ml.data import fingerprint
from ml.similarity import (
    ItemAttributes,
    ProductFeaturizer,
    Recommendation,
    SimilarityIndex,
    clean_catalog,
    load_similarity_index,
    save_similarity_index,
)

__all__ = [
    "EVENT_WEIGHTS",
    "BlendWeights",
    "HybridRecommender",
    "ImplicitCF",
    "blend_weights",
    "build_recommenders",
    "load_hybrid",
    "load_similarity_index",
]

# A wishlist save is intent short of a cart: weighted between a view and an add to cart.
EVENT_WEIGHTS = {"view": 1.0, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0}
History = Sequence[tuple[int, str]]


def history_weights(history: History, event_weights: Mapping[str, float]) -> dict[int, float]:
    """Summed event weight per product of a history; unknown event names count as views."""
    totals: dict[int, float] = {}
    for item, event in history:
        totals[int(item)] = totals.get(int(item), 0.0) + event_weights.get(event, event_weights["view"])
    return totals


def confidence_matrix(
    events: pd.DataFrame,
    row_of: Mapping[int, int],
    event_weights: Mapping[str, float],
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Users x items matrix of summed event weights (products not in ``row_of`` are dropped)."""
    known = events[events["item"].isin(list(row_of))]
    users, user_codes = np.unique(known["user"].astype(str).to_numpy(), return_inverse=True)
    items = known["item"].map(row_of).to_numpy()
    weights = known["event"].map(event_weights).fillna(event_weights["view"]).to_numpy(np.float32)
    matrix = sp.csr_matrix((weights, (user_codes, items)), shape=(len(users), len(row_of)), dtype=np.float32)
    matrix.sum_duplicates()
    return matrix, users


# --------------------------------------------------------------------------------------
# Collaborative filtering
# --------------------------------------------------------------------------------------


class ImplicitCF(BaseEstimator):
    """ALS matrix factorisation on implicit feedback, with fold-in for any history.

    Only the item factors are kept: a shopper's factor is solved from their history at
    query time (:meth:`user_vector`), exactly as ``implicit``'s ``recalculate_user`` does.
    """

    def __init__(
        self,
        factors: int = 128,
        regularization: float = 0.05,
        alpha: float = 10.0,
        iterations: int = 15,
        event_weights: Mapping[str, float] | None = None,
        random_state: int = 0,
        num_threads: int = 2,
    ):
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.event_weights = event_weights
        self.random_state = random_state
        self.num_threads = num_threads

    @property
    def weights_(self) -> dict[str, float]:
        return {**EVENT_WEIGHTS, **(self.event_weights or {})}

    def fit(self, events: pd.DataFrame, item_ids: Sequence[int]) -> ImplicitCF:
        from implicit.cpu.als import AlternatingLeastSquares  # heavy import, only when training

        self.item_ids_ = np.asarray(item_ids, dtype=np.int64)
        self._row_of = {int(i): row for row, i in enumerate(self.item_ids_)}
        matrix, users = confidence_matrix(events, self._row_of, self.weights_)
        with threadpool_limits(1, "blas"):  # implicit's own threads do the work
            model = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.random_state,
                num_threads=self.num_threads,
            )
            model.fit(matrix, show_progress=False)
        self.item_factors_ = np.ascontiguousarray(model.item_factors, dtype=np.float32)
        self.gram_ = (self.item_factors_.T @ self.item_factors_).astype(np.float64)
        self.item_support_ = np.asarray((matrix > 0).sum(axis=0)).ravel().astype(np.int32)
        self.n_users_ = len(users)
        return self

    def __setstate__(self, state):
        self.__dict__.update(state)
        if hasattr(self, "item_ids_"):
            self._row_of = {int(i): row for row, i in enumerate(self.item_ids_)}

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_row_of"}

    def user_vector(self, history: History) -> np.ndarray:
        """The ALS factor of a shopper with this history (zeros if nothing is known)."""
        weights = {
            self._row_of[i]: w
            for i, w in history_weights(history, self.weights_).items()
            if i in self._row_of
        }
        if not weights:
            return np.zeros(self.factors, dtype=np.float32)
        rows = np.fromiter(weights, dtype=np.int64)
        confidence = self.alpha * np.fromiter(weights.values(), dtype=np.float64)
        factors = self.item_factors_[rows].astype(np.float64)
        # Same normal equations as implicit: (YtY + Yt(C - I)Y + reg I) x = Yt C p
        a = self.gram_ + (factors.T * (confidence - 1)) @ factors + self.regularization * np.eye(self.factors)
        b = factors.T @ confidence
        return np.linalg.solve(a, b).astype(np.float32)

    def score_items(self, history: History) -> np.ndarray:
        """Predicted preference for every product in ``item_ids_``."""
        return self.item_factors_ @ self.user_vector(history)

    def evidence(self, history: History) -> float:
        """Summed event weight of history products that the model has factors for."""
        weights = history_weights(history, self.weights_)
        return float(
            sum(w for i, w in weights.items() if i in self._row_of and self.item_support_[self._row_of[i]])
        )

    def recommend(
        self, history: History, k: int = 10, exclude: Collection[int] = ()
    ) -> list[tuple[int, float]]:
        """Best ``k`` ``(product_id, score)`` pairs, without ``exclude`` and the history's purchases."""
        scores = self.score_items(history)
        banned = set(exclude) | {int(i) for i, event in history if event == "purchase"}
        return [
            (int(self.item_ids_[r]), float(scores[r])) for r in _top_rows(scores, k, banned, self._row_of)
        ]


# --------------------------------------------------------------------------------------
# Hybrid
# --------------------------------------------------------------------------------------


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

    Defaults: tuned on simulated validation shoppers (``ml.evaluate_recommendations``).
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
EVENT_VERBS = {"view": "viewed", "wishlist": "saved", "cart": "added to your cart", "purchase": "bought"}


class HybridRecommender:
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
        self.cf_template = cf or ImplicitCF()
        self.blend = blend or BlendWeights()
        self.recency_half_life = recency_half_life
        self.trending_half_life_days = trending_half_life_days
        self.min_cf_events = min_cf_events
        self.min_cf_users = min_cf_users
        self.event_weights = {**EVENT_WEIGHTS, **(event_weights or {})}

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
        events = _clean_events(events)
        self.ids = catalog["id"].to_numpy(np.int64)
        if item_matrix is None:
            featurizer = featurizer or ProductFeaturizer().fit(catalog)
            item_matrix = featurizer.transform(catalog)
        self.item_matrix = sp.csr_matrix(item_matrix, dtype=np.float32)
        attributes = ItemAttributes.from_catalog(catalog)
        self.article_types = catalog["articleType"].to_numpy(object)
        self.duplicate_group = attributes.duplicate_group
        self.popularity = self._trending(events)
        self.n_events = len(events)
        self.n_users = int(events["user"].nunique()) if len(events) else 0
        enough = self.n_events >= self.min_cf_events and self.n_users >= self.min_cf_users
        self.cf = clone(self.cf_template).fit(events, self.ids) if enough else None
        self._index_rows()
        return self

    def _trending(self, events: pd.DataFrame) -> np.ndarray:
        """log(1 + recency-decayed weighted event count) per product, scaled to [0, 1].

        A tiny term for newer products (larger id) breaks ties, e.g. before any event exists.
        """
        newness = np.argsort(np.argsort(self.ids)) / max(len(self.ids), 1)
        counts = np.zeros(len(self.ids))
        row_of = {int(i): r for r, i in enumerate(self.ids)}
        known = events[events["item"].isin(list(row_of))]
        if len(known):
            age_days = (known["timestamp"].max() - known["timestamp"]).dt.total_seconds() / 86400
            decay = 0.5 ** (age_days.to_numpy() / self.trending_half_life_days)
            weights = known["event"].map(self.event_weights).fillna(1.0).to_numpy() * decay
            np.add.at(counts, known["item"].map(row_of).to_numpy(), weights)
        trending = np.log1p(counts)
        trending = trending / trending.max() if trending.max() > 0 else trending
        return (trending + 1e-3 * newness).astype(np.float32)

    def _index_rows(self) -> None:
        self._row_of = {int(i): r for r, i in enumerate(self.ids)}

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_row_of"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._index_rows()

    # ---- scoring -------------------------------------------------------------------

    def signals(self, history: History) -> Signals:
        """Each signal for every product, min-max normalised to [0, 1]."""
        known = [(int(i), e) for i, e in history if int(i) in self._row_of]
        evidence = sum(history_weights(known, self.event_weights).values())
        if self.cf is not None and known:
            cf = _minmax(self.cf.score_items(known))
            cf_evidence = self.cf.evidence(known)
        else:
            cf, cf_evidence = np.zeros(len(self.ids), np.float32), 0.0
        bought = {self._row_of[i] for i, e in known if e == "purchase"}
        seen = {self._row_of[i] for i, _ in known}
        content = self._content_scores(known)
        return Signals(cf, content, self.popularity, evidence, cf_evidence, bought, seen)

    def _content_scores(self, known: History) -> np.ndarray:
        """Cosine between every product and the recency/event-weighted history profile."""
        if not known:
            return np.zeros(len(self.ids), np.float32)
        n = len(known)
        weights: dict[int, float] = {}
        for position, (item, event) in enumerate(known):
            recency = 0.5 ** ((n - 1 - position) / self.recency_half_life)
            row = self._row_of[item]
            weights[row] = weights.get(row, 0.0) + self.event_weights.get(event, 1.0) * recency
        rows = np.fromiter(weights, dtype=np.int64)
        profile = self.item_matrix[rows].T @ np.fromiter(weights.values(), dtype=np.float32)
        return _minmax(self.item_matrix @ profile)  # sparse matrix x dense vector: ~1 ms

    def blend_scores(self, signals: Signals, weights: Mapping[str, float] | None = None) -> np.ndarray:
        """Weighted sum of the signals; ``weights`` default to :func:`blend_weights`."""
        weights = weights or blend_weights(signals.evidence, signals.cf_evidence, self.blend)
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
            weights = weights or blend_weights(signals.evidence, signals.cf_evidence, self.blend)
            scores = self.blend_scores(signals, weights)
            banned = signals.seen_rows if exclude_seen else signals.bought_rows
            banned = banned | {self._row_of[int(i)] for i in exclude if int(i) in self._row_of}
            rows = _top_rows(scores, k, banned, groups=self.duplicate_group)
            reasons = self._reasons(rows, signals, weights, history)
        return [
            Recommendation(int(self.ids[r]), round(float(scores[r]), 4), reason)
            for r, reason in zip(rows, reasons, strict=True)
        ]

    def _reasons(self, rows: list[int], signals: Signals, weights: Mapping[str, float], history: History):
        """Why each product is shown: the signal that contributed most to its score; for
        content, the history product it is closest to ("like the jeans you viewed")."""
        known = [(int(i), e) for i, e in history if int(i) in self._row_of]
        history_rows = [self._row_of[i] for i, _ in known]
        closeness = (
            (self.item_matrix[rows] @ self.item_matrix[history_rows].T).toarray() if history_rows else None
        )
        reasons = []
        for position, row in enumerate(rows):
            contributions = {name: weights[name] * getattr(signals, name)[row] for name in REASONS}
            source = max(contributions, key=contributions.get)
            if source != "content" or closeness is None:
                reasons.append(REASONS[source])
                continue
            closest = int(np.argmax(closeness[position]))
            item_type = str(self.article_types[history_rows[closest]]).lower() or "products"
            reasons.append(f"like the {item_type} you {EVENT_VERBS.get(known[closest][1], 'viewed')}")
        return reasons

    # ---- persistence ---------------------------------------------------------------

    ARTIFACT_NAME = "hybrid"

    def save(
        self, *, catalog: pd.DataFrame, models_dir: Path | str | None = None, metrics: Mapping | None = None
    ) -> Path:
        folder = Path(models_dir) if models_dir is not None else artifacts.models_dir()
        extra = {"n_events": self.n_events, "n_users": self.n_users, "cf_trained": self.cf is not None}
        return save_artifact(
            self,
            name=self.ARTIFACT_NAME,
            data_fingerprint=fingerprint(clean_catalog(catalog)),
            metrics=dict(metrics or {}),
            extra=extra,
            directory=folder,
        )

    @classmethod
    def load(cls, *, models_dir: Path | str | None = None) -> HybridRecommender:
        folder = Path(models_dir) if models_dir is not None else artifacts.models_dir()
        model, metadata = load_artifact(cls.ARTIFACT_NAME, directory=folder)
        model.metadata = metadata
        return model


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread():
    """Run small linear algebra single-threaded: a web request's 128 x 128 solve is slower
    with BLAS threads spinning for cores that other workers are using (measured: 100 ms
    instead of 0.1 ms on a loaded 2-core machine)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def _clean_events(events: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["user", "item", "event", "timestamp"]
    if events is None or len(events) == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype="datetime64[ns, UTC]" if c == "timestamp" else object) for c in columns}
        )
    frame = events[columns].copy()
    frame["item"] = pd.to_numeric(frame["item"]).astype(np.int64)
    frame["user"] = frame["user"].astype(str)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.sort_values("timestamp", kind="stable")


def _minmax(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min()), float(scores.max())
    if high - low <= 1e-12:
        return np.zeros_like(scores, dtype=np.float32)
    return ((scores - low) / (high - low)).astype(np.float32)


def _top_rows(
    scores: np.ndarray,
    k: int,
    banned: Collection[int] = (),
    row_of: Mapping[int, int] | None = None,
    groups: np.ndarray | None = None,
) -> list[int]:
    """Rows of the ``k`` best scores, skipping banned rows (or banned ids, given ``row_of``)
    and, given ``groups``, all but the first row of each group."""
    banned_rows = {row_of[i] for i in banned if i in row_of} if row_of is not None else set(banned)
    pool = min(len(scores), 4 * k + len(banned_rows) + 8)
    while True:
        candidates = (
            np.argpartition(-scores, pool - 1)[:pool] if pool < len(scores) else np.arange(len(scores))
        )
        candidates = candidates[np.argsort(-scores[candidates], kind="stable")]
        chosen, seen = [], set()
        for row in candidates.tolist():
            if row in banned_rows or (groups is not None and groups[row] in seen):
                continue
            chosen.append(row)
            if groups is not None:
                seen.add(groups[row])
            if len(chosen) == k:
                return chosen
        if pool >= len(scores):
            return chosen
        pool = min(len(scores), pool * 4)


# --------------------------------------------------------------------------------------
# Entry points for the Django side
# --------------------------------------------------------------------------------------


def build_recommenders(
    *,
    catalog: pd.DataFrame,
    events: pd.DataFrame | None = None,
    models_dir: Path | str | None = None,
    hybrid: HybridRecommender | None = None,
) -> dict:
    """Build and save the similarity index and the hybrid feed; return a summary.

    Works with no events at all (the feed is then content + popularity/newness).
    """
    catalog = clean_catalog(catalog)
    events = _clean_events(events)
    index = SimilarityIndex.build(catalog)
    index_path = save_similarity_index(
        index, catalog=catalog, models_dir=models_dir, metrics={"build_seconds": index.build_seconds}
    )
    model = (hybrid or HybridRecommender()).fit(
        catalog, events, featurizer=index.featurizer, item_matrix=index.matrix
    )
    metrics = {
        "n_products": len(catalog),
        "n_events": model.n_events,
        "n_users": model.n_users,
        "cf_trained": model.cf is not None,
    }
    hybrid_path = model.save(catalog=catalog, models_dir=models_dir, metrics=metrics)
    return {
        "similarity_index": str(index_path),
        "hybrid": str(hybrid_path),
        "similarity_build_seconds": index.build_seconds,
        **metrics,
    }


def load_hybrid(*, models_dir: Path | str | None = None) -> HybridRecommender:
    """The deployed feed model; ``ArtifactMissing`` if nothing was trained yet."""
    return HybridRecommender.load(models_dir=models_dir)
