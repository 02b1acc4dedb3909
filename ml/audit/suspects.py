"""Which catalog labels the evidence disagrees with, ranked by how suspicious they are.

Two labels are audited: the **category** (the master / sub / article type path as one label,
"Footwear / Shoes / Heels", since article type names repeat under two masters) and the
**baseColour**. Each product's label is weighed against:

- **the name**, read by the categorization cascade (:mod:`ml.categorize`) *out of fold*: the
  catalog is cut into K folds by a hash of the id, and each fold is read by a cascade fitted
  on the other folds (a model that trained on a row recalls its label, right or wrong);
- **the photo**, optionally: per-level probabilities from a photo model (``{level: (classes,
  (n, classes) probabilities)}``, rows aligned with the catalog), which should likewise not
  have trained on these rows for the evidence to be honest.

The two are pooled log-linearly (``p ∝ p_name · p_photo ** photo_weight``: independent
experts multiply), and a product is a suspect at a level when the pooled answer is not its
label. Its suspicion score is the margin ``p(answer) - p(label)`` of the pooled answer over the
label: on 4,000 catalog rows with 2% planted sibling errors (Naive Bayes heads, 3 folds) it
put 64% of them in the top N, against 36% for ``1 - p(label)``, which cannot rank the many
rare labels a fold never saw (all at ``p(label) = 0``) by how sure the answer is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.catalog.schema import ARTICLE, COLOUR, ID, MASTER, NAME, SUB, category_label
from ml.categorize.cascade import CategoryCascade, text_and_labels
from ml.photo.images import PhotoError, load_photo

CATEGORY = "category"  # the audited taxonomy path, one label "Master / Sub / Article"
AUDITED_LEVELS = (CATEGORY, COLOUR)
DEFAULT_FOLDS = 3
# Probabilities are floored before the log-linear pool: a class one source never saw must
# not veto the other source's answer outright.
PROBABILITY_FLOOR = 1e-4
PHOTO_WEIGHT = 1.0  # the photo's exponent in the pool (the name's is 1)
PHOTO_BATCH = 512  # photos decoded and run through the photo model at once
PROGRESS_EVERY = 10  # batches between progress lines
# The columns of the suspects frame, in order.
SUSPECT_COLUMNS = (
    ID, NAME, "level", "label", "name_says", "name_confidence", "photo_says", "photo_confidence",
    "answer", "confidence", "label_confidence", "score",
)

# Level probabilities as a photo model (or any other source) gives them.
LevelProbabilities = Mapping[str, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Evidence:
    """One source's opinion on one audited level: (n, classes) probabilities over ``classes``."""

    classes: np.ndarray
    probabilities: np.ndarray

    def top(self) -> tuple[np.ndarray, np.ndarray]:
        """(label, confidence) of the likeliest class per row."""
        best = self.probabilities.argmax(axis=1)
        return self.classes[best], self.probabilities[np.arange(len(best)), best]


def category_labels(catalog: pd.DataFrame) -> np.ndarray:
    """Each row's taxonomy path as one label (:func:`ml.catalog.schema.category_label`)."""
    return np.array([category_label(m, s, a) for m, s, a in
                     zip(catalog[MASTER], catalog[SUB], catalog[ARTICLE], strict=True)], dtype=object)


def fold_of(ids, folds: int) -> np.ndarray:
    """A stable fold per product id (a hash, the same on every machine and every run)."""
    return np.array([int.from_bytes(hashlib.sha1(f"audit:{int(i)}".encode()).digest()[:4], "big") % folds
                     for i in ids])


def _classes(catalog: pd.DataFrame) -> dict[str, np.ndarray]:
    colours = sorted({c for c in catalog[COLOUR] if c})
    return {CATEGORY: np.array(sorted(set(category_labels(catalog))), dtype=object),
            COLOUR: np.array(colours, dtype=object)}


def default_cascade() -> CategoryCascade:
    """The cascade each fold is read by: the served settings without seller-style copies
    (``augment=0``), which change nothing for catalog names and halve the fitting time."""
    return CategoryCascade(augment=0)


def name_evidence(
    catalog: pd.DataFrame,
    *,
    folds: int = DEFAULT_FOLDS,
    make_model: Callable[[], CategoryCascade] = default_cascade,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Evidence]:
    """Out-of-fold name evidence per audited level, rows aligned with ``catalog``.

    ``catalog`` is in the frame layout of :mod:`ml.catalog.schema` (names and labels). Each of
    the ``folds`` folds is read by a fresh ``make_model()`` fitted on the other folds.
    """
    if folds < 2:
        raise ValueError("The audit needs at least 2 folds: a row must never be read by a model that saw it.")
    if len(catalog) == 0:
        raise ValueError("The catalog is empty: nothing to audit.")
    catalog = catalog.reset_index(drop=True)
    classes = _classes(catalog)
    index = {level: {label: i for i, label in enumerate(labels)} for level, labels in classes.items()}
    out = {level: np.zeros((len(catalog), len(labels))) for level, labels in classes.items()}
    fold = fold_of(catalog[ID], folds)
    for k in range(folds):
        held = np.flatnonzero(fold == k)
        if len(held) == 0:
            continue
        if progress:
            progress(f"  fold {k + 1}/{folds}: fitting on {len(catalog) - len(held):,} names, "
                     f"reading {len(held):,}")
        model = make_model().fit(*text_and_labels(catalog.iloc[np.flatnonzero(fold != k)]))
        probabilities, flat = model.distributions(catalog[NAME].iloc[held].tolist())
        paths = model.paths_
        # Paths -> category columns (the gender is summed out); a path the folds' union lacks
        # cannot occur (every training path is a catalog path).
        columns = np.array([index[CATEGORY][category_label(m, s, a)] for _, m, s, a in paths])
        category = np.zeros((len(held), len(classes[CATEGORY])))
        np.add.at(category.T, columns, probabilities.T)
        out[CATEGORY][held] = category
        if COLOUR in flat:
            labels, colour = flat[COLOUR]
            known = np.array([label in index[COLOUR] for label in labels])
            target = [index[COLOUR][label] for label in labels[known]]
            out[COLOUR][np.ix_(held, target)] = colour[:, known]
    return {level: Evidence(classes[level], out[level]) for level in classes}


def photo_evidence(catalog: pd.DataFrame, photo: LevelProbabilities) -> dict[str, Evidence]:
    """A photo model's level probabilities as evidence on the audited levels.

    The category takes the photo's article type probability, shared among the paths that
    carry that article type name in proportion to their catalog counts (Socks, Perfumes sit
    under two masters); the colour is taken as is. Classes the photo model does not know
    get probability 0 (floored in the pool).
    """
    classes = _classes(catalog)
    evidence = {}
    if ARTICLE in photo:
        labels, probabilities = photo[ARTICLE]
        _check_rows(probabilities, catalog, ARTICLE)
        column = {label: i for i, label in enumerate(labels)}
        counts = pd.Series(category_labels(catalog)).value_counts()
        articles = catalog.assign(_path=category_labels(catalog)).groupby(ARTICLE)["_path"].unique()
        matrix = np.zeros((len(labels), len(classes[CATEGORY])))
        path_index = {path: i for i, path in enumerate(classes[CATEGORY])}
        for article, paths in articles.items():
            if article not in column:
                continue
            share = counts[list(paths)].to_numpy(float)
            matrix[column[article], [path_index[p] for p in paths]] = share / share.sum()
        evidence[CATEGORY] = Evidence(classes[CATEGORY], np.asarray(probabilities) @ matrix)
    if COLOUR in photo:
        labels, probabilities = photo[COLOUR]
        _check_rows(probabilities, catalog, COLOUR)
        column = {label: i for i, label in enumerate(labels)}
        colour = np.zeros((len(catalog), len(classes[COLOUR])))
        for j, label in enumerate(classes[COLOUR]):
            if label in column:
                colour[:, j] = np.asarray(probabilities)[:, column[label]]
        evidence[COLOUR] = Evidence(classes[COLOUR], colour)
    return evidence


def load_level_probabilities(path: Path | str, ids) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Level probabilities from an ``.npz`` with ``ids`` and, per level, ``<level>__classes``
    and ``<level>__probabilities``; rows reordered to ``ids`` (missing ids: uniform). Class
    names are stored as plain strings: nothing is unpickled from the file."""
    data = np.load(path, allow_pickle=False)
    position = {int(i): n for n, i in enumerate(data["ids"])}
    rows = np.array([position.get(int(i), -1) for i in ids])
    result = {}
    for key in data.files:
        if key.endswith("__classes"):
            level = key[: -len("__classes")]
            classes = data[key].astype(str).astype(object)
            probabilities = data[f"{level}__probabilities"]
            aligned = np.full((len(ids), len(classes)), 1.0 / len(classes))
            aligned[rows >= 0] = probabilities[rows[rows >= 0]]
            result[level] = (classes, aligned)
    return result


def photo_probabilities(
    model, photos, *, batch: int = PHOTO_BATCH, progress: Callable[[str], None] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A photo model's level probabilities (``model.level_probabilities``, :mod:`ml.photo`) for
    each product's photo (a path; ``""`` or an unreadable file: uniform, which is no evidence
    in the pool), rows in the order of ``photos``."""
    photos = list(photos)
    result: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for start in range(0, len(photos), batch):
        images, rows = [], []
        for row in range(start, min(start + batch, len(photos))):
            if not photos[row]:
                continue
            try:
                images.append(load_photo(photos[row], model.resolution))
            except (PhotoError, OSError):
                continue
            rows.append(row)
        if not rows:
            continue
        for level, (classes, probabilities) in model.level_probabilities(np.stack(images)).items():
            if level not in result:
                result[level] = (np.asarray(classes, dtype=object),
                                 np.full((len(photos), len(classes)), 1.0 / len(classes)))
            result[level][1][rows] = probabilities
        if progress and (start // batch) % PROGRESS_EVERY == 0:
            progress(f"  photos: {start + batch:,} of {len(photos):,} read")
    return result


def _check_rows(probabilities, catalog: pd.DataFrame, level: str) -> None:
    if len(probabilities) != len(catalog):
        raise ValueError(f"The photo's {level} probabilities have {len(probabilities)} rows, "
                         f"the catalog {len(catalog)}.")


def pooled(name: Evidence, photo: Evidence | None, photo_weight: float = PHOTO_WEIGHT) -> Evidence:
    """``p ∝ p_name · p_photo ** photo_weight`` (floored), or the name alone without a photo."""
    if photo is None:
        return name
    if not np.array_equal(photo.classes, name.classes):  # built on other rows: align by label
        column = {label: i for i, label in enumerate(photo.classes)}
        aligned = np.zeros((len(photo.probabilities), len(name.classes)))
        for j, label in enumerate(name.classes):
            if label in column:
                aligned[:, j] = photo.probabilities[:, column[label]]
        photo = Evidence(name.classes, aligned)
    logs = np.log(np.maximum(name.probabilities, PROBABILITY_FLOOR))
    logs += photo_weight * np.log(np.maximum(photo.probabilities, PROBABILITY_FLOOR))
    logs -= logs.max(axis=1, keepdims=True)
    combined = np.exp(logs)
    return Evidence(name.classes, combined / combined.sum(axis=1, keepdims=True))


def find_suspects(
    catalog: pd.DataFrame,
    name: Mapping[str, Evidence],
    photo: Mapping[str, Evidence] | None = None,
    *,
    photo_weight: float = PHOTO_WEIGHT,
    levels: tuple[str, ...] = AUDITED_LEVELS,
    min_score: float = 0.0,
) -> pd.DataFrame:
    """The rows whose label the pooled evidence disagrees with, most suspicious first.

    One row per (product, level) in :data:`SUSPECT_COLUMNS`: the label, what the name and the
    photo say (blank / NaN without a photo) with their confidences, the pooled answer with its
    confidence, the pooled probability of the label, and ``score = confidence - label_confidence``.
    Rows with an empty label (no colour given) are not audited.
    """
    catalog = catalog.reset_index(drop=True)
    photo = photo or {}
    frames = []
    for level in levels:
        if level not in name:
            continue
        labels = category_labels(catalog) if level == CATEGORY else catalog[level].to_numpy(object)
        combined = pooled(name[level], photo.get(level), photo_weight)
        position = {label: i for i, label in enumerate(combined.classes)}
        label_index = np.array([position.get(label, -1) for label in labels])
        rows = np.arange(len(catalog))
        label_confidence = np.where(
            label_index >= 0, combined.probabilities[rows, np.maximum(label_index, 0)], 0.0
        )
        answer, confidence = combined.top()
        name_says, name_confidence = name[level].top()
        if level in photo:
            photo_says, photo_confidence = photo[level].top()
        else:
            photo_says = np.full(len(catalog), "", dtype=object)
            photo_confidence = np.full(len(catalog), np.nan)
        frame = pd.DataFrame({
            ID: catalog[ID].to_numpy(), NAME: catalog[NAME].to_numpy(), "level": level, "label": labels,
            "name_says": name_says, "name_confidence": name_confidence,
            "photo_says": photo_says, "photo_confidence": photo_confidence,
            "answer": answer, "confidence": confidence, "label_confidence": label_confidence,
            "score": confidence - label_confidence,
        })
        disagrees = (labels != "") & (answer != labels) & (frame["score"].to_numpy() >= min_score)
        frames.append(frame[disagrees])
    if not frames:
        return pd.DataFrame(columns=list(SUSPECT_COLUMNS))
    suspects = pd.concat(frames, ignore_index=True)
    return suspects.sort_values(["score", ID, "level"], ascending=[False, True, True],
                                kind="stable").reset_index(drop=True)[list(SUSPECT_COLUMNS)]


def audit(
    catalog: pd.DataFrame,
    *,
    photo: LevelProbabilities | None = None,
    folds: int = DEFAULT_FOLDS,
    make_model: Callable[[], CategoryCascade] = default_cascade,
    photo_weight: float = PHOTO_WEIGHT,
    min_score: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Name evidence out of fold (+ the photo's, if given), then :func:`find_suspects`."""
    catalog = catalog.reset_index(drop=True)
    names = name_evidence(catalog, folds=folds, make_model=make_model, progress=progress)
    photos = photo_evidence(catalog, photo) if photo is not None else None
    return find_suspects(catalog, names, photos, photo_weight=photo_weight, min_score=min_score)
