"""The promotion gate: may a freshly trained version replace the serving one?

How each kind is gated (:data:`RULES`):

- ``categorizer``, ``photo`` (the photo model) — **paired test**. Both versions' answers on the
  same hold-out rows (the dataset ids both measured, saved per version by
  :func:`ml.categorize.train.train_categorizer` and :func:`ml.photo.train.train_photo_models`,
  :mod:`ml.holdout`) are compared level by level with McNemar's test (exact binomial when few
  rows disagree). The candidate is held back if, at any level, it is wrong on significantly more of those rows
  than the serving version (Bonferroni over the levels); equal within noise, or better, passes.
- ``similarity``, ``complete_the_look``, ``hybrid`` (the feed), ``search``, ``photo_index`` —
  **coverage**. They have no per-row accuracy to pair; their point is fresh data (new listings,
  new events). A candidate passes unless it was built from markedly fewer rows than the serving
  version (a truncated export), and, for the two built over another model (complete the look
  over a similarity index, the photo index over a photo model), unless that model is not the
  one serving.
- ``text_encoder`` — **by a person**. No paired measure is saved with it (the categorizer built
  over it is what is measured): the first version serves, later ones wait for ``models promote``.

Every kind's first version passes: there is nothing to compare it with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from statsmodels.stats.contingency_tables import mcnemar

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.embed.text import ARTIFACT_NAME as TEXT_ENCODER
from ml.holdout import CORRECT, HOLDOUT_IDS, HOLDOUT_OUTCOMES, UNLABELLED
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.recommend.complete_the_look import ARTIFACT_NAME as COMPLETE_THE_LOOK
from ml.recommend.train import HYBRID, SIMILARITY
from ml.search.train import ARTIFACT_NAME as SEARCH
from ml.store import ArtifactStore

PAIRED, COVERAGE, BY_A_PERSON = "paired test", "coverage", "by a person"
RULES = {
    CATEGORIZER: PAIRED,
    SIMILARITY: COVERAGE,
    COMPLETE_THE_LOOK: COVERAGE,
    HYBRID: COVERAGE,
    SEARCH: COVERAGE,
    PHOTO_INDEX: COVERAGE,
    PHOTO_MODEL: PAIRED,
    TEXT_ENCODER: BY_A_PERSON,
}
# What a version built over another model records as that model's version.
BUILT_OVER = {
    COMPLETE_THE_LOOK: ("similarity_version", SIMILARITY),
    PHOTO_INDEX: ("photo_model_version", PHOTO_MODEL),
}

# The family-wise false-alarm rate of the paired test: 1 good candidate in 20 held back by
# chance, split evenly over the levels tested (Bonferroni).
ALPHA = 0.05
# Below this many rows where the two versions disagree, McNemar's chi-square approximation is
# poor; the exact binomial test is used (statsmodels' own advice).
EXACT_BELOW = 25
# A rebuild from a tenth fewer rows than the serving version's is a broken export, not a shop
# that shrank overnight.
MAX_SHRINK = 0.10


Outcomes = tuple[np.ndarray, np.ndarray]  # (hold-out row ids, outcome per row and level)


@dataclass(frozen=True)
class Decision:
    passed: bool
    reason: str


def decide(*, kind: str, candidate: dict[str, Any], serving: dict[str, Any] | None,
           store: ArtifactStore, serving_versions: dict[str, str]) -> Decision:
    """Whether ``candidate`` (its store metadata) may replace ``serving`` (the serving
    version's metadata, None if the kind serves nothing yet)."""
    if serving is None:
        return Decision(True, "first version of its kind: nothing to compare it with")
    rule = RULES.get(kind, BY_A_PERSON)
    if rule == BY_A_PERSON:
        return Decision(False, f"{kind} has no paired measure: promote it by hand (`models promote`)")
    if kind in BUILT_OVER:
        field, upstream = BUILT_OVER[kind]
        if candidate.get(field) and candidate[field] != serving_versions.get(upstream):
            return Decision(False, f"built over {upstream} {candidate[field]}, which is not the one serving "
                                   f"({serving_versions.get(upstream)})")
    if rule == COVERAGE:
        return _coverage(candidate, serving)
    return paired(
        candidate=_outcomes(store, kind, candidate), serving=_outcomes(store, kind, serving),
        levels=candidate.get("holdout_levels") or serving.get("holdout_levels") or [],
    )


def _coverage(candidate: dict[str, Any], serving: dict[str, Any]) -> Decision:
    rows, served = candidate["training_rows"], serving["training_rows"]
    if rows < served * (1 - MAX_SHRINK):
        return Decision(False, f"built from {rows:,} rows, fewer than {1 - MAX_SHRINK:.0%} "
                               f"of the serving version's {served:,}")
    return Decision(True, f"coverage: {rows:,} rows (serving: {served:,})")


def _outcomes(store: ArtifactStore, kind: str, metadata: dict[str, Any]) -> Outcomes | None:
    ids = store.array(kind, metadata["version"], HOLDOUT_IDS)
    outcomes = store.array(kind, metadata["version"], HOLDOUT_OUTCOMES)
    return None if ids is None or outcomes is None else (ids, outcomes)


def paired(*, candidate: Outcomes | None, serving: Outcomes | None, levels: list[str]) -> Decision:
    """McNemar's test per level on the hold-out rows both versions answered.

    ``candidate``, ``serving``: ``(row ids, outcomes)``, outcomes one column per level of
    ``levels`` holding CORRECT, WRONG or UNLABELLED.
    """
    if candidate is None or serving is None:
        return Decision(False, "no per-row hold-out outcomes saved with both versions: promote by hand")
    shared, in_candidate, in_serving = np.intersect1d(candidate[0], serving[0], return_indices=True)
    if not len(shared):
        return Decision(False, "no hold-out rows in common (different catalogs): promote by hand")
    alpha = ALPHA / max(len(levels), 1)
    worse, lines = [], []
    for column, level in enumerate(levels):
        new, old = candidate[1][in_candidate, column], serving[1][in_serving, column]
        labelled = (new != UNLABELLED) & (old != UNLABELLED)
        new, old = new[labelled] == CORRECT, old[labelled] == CORRECT
        if not labelled.any():
            lines.append(f"{level}: on 0 rows labelled in both")
            continue
        lost, gained = int((old & ~new).sum()), int((new & ~old).sum())
        table = [[int((old & new).sum()), lost], [gained, int((~old & ~new).sum())]]
        result = mcnemar(table, exact=lost + gained < EXACT_BELOW)
        pvalue = float(result.pvalue) if lost + gained else 1.0
        lines.append(f"{level}: {old.mean():.4f} -> {new.mean():.4f} on {len(new):,} rows "
                     f"(-{lost}/+{gained}, p={pvalue:.3g})")
        if lost > gained and pvalue < alpha:
            worse.append(level)
    summary = "; ".join(lines)
    if worse:
        where = ", ".join(worse)
        return Decision(False, f"worse beyond noise at {where} (McNemar, p < {alpha:.3g}): {summary}")
    return Decision(True, f"not worse beyond noise (McNemar, alpha {alpha:.3g} per level): {summary}")
