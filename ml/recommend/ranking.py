"""What every recommender answers, and the one top-k rule they share.

A list of recommendations never holds two products of one near-duplicate group (the same
product in another colour or pack, see :func:`ml.recommend.featurize.duplicate_keys`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

NO_GROUP = np.iinfo(np.int32).min  # a query group that matches no item's group


@dataclass(frozen=True)
class Recommendation:
    """One recommended product, with a short human reason for showing it."""

    product_id: int
    score: float
    reason: str


def candidate_pool(k: int) -> int:
    """How many of the best scores to look at for ``k`` distinct ones: some are duplicates."""
    return 4 * k + 8


def top_distinct(
    scores: np.ndarray, groups: np.ndarray, query_groups: np.ndarray, k: int, pool: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best ``k`` of the top ``pool`` columns per row of ``scores``, keeping one column per
    group of ``groups`` and none from the row's own ``query_groups`` entry; ``-inf`` scores are
    never taken. Returns (columns, scores, how many valid ones the pool held), padded with
    -1 / 0."""
    n_items = scores.shape[1]
    if pool < n_items:
        candidates = np.argpartition(scores, n_items - pool, axis=1)[:, -pool:]
    else:
        candidates = np.tile(np.arange(n_items), (len(scores), 1))
    candidate_scores = np.take_along_axis(scores, candidates, axis=1)
    order = np.argsort(-candidate_scores, axis=1, kind="stable")
    candidates = np.take_along_axis(candidates, order, axis=1)
    candidate_scores = np.take_along_axis(candidate_scores, order, axis=1)
    candidate_groups = groups[candidates]
    valid = (
        np.isfinite(candidate_scores)
        & _first_occurrences(candidate_groups)
        & (candidate_groups != query_groups[:, None])
    )
    pick = np.argsort(~valid, axis=1, kind="stable")[:, :k]
    keep = np.take_along_axis(valid, pick, axis=1)
    rows = np.where(keep, np.take_along_axis(candidates, pick, axis=1), -1)
    best = np.where(keep, np.take_along_axis(candidate_scores, pick, axis=1), 0.0)
    if rows.shape[1] < k:  # fewer items than k
        rows = np.pad(rows, ((0, 0), (0, k - rows.shape[1])), constant_values=-1)
        best = np.pad(best, ((0, 0), (0, k - best.shape[1])))
    return rows.astype(np.int32), best.astype(np.float32), valid.sum(axis=1)


def top_rows(
    scores: np.ndarray, k: int, *, banned: Collection[int] = (), groups: np.ndarray | None = None
) -> list[int]:
    """Indices of the ``k`` best of one row of ``scores``, best first, without ``banned``
    indices and (given ``groups``) one index per group. The pool of candidates widens until
    ``k`` are found or every index was looked at."""
    scores = scores.astype(np.promote_types(scores.dtype, np.float32))[None, :]  # a copy
    scores[0, list(banned)] = -np.inf
    groups = np.arange(scores.shape[1]) if groups is None else groups
    pool = candidate_pool(k) + len(banned)
    while True:
        pool = min(pool, scores.shape[1])
        rows, _, found = top_distinct(scores, groups, np.array([NO_GROUP]), k, pool)
        if found[0] >= k or pool == scores.shape[1]:
            return [row for row in rows[0].tolist() if row >= 0]
        pool *= 4


def _first_occurrences(groups: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each value within every row of ``groups``."""
    order = np.argsort(groups, axis=1, kind="stable")
    ordered = np.take_along_axis(groups, order, axis=1)
    first_sorted = np.ones_like(ordered, dtype=bool)
    first_sorted[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.empty_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, axis=1)
    return first
