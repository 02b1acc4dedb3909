"""Measure the catalog audit by planting errors: ``python -m ml.evaluate.audit`` (``make evaluate-audit``).

On a copy of the catalog (``styles.csv``), 1% of the rows, drawn at random among those whose
subCategory has more than one article type, get a random *sibling* article type (another
article type of the same subCategory: the mistake a catalog editor makes). The audit then
runs on the copy, and its category suspects, most suspicious first, are scored against the
planted rows: precision and recall of the top N (N = the number planted) and of the top 2N.

It also counts the *real* suspects: category suspects among the rows that were not planted,
per confusion pair of article types ("Flats <-> Heels"), which is what an operator would
review on this catalog.

With a photo model (``--photo-models DIR``, an artifact store holding ``photo``, trained as
``ml.photo.train`` trains it: outside the 10% id-hash holdout), name-only and name + photo are
compared on the **holdout** rows only, the photos that model never trained on (on its own
training rows it would recall the true labels of the planted rows: no honest measure).
``--photo-probabilities FILE.npz`` gives such probabilities directly (see
:func:`ml.audit.suspects.load_level_probabilities`); they are trusted to be out of sample.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ml.audit.suspects import (
    CATEGORY,
    DEFAULT_FOLDS,
    Evidence,
    find_suspects,
    load_level_probabilities,
    name_evidence,
    photo_evidence,
    photo_probabilities,
)
from ml.catalog.cleaning import catalog_from_styles
from ml.catalog.dataset import data_dir, is_holdout, load_styles
from ml.catalog.schema import ARTICLE, COLOUR, ID, SUB
from ml.store import ArtifactStore

PLANTED_FRACTION = 0.01
SEED = 12
TOP_PAIRS = 15  # confusion pairs printed


def plant_errors(catalog: pd.DataFrame, *, fraction: float = PLANTED_FRACTION,
                 seed: int = SEED) -> tuple[pd.DataFrame, np.ndarray]:
    """A copy of ``catalog`` with ``fraction`` of its rows relabelled to a random sibling
    article type; returns (copy, ids of the planted rows)."""
    rng = np.random.default_rng(seed)
    siblings = catalog.groupby(SUB)[ARTICLE].unique().map(sorted)
    eligible = np.flatnonzero(catalog[SUB].map(siblings.map(len)).to_numpy() > 1)
    count = max(1, round(fraction * len(catalog)))
    chosen = rng.choice(eligible, size=min(count, len(eligible)), replace=False)
    planted = catalog.copy()
    for row in chosen:
        article = planted.at[row, ARTICLE]
        others = [a for a in siblings[planted.at[row, SUB]] if a != article]
        planted.at[row, ARTICLE] = others[rng.integers(len(others))]
    return planted, planted[ID].to_numpy()[chosen]


def precision_recall(suspects: pd.DataFrame, planted_ids: np.ndarray, top: int) -> tuple[float, float]:
    """Precision and recall of the ``top`` most suspicious category suspects for the planted rows."""
    ranked = suspects[suspects["level"] == CATEGORY][ID].to_numpy()[:top]
    hits = int(np.isin(ranked, planted_ids).sum())
    return hits / top, hits / len(planted_ids)


def confusion_pairs(suspects: pd.DataFrame, exclude_ids: np.ndarray = ()) -> Counter:
    """Category suspects per unordered pair of article types (label <-> answer), others excluded;
    the whole paths when the two have the same article type name (Ties as a Free Gift)."""
    rows = suspects[(suspects["level"] == CATEGORY) & ~suspects[ID].isin(exclude_ids)]

    def pair(label: str, answer: str) -> str:
        articles = label.rsplit(" / ", 1)[-1], answer.rsplit(" / ", 1)[-1]
        return " <-> ".join(sorted((label, answer) if articles[0] == articles[1] else articles))

    return Counter(pair(label, answer) for label, answer in zip(rows["label"], rows["answer"], strict=True))


def report(where: str, runs: dict[str, pd.DataFrame], planted_ids: np.ndarray) -> None:
    n = len(planted_ids)
    print(f"\nplanted errors found in the top N and 2N category suspects, {where} (N = {n}):")
    print(f"{'evidence':<14}{'suspects':>10}{'P@N':>8}{'R@N':>8}{'P@2N':>8}{'R@2N':>8}")
    for label, suspects in runs.items():
        p1, r1 = precision_recall(suspects, planted_ids, n)
        p2, r2 = precision_recall(suspects, planted_ids, 2 * n)
        total = int((suspects["level"] == CATEGORY).sum())
        print(f"{label:<14}{total:>10,}{p1:>8.3f}{r1:>8.3f}{p2:>8.3f}{r2:>8.3f}")


def cached_name_evidence(planted: pd.DataFrame, args) -> dict[str, Evidence]:
    """:func:`name_evidence` of the planted copy, or the cached one of the same settings."""
    settings = f"{len(planted)}:{args.folds}:{args.fraction}:{args.seed}"
    cache = args.evidence_cache
    if cache is not None and cache.exists():
        data = np.load(cache, allow_pickle=False)
        if str(data["settings"]) == settings:
            print(f"name evidence read from {cache}")
            return {level: Evidence(data[f"{level}__classes"].astype(object), data[f"{level}__probabilities"])
                    for level in (CATEGORY, COLOUR)}
    started, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(1):
        names = name_evidence(planted, folds=args.folds, progress=print)
    print(f"name evidence: {time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    if cache is not None:
        arrays = {f"{level}__{part}": value for level, e in names.items()
                  for part, value in (("classes", e.classes.astype(str)), ("probabilities", e.probabilities))}
        np.savez(cache, settings=np.array(settings), **arrays)
    return names


def holdout_photo_probabilities(catalog: pd.DataFrame, models: Path) -> dict:
    """The photo model's level probabilities for the holdout rows' photos (the others uniform)."""
    from ml.photo.model import load_photo_model  # ONNX Runtime: only when a photo model is asked for

    model = load_photo_model(store=ArtifactStore(models))
    images = data_dir() / "images"
    photos = [str(images / f"{i}.jpg") if is_holdout(int(i)) else "" for i in catalog[ID]]
    started, cpu = time.perf_counter(), time.process_time()
    probabilities = photo_probabilities(model, photos)
    print(f"photo evidence ({model.model_version}, {sum(map(bool, photos)):,} holdout photos): "
          f"{time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    return probabilities


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS)
    parser.add_argument("--fraction", type=float, default=PLANTED_FRACTION)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--photo-probabilities", type=Path, default=None)
    parser.add_argument("--photo-models", type=Path, default=None,
                        help="an artifact store with a photo model trained outside the holdout")
    parser.add_argument("--limit", type=int, default=None, help="audit only the first N catalog rows")
    parser.add_argument("--evidence-cache", type=Path, default=None,
                        help="an .npz keeping the name evidence between runs of the same settings "
                             "(read if present, else written): compare photo settings without refitting")
    args = parser.parse_args(argv)

    catalog = catalog_from_styles(load_styles())
    if args.limit:
        catalog = catalog.iloc[: args.limit].reset_index(drop=True)
    planted, planted_ids = plant_errors(catalog, fraction=args.fraction, seed=args.seed)
    print(f"{len(catalog):,} products, {len(planted_ids):,} relabelled to a sibling article type "
          f"(seed {args.seed}); {args.folds} folds, cascade svm without seller-style copies")
    names = cached_name_evidence(planted, args)
    runs = {"name only": find_suspects(planted, names)}
    report("all rows", runs, planted_ids)
    pair_runs = {"name only, all rows": runs["name only"]}

    photo = None
    if args.photo_probabilities:
        photo = load_level_probabilities(args.photo_probabilities, planted[ID].to_numpy())
    elif args.photo_models:
        photo = holdout_photo_probabilities(planted, args.photo_models)
    if photo is not None:
        holdout = planted[ID].map(is_holdout).to_numpy() if args.photo_models else np.ones(len(planted), bool)
        rows = planted[holdout].reset_index(drop=True)
        kept = {level: Evidence(e.classes, e.probabilities[holdout]) for level, e in names.items()}
        photos = photo_evidence(rows, {level: (c, p[holdout]) for level, (c, p) in photo.items()})
        runs = {"name only": find_suspects(rows, kept), "name + photo": find_suspects(rows, kept, photos)}
        where = "the photo model's holdout" if args.photo_models else "rows with photo probabilities"
        report(where, runs, planted_ids[np.isin(planted_ids, rows[ID])])
        pair_runs.update({f"{label}, {where}": suspects for label, suspects in runs.items()})

    for label, suspects in pair_runs.items():
        pairs = confusion_pairs(suspects, planted_ids)
        colours = int((suspects["level"] != CATEGORY).sum())
        print(f"\nreal category suspects ({label}; planted rows excluded): {sum(pairs.values()):,}; "
              f"colour suspects: {colours:,}. Top confusion pairs:")
        for pair, count in pairs.most_common(TOP_PAIRS):
            print(f"  {count:>5}  {pair}")


if __name__ == "__main__":
    main()
