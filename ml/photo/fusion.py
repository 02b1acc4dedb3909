"""Categorize from the name, the photo, or both, with the cascade's own answers.

:class:`NamePhotoCategorizer` returns the same :class:`~ml.categorize.cascade.CategoryPrediction`
objects as :meth:`CategoryCascade.predict` (valid taxonomy paths, top-3 per level). It is a
product of experts: the cascade's distribution over (gender, master, sub, article) paths times
the photo's path probabilities ``P(gender)^a * P(article type)^b`` (its article type fixes the
master and the subcategory), renormalised over the valid paths; colour and usage likewise
multiply the name's and the photo's distributions. With no name, the cascade contributes only
its prior over the valid paths (so a photo alone still answers a valid path); with no photo,
the answer is the cascade's own.

The exponents weigh the photo against the name. They were chosen on an inner split of the
train split, with a cascade and a photo model that had not seen it (``python -m
ml.evaluate.photo --tune``), by log-loss, which keeps the confidences calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ml.catalog.schema import ARTICLE, COLOUR, FLAT_LEVELS, GENDER, PATH_LEVELS, USAGE
from ml.categorize.explain import Explanation

# The path levels the photo judges (its article type fixes the master and the subcategory);
# it also judges every flat level.
# The reason of a suggestion the photo decided (NamePhotoCategorizer.explain).
PHOTO_REASON = Explanation("photo", "the photo")
PHOTO_PATH_LEVELS = (GENDER, ARTICLE)
FUSED_LEVELS = (*PHOTO_PATH_LEVELS, *FLAT_LEVELS)
# Photo exponents per level, tuned by log-loss on the inner split (3,537 products; cascade and
# photo model fitted without it; `python -m ml.evaluate.photo --tune`). Inner-split accuracy
# at the chosen weight vs none: articleType 98.11% vs 98.02% (1.0: 97.74%), gender 99.60 vs
# 99.58, baseColour 91.49 vs 90.50, usage 95.02 vs 94.85. A weight below 1 says the photo's
# probabilities are overconfident next to the name's.
# With the pixels' colour fused into the photo's baseColour (issue 23), its weight was checked
# again by log-loss on a random half of the holdout (cascade fitted on train minus inner):
# 0.25 / 0.5 / 0.75 / 1.0 -> 0.360 / 0.354 / 0.371 / 0.405, so 0.5 stays; name + photo colour
# on the whole holdout 92.45% (network colour) -> 92.75% (network x pixels).
DEFAULT_WEIGHTS = {GENDER: 0.25, ARTICLE: 0.25, COLOUR: 0.5, USAGE: 0.25}
# With no name the photo speaks alone: its probabilities as they are (its own calibration).
PHOTO_ALONE_WEIGHTS = dict.fromkeys(FUSED_LEVELS, 1.0)
# A photo probability is never below this: a class the photo model never saw (or all but
# rules out) is not vetoed by the photo alone.
PHOTO_FLOOR = 1e-4
# The cascade scores only its top subcategories' paths: every other path has probability 0
# from the name, which no photo could overturn. This share of the name's mass is spread over
# all paths, so a clear photo can still win against a name that says little ("new arrival").
NAME_FLOOR = 1e-4
# Where each path level the photo judges sits in CategoryCascade.paths_ (a PATH_LEVELS row).
_PATH_COLUMN = {level: PATH_LEVELS.index(level) for level in PHOTO_PATH_LEVELS}


@dataclass
class NamePhotoCategorizer:
    """``predict(names, images)``: one prediction per row from its name ("" = none) and its
    photo (None = none); at least one of the two per row. ``images`` entries are whatever
    :func:`ml.photo.images.load_photo` reads (bytes, a path, a file, a prepared array)."""

    cascade: object
    photo_model: object
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @property
    def model_version(self) -> str:
        return f"{self.cascade.model_version}+{self.photo_model.model_version}"

    def distributions(
        self,
        names: Sequence[str],
        images: Sequence,
        descriptions: Sequence[str] | None = None,
        photo_levels: dict | None = None,
    ):
        """The combined ``(paths, flat)`` distributions (as :meth:`CategoryCascade.distributions`)."""
        names, images = _check(names, images)
        paths, flat = self.cascade.distributions(names, descriptions)
        rows = [i for i, image in enumerate(images) if image is not None]
        if not rows:
            return paths, flat
        if photo_levels is None:
            photo_levels = self.photo_model.level_probabilities([images[i] for i in rows])
        named = np.array([bool(names[i].strip()) for i in rows])
        for subset, weights in ((named, self.weights), (~named, PHOTO_ALONE_WEIGHTS)):
            if subset.any():
                levels = {level: (labels, p[subset]) for level, (labels, p) in photo_levels.items()}
                paths, flat = combine(
                    self.cascade.paths_,
                    paths,
                    flat,
                    levels,
                    [r for r, keep in zip(rows, subset, strict=True) if keep],
                    weights,
                )
        return paths, flat

    def predict(self, names: Sequence[str], images: Sequence, descriptions: Sequence[str] | None = None):
        """One :class:`CategoryPrediction` per row (ValueError for a row with neither name nor
        photo; :class:`~ml.photo.images.PhotoError` for a refused photo)."""
        paths, flat = self.distributions(names, images, descriptions)
        predictions = self.cascade.predictions_from(paths, flat)
        version = self.model_version
        return [type(p)(levels=p.levels, confidence=p.confidence, model_version=version) for p in predictions]

    def predict_one(self, name: str = "", image=None, description: str = ""):
        return self.predict([name], [image], [description] if description else None)[0]

    def explain(self, name: str, prediction, description: str = "") -> Explanation:
        """Why ``prediction`` (of this name with a photo): the photo, when there is no name or
        the name alone would have chosen another article type; else the name's own reason."""
        if not name.strip():
            return PHOTO_REASON
        by_name = self.cascade.predict_one(name, description)
        if by_name.label(ARTICLE) != prediction.label(ARTICLE):
            return PHOTO_REASON
        return self.cascade.explain(name, description, by_name)


def _check(names: Sequence[str], images: Sequence) -> tuple[list[str], list]:
    if isinstance(names, str):
        raise TypeError("predict() takes a list of names; use predict_one() for a single product.")
    names, images = ["" if n is None else n for n in names], list(images)
    if len(names) != len(images):
        raise ValueError(f"Got {len(names)} names but {len(images)} photos.")
    for position, (name, image) in enumerate(zip(names, images, strict=True)):
        if image is None and not (isinstance(name, str) and any(c.isalnum() for c in name)):
            raise ValueError(
                f"Product #{position} has neither a name nor a photo: "
                "one of them is needed to suggest categories."
            )
    return names, images


def _aligned(labels: np.ndarray, photo_labels: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """The photo's (n, photo classes) probabilities as (n, labels) columns, floored."""
    position = {label: i for i, label in enumerate(photo_labels)}
    out = np.full((len(probabilities), len(labels)), PHOTO_FLOOR)
    for column, label in enumerate(labels):
        if label in position:
            out[:, column] = np.maximum(probabilities[:, position[label]], PHOTO_FLOOR)
    return out


def combine(
    paths_table: np.ndarray,
    paths: np.ndarray,
    flat: dict,
    photo_levels: dict,
    rows: Sequence[int],
    weights: dict,
) -> tuple[np.ndarray, dict]:
    """Multiply the name's distributions of ``rows`` by the photo's (``photo_levels``, one row
    per entry of ``rows``) raised to ``weights``, renormalised; returns new arrays."""
    rows = np.asarray(rows)
    paths = paths.copy()
    photo_paths = np.ones((len(rows), paths.shape[1]))
    for level, column in _PATH_COLUMN.items():
        if level in photo_levels and weights.get(level, 0):
            labels, index = np.unique(paths_table[:, column].astype(str), return_inverse=True)
            aligned = _aligned(labels, *photo_levels[level])
            photo_paths *= aligned[:, index] ** weights[level]
    fused = ((1 - NAME_FLOOR) * paths[rows] + NAME_FLOOR / paths.shape[1]) * photo_paths
    paths[rows] = fused / fused.sum(axis=1, keepdims=True)
    flat = {level: (labels, probabilities.copy()) for level, (labels, probabilities) in flat.items()}
    for level in FLAT_LEVELS:
        if level in flat and level in photo_levels and weights.get(level, 0):
            labels, probabilities = flat[level]
            fused = probabilities[rows] * _aligned(labels, *photo_levels[level]) ** weights[level]
            probabilities[rows] = fused / fused.sum(axis=1, keepdims=True)
    return paths, flat
