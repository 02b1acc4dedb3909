"""Measure the photo model: ``python -m ml.evaluate.photo`` (``make evaluate-photo``).

On the project's id-hash split (:func:`ml.catalog.dataset.train_test_split_by_id`), with a photo
model trained from ``FASHION_DATA`` on the train split minus an inner validation split (the
inner split is where :mod:`ml.photo.fusion`'s weights are tuned; ``--tune``):

1. photo-only accuracy per level on the holdout photos (with the served test-time flip);
2. photo similarity: each holdout photo queries an index of the train split's photos
   (``PhotoIndex.nearest``, no attributes known; by the vector alone, then re-ranked by the
   photo's own reading of article type and gender, as an upload is); the share of its top 10
   with the same article type AND gender;
3. catalog embedding throughput from JPEG files (decode + pad + ONNX Runtime, 2 threads);
4. one upload: photo bytes -> vector + categories, median server time;
5. name only, photo only and name + photo per level (a cascade fitted on the train split minus
   the inner split, cached as ``cascade.joblib`` beside the models).

``--models DIR`` keeps the trained model there and reuses it on the next run. ``--resolution R``
trains at R px instead of the served recipe's (a recipe attempt; ignored if ``DIR`` already holds a
model). ``--inner`` prints the photo-only accuracy per level on the inner split and stops: the
figure a recipe is chosen on, without reading the holdout.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ml.catalog.dataset import data_dir, is_holdout, load_styles
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, ID, LEVELS, NAME, PATH_LEVELS, USAGE
from ml.photo.index import PhotoIndex, load_photo_index
from ml.photo.model import ARTIFACT_NAME, BATCH_THREADS, load_photo_model
from ml.store import ArtifactStore

INNER_FRACTION = 0.1  # of the train split: where the fusion weights are tuned
INNER_SALT = "inner-valid"
DEFAULT_MODELS = Path(__file__).resolve().parents[2] / "models" / "evaluate-photo"
THROUGHPUT_PHOTOS = 2048
UPLOAD_REPEATS = 50
SIMILARITY_K = 10


def is_inner(product_id: int) -> bool:
    """The inner validation split of train (a second, salted id hash; never the holdout)."""
    digest = hashlib.sha1(f"{INNER_SALT}{product_id}".encode()).digest()
    return not is_holdout(product_id) and int.from_bytes(digest[:4], "big") / 2**32 < INNER_FRACTION


def photo_styles() -> pd.DataFrame:
    """The dataset rows that have a photo, with ``photo`` (path), ``holdout`` and ``inner``."""
    folder = data_dir()
    styles = load_styles(folder)
    styles["photo"] = [str(folder / "images" / f"{i}.jpg") for i in styles[ID]]
    styles = styles[[Path(p).exists() for p in styles["photo"]]].reset_index(drop=True)
    styles["holdout"] = styles[ID].map(is_holdout)
    styles["inner"] = styles[ID].map(is_inner)
    return styles


def evaluation_store(models: Path, styles: pd.DataFrame, params: dict | None = None) -> ArtifactStore:
    """A store with a photo model trained on train minus inner (trained now if absent, with the
    served recipe's parameters updated by ``params``)."""
    store = ArtifactStore(models)
    if store.missing([ARTIFACT_NAME]):
        from ml.photo.train import PhotoClassifier, train_photo_models

        print(
            f"Training the photo model on {int((~styles.holdout & ~styles.inner).sum()):,} photos …",
            flush=True,
        )
        summary = train_photo_models(
            catalog=styles,
            store=store,
            held_out=(styles["holdout"] | styles["inner"]).to_numpy(),
            estimator=PhotoClassifier(verbose=True, **(params or {})),
        )
        # The build's own holdout_accuracy_* read every photo it did not train on (the holdout and
        # the inner split, without the flip): not the holdout figures printed below.
        print("Build summary (its accuracy: holdout + inner split, no flip):",
              {k: v for k, v in summary.items() if k != "model"}, flush=True)
    return store


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--tune", action="store_true", help="tune the fusion weights on the inner split")
    parser.add_argument("--resolution", type=int, help="train at this input size (px), not the served one")
    parser.add_argument("--inner", action="store_true",
                        help="only the photo-only accuracy on the inner split (the holdout is not read)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # the training's epochs
    warnings.filterwarnings("ignore", category=UserWarning)  # the ONNX exporter's notes
    styles = photo_styles()
    params = {"resolution": args.resolution} if args.resolution else {}
    store = evaluation_store(args.models, styles, params)
    if args.inner:
        print("\n".join(inner_report(store, styles)), flush=True)
        return
    print(report(store, styles), flush=True)
    test = styles[styles["holdout"]].reset_index(drop=True)
    model = load_photo_model(store=store, threads=BATCH_THREADS)
    print(f"holdout ({len(test):,}), cascade fitted on the train split minus the inner split:", flush=True)
    print("\n".join(side_by_side(evaluation_cascade(args.models, styles), model, test)), flush=True)
    if args.tune:
        print("\n".join(tune(store, styles)))


# ---------------------------------------------------------------------- name + photo


def evaluation_cascade(models: Path, styles: pd.DataFrame):
    """The name cascade fitted on the train split minus the inner split (fitted once, cached)."""
    import joblib

    from ml.categorize.cascade import CategoryCascade, text_and_labels

    path = Path(models) / "cascade.joblib"
    if path.exists():
        return joblib.load(path)
    fit_rows = styles[~styles["holdout"] & ~styles["inner"]]
    started = time.perf_counter()
    cascade = CategoryCascade(n_jobs=2).fit(*text_and_labels(fit_rows))
    print(f"name cascade fitted on {len(fit_rows):,} in {time.perf_counter() - started:.0f} s", flush=True)
    joblib.dump(cascade, path)
    return cascade


def level_marginals(cascade, paths: np.ndarray, flat: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{level: (labels, (n, labels) probabilities)}: the path levels' marginals and the flat ones."""
    result = {}
    for column, level in enumerate(PATH_LEVELS):
        labels, index = np.unique(cascade.paths_[:, column].astype(str), return_inverse=True)
        result[level] = (labels.astype(object), paths @ np.eye(len(labels))[index])
    result.update(flat)
    return result


def _scores(marginals, frame: pd.DataFrame, level: str) -> tuple[float, float]:
    """(accuracy of the argmax, mean log-loss of the truth) over the labelled rows."""
    labels, probabilities = marginals[level]
    truth = frame[level].to_numpy()
    position = {label: i for i, label in enumerate(labels)}
    rows = np.array([i for i, t in enumerate(truth) if t in position])
    if not len(rows):
        return float("nan"), float("nan")
    columns = np.array([position[truth[i]] for i in rows])
    picked = probabilities[rows, columns]
    # over every labelled row: a label the model does not know counts as wrong
    accuracy = float((probabilities[rows].argmax(1) == columns).sum() / (truth != "").sum())
    return accuracy, float(-np.log(np.maximum(picked, 1e-12)).mean())


WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def tune(store: ArtifactStore, styles: pd.DataFrame) -> list[str]:
    """Each photo exponent by log-loss on the inner split (cascade and photo model fitted
    without it); one level at a time, the others at their defaults."""
    from ml.categorize.cascade import CategoryCascade, text_and_labels
    from ml.photo.fusion import DEFAULT_WEIGHTS, combine

    fit_rows = styles[~styles["holdout"] & ~styles["inner"]]
    inner = styles[styles["inner"]].reset_index(drop=True)
    started = time.perf_counter()
    cascade = CategoryCascade(n_jobs=2).fit(*text_and_labels(fit_rows))
    lines = [
        f"tuning on the inner split ({len(inner):,} products; cascade fitted in "
        f"{time.perf_counter() - started:.0f} s on {len(fit_rows):,})"
    ]
    model = load_photo_model(store=store, threads=BATCH_THREADS)
    photo = model.level_probabilities(list(inner["photo"]))
    paths, flat = cascade.distributions(list(inner[NAME]))
    rows = list(range(len(inner)))
    chosen = dict(DEFAULT_WEIGHTS)
    for level in (ARTICLE, GENDER, COLOUR, USAGE):
        results = []
        for weight in WEIGHT_GRID:
            weights = {**chosen, level: weight}
            fused = level_marginals(cascade, *combine(cascade.paths_, paths, flat, photo, rows, weights))
            results.append((weight, *_scores(fused, inner, level)))
        best = min(results, key=lambda r: r[2])
        chosen[level] = best[0]
        lines.append(
            f"  {level:<12} "
            + "  ".join(f"w={w:g}: {a:.2%}/{ll:.3f}" for w, a, ll in results)
            + f"  -> {best[0]:g}"
        )
    lines.append(f"chosen weights (accuracy / log-loss): {chosen}")
    test = styles[styles["holdout"]].reset_index(drop=True)
    lines.append(f"holdout ({len(test):,}), this cascade (fitted without the inner split), chosen weights:")
    lines += side_by_side(cascade, model, test, chosen)
    return lines


def side_by_side(cascade, photo_model, test: pd.DataFrame, weights: dict | None = None) -> list[str]:
    """Accuracy per level on ``test`` from the name only, the photo only and both, with the time
    per product of each (batch, this process's threads)."""
    from ml.photo.fusion import DEFAULT_WEIGHTS, PHOTO_ALONE_WEIGHTS, combine

    weights = weights or DEFAULT_WEIGHTS
    names, photos = list(test[NAME]), list(test["photo"])
    rows = list(range(len(test)))
    started = time.perf_counter()
    paths, flat = cascade.distributions(names)
    name_seconds = time.perf_counter() - started
    started = time.perf_counter()
    photo = photo_model.level_probabilities(photos)
    photo_seconds = time.perf_counter() - started
    prior_paths, prior_flat = cascade.distributions([""] * len(test))
    columns = {
        "name only": level_marginals(cascade, paths, flat),
        "photo only": level_marginals(
            cascade, *combine(cascade.paths_, prior_paths, prior_flat, photo, rows, PHOTO_ALONE_WEIGHTS)
        ),
        "name + photo": level_marginals(cascade, *combine(cascade.paths_, paths, flat, photo, rows, weights)),
    }
    lines = [f"{'level':15s}" + "".join(f"{name:>15s}" for name in columns)]
    for level in LEVELS:
        lines.append(
            f"{level:15s}" + "".join(f"{_scores(m, test, level)[0]:>15.2%}" for m in columns.values())
        )
    per = 1000 / len(test)
    lines.append(
        f"{'ms / product':15s}{name_seconds * per:>15.2f}{photo_seconds * per:>15.2f}"
        f"{(name_seconds + photo_seconds) * per:>15.2f}"
    )
    return lines


def accuracy_lines(levels: dict, frame: pd.DataFrame) -> list[str]:
    """One line per level: the share of ``frame``'s labelled rows whose argmax is the truth."""
    lines = []
    for level, (classes, probabilities) in levels.items():
        truth = frame[level].to_numpy()
        labelled = truth != ""
        accuracy = (classes[probabilities.argmax(1)][labelled] == truth[labelled]).mean()
        lines.append(f"  {level:<15} {accuracy:.2%}")
    return lines


def inner_report(store: ArtifactStore, styles: pd.DataFrame) -> list[str]:
    """Photo-only accuracy per level on the inner split (the model was trained without it)."""
    model = load_photo_model(store=store, threads=BATCH_THREADS)
    inner = styles[styles["inner"]].reset_index(drop=True)
    return [
        f"photo model {model.model_version} ({store.root}), {model.resolution} px",
        f"photo only, inner split ({len(inner):,} photos), test-time flip (baseColour: network x pixels):",
        *accuracy_lines(model.level_probabilities(list(inner["photo"])), inner),
    ]


def report(store: ArtifactStore, styles: pd.DataFrame) -> str:
    model = load_photo_model(store=store, threads=BATCH_THREADS)
    index = load_photo_index(store=store)
    lines = [f"photo model {model.model_version} ({store.root})"]
    metrics, params = model.metadata.get("metrics", {}), model.metadata.get("params", {})
    lines.append(
        f"training: {model.resolution} px, blocks {params.get('split', '?')}-15 + head, "
        f"{params.get('epochs', '?')} epochs, "
        f"{metrics.get('train_seconds', '?')} s wall ({metrics.get('train_cpu_seconds', '?')} CPU-s; "
        f"activations {metrics.get('bottom_seconds', '?')} s), load average at report "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    test = styles[styles["holdout"]].reset_index(drop=True)
    row_of = {int(i): r for r, i in enumerate(index.ids)}
    # 1. photo-only accuracy per level, with the served test-time flip
    levels = model.level_probabilities(list(test["photo"]))
    lines.append(
        f"photo only, holdout ({len(test):,} photos), test-time flip (baseColour: network x pixels):"
    )
    lines += accuracy_lines(levels, test)
    if model.colour is not None:  # the two colour experts alone
        from ml.photo.colour import colour_features
        from ml.photo.images import load_photos

        truth = test[COLOUR].to_numpy()
        labelled = truth != ""
        net = model.run(list(test["photo"]), flip=True).probabilities[COLOUR]
        names, pixels = model.colour_probabilities(colour_features(load_photos(list(test["photo"]))))
        for name, (classes, probabilities) in (
            ("network alone", (model.classes[COLOUR], net)), ("pixels alone", (names, pixels))
        ):
            accuracy = (classes[probabilities.argmax(1)][labelled] == truth[labelled]).mean()
            lines.append(f"  {COLOUR + ', ' + name:<30} {accuracy:.2%}")
    # 2. similarity: holdout photos against an index of the train split
    train = styles[~styles["holdout"]].reset_index(drop=True)
    train_rows = [row_of[int(i)] for i in train[ID]]
    train_index = PhotoIndex.from_vectors(
        ids=train[ID].to_numpy(),
        vectors=np.asarray(index.vectors)[train_rows],
        hashes=index.hashes[train_rows],
        catalog=train,
        model_version=index.model_version,
    )
    queries = np.asarray(index.vectors)[[row_of[int(i)] for i in test[ID]]]
    found = train_index.nearest(queries, k=SIMILARITY_K)
    key = dict(zip(train[ID], train[ARTICLE] + "|" + train[GENDER], strict=True))
    wanted = (test[ARTICLE] + "|" + test[GENDER]).to_numpy()
    reranked = train_index.nearest(queries, k=SIMILARITY_K, levels=levels)
    for name, hits_of in (
        ("by the vector alone", found), ("re-ranked by the photo's type and gender", reranked)
    ):
        share = np.mean(
            [np.mean([key[r.product_id] == want for r in hits])
             for hits, want in zip(hits_of, wanted, strict=True)]
        )
        lines.append(
            f"photo similarity: same article type AND gender in top {SIMILARITY_K} "
            f"(holdout photo -> train index of {len(train_index):,}), {name}: {share:.3f}"
        )
    # 3. throughput from JPEG
    paths = list(styles["photo"][:THROUGHPUT_PHOTOS])
    started, cpu = time.perf_counter(), time.process_time()
    model.embed(paths)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    lines.append(
        f"catalog embedding from JPEG, {BATCH_THREADS} threads: {len(paths) / wall:.0f} img/s "
        f"({len(paths) / cpu:.0f} img per CPU-second, {len(paths)} photos)"
    )
    # 4. one upload: bytes -> vector + categories (the serving session, 1 thread)
    serving = load_photo_model(store=store)
    upload = Path(test["photo"][0]).read_bytes()
    timings = []
    for _ in range(UPLOAD_REPEATS):
        started = time.perf_counter()
        serving.analyse([upload])
        timings.append((time.perf_counter() - started) * 1000)
    lines.append(
        f"one upload, embed + photo categories (1 thread): {statistics.median(timings):.1f} ms median"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
