"""Measure the categorization model: ``python -m ml.evaluate.categorization`` (``make evaluate``).

Trains on the 90% train split and evaluates on the 10% test split of ``ml.catalog.dataset``:

1. accuracy and macro-F1 per level for the Naive Bayes cascade, the default cascade and the
   flat baseline (same features, one model per level);
2. articleType accuracy on seller-style phrases generated from the test split only, and on a
   small hand-written list of seller phrases (independent of the generator);
3. where the default cascade's articleType errors come from: how much of each test name the
   training rows had seen, how many test labels contradict the training labels of the very
   same name, and the most frequent confusions;
4. speed of the default cascade on one core: single-prediction median, batch throughput,
   artifact load time, training time.

``--cv K`` adds a K-fold cross-validation of the default cascade inside the train split
(scikit-learn's ``cross_val_score``; the holdout is not touched): how the constants of
:mod:`ml.categorize` were chosen, and how a new setting should be.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, cross_val_score
from threadpoolctl import threadpool_limits

from ml.catalog.dataset import fingerprint, load_styles, train_test_split_by_id
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, LEVELS, NAME
from ml.catalog.text import mentions_gender, normalize
from ml.categorize.augment import seller_style_test_set
from ml.categorize.cascade import CategoryCascade, FlatCategorizer, text_and_labels
from ml.categorize.memory import NameMemory
from ml.store import ArtifactStore

PHOTO_MODELS = Path(__file__).resolve().parents[2] / "models" / "evaluate-photo"

# Phrases as a seller might type them, with the article type a catalog editor would pick.
# Written by hand, not drawn from the dataset, so they check the generator's assumptions too.
HANDWRITTEN_PHRASES = (
    ("blue denim jeans for men", "Jeans"),
    ("women floral summer dress", "Dresses"),
    ("mens white cotton shirt", "Shirts"),
    ("black round neck t-shirt", "Tshirts"),
    ("ladies red top", "Tops"),
    ("girls pink tshirt", "Tshirts"),
    ("men's running shoes", "Sports Shoes"),
    ("black leather formal shoes for men", "Formal Shoes"),
    ("casual sneakers", "Casual Shoes"),
    ("women high heels", "Heels"),
    ("brown leather sandals for men", "Sandals"),
    ("rubber flip flops", "Flip Flops"),
    ("women ballet flats", "Flats"),
    ("analog watch for men", "Watches"),
    ("ladies wrist watch", "Watches"),
    ("aviator sunglasses", "Sunglasses"),
    ("leather wallet for men", "Wallets"),
    ("brown leather belt", "Belts"),
    ("women leather handbag", "Handbags"),
    ("school backpack", "Backpacks"),
    ("laptop bag", "Laptop Bag"),
    ("silk saree", "Sarees"),
    ("cotton kurta for women", "Kurtas"),
    ("men's track pants", "Track Pants"),
    ("women leggings", "Leggings"),
    ("men casual shorts", "Shorts"),
    ("formal trousers for men", "Trousers"),
    ("knee length skirt", "Skirts"),
    ("woollen sweater", "Sweaters"),
    ("grey hooded sweatshirt", "Sweatshirts"),
    ("men's denim jacket", "Jackets"),
    ("padded bra", "Bra"),
    ("men's cotton briefs", "Briefs"),
    ("ankle socks pack of 3", "Socks"),
    ("women nightdress", "Nightdress"),
    ("red lipstick", "Lipstick"),
    ("nail polish", "Nail Polish"),
    ("deodorant spray for men", "Deodorant"),
    ("perfume for women", "Perfume and Body Mist"),
    ("gold plated earrings", "Earrings"),
    ("silver pendant", "Pendant"),
    ("baseball cap", "Caps"),
    ("silk tie", "Ties"),
    ("woollen scarf", "Scarves"),
    ("cufflinks", "Cufflinks"),
    ("face wash", "Face Wash and Cleanser"),
    ("kajal", "Kajal and Eyeliner"),
    ("boys printed t shirts", "Tshirts"),
    ("blue jeans", "Jeans"),
    ("tshrit for men", "Tshirts"),  # a typo on purpose
)


def _calibration_errors(model: CategoryCascade, frame) -> dict[str, float]:
    """Expected calibration error per level: |confidence - accuracy|, averaged over 10 bins."""
    predictions = model.predict(list(frame[NAME]))
    errors = {}
    for level in LEVELS:
        truth = frame[level].to_numpy()
        labelled = truth != ""
        confidence = np.array([p.levels[level].confidence for p in predictions])[labelled]
        correct = np.array([p.label(level) for p in predictions])[labelled] == truth[labelled]
        bins = np.minimum((confidence * 10).astype(int), 9)
        errors[level] = sum(
            (bins == b).mean() * abs(confidence[bins == b].mean() - correct[bins == b].mean())
            for b in range(10)
            if (bins == b).any()
        )
    return errors


def _article_error_sources(
    train: pd.DataFrame, test: pd.DataFrame, guess: np.ndarray
) -> list[str]:
    """Lines that say where articleType errors come from, so that the figure can be read.

    Each test name falls in one group: the identical name is in training; else its product
    line is (the same words once colours and numbers are dropped, as in :class:`NameMemory`);
    else the line is new. A test row whose identical name training labels only with other
    article types "contradicts training": from the name alone, predicting its label would
    mean going against every training row that has that name.
    """
    lines = NameMemory(colours=train[COLOUR].unique(), min_words=0)
    seen_names: defaultdict[str, set[str]] = defaultdict(set)
    for name, article in zip(train[NAME], train[ARTICLE], strict=True):
        seen_names[normalize(name)].add(article)
    seen_lines = {lines.key(name) for name in train[NAME]}
    truth = test[ARTICLE].to_numpy()
    wrong = guess != truth
    names = list(test[NAME])
    normalised = [normalize(name) for name in names]
    group = np.array([
        "identical name in training" if key in seen_names
        else "same product line in training" if lines.key(name) in seen_lines
        else "new product line"
        for name, key in zip(names, normalised, strict=True)
    ])
    contradicts = np.array([
        key in seen_names and article not in seen_names[key]
        for key, article in zip(normalised, truth, strict=True)
    ])
    report = [f"articleType errors of the default cascade: {wrong.sum()} of {len(truth)}"]
    for label in ("identical name in training", "same product line in training",
                  "new product line"):
        rows = group == label
        report.append(f"  {label:32s} {rows.sum():5d} names, {wrong[rows].sum():4d} errors "
                      f"({wrong[rows].mean():.2%})")
    report.append(f"  labels that contradict training (same name, only other article types "
                  f"there): {contradicts.sum()}, of which {wrong[contradicts].sum()} are errors")
    confusions = Counter(zip(truth[wrong], guess[wrong], strict=True)).most_common(6)
    report.append("  most frequent: " + "; ".join(
        f"{want} -> {got} {count}" for (want, got), count in confusions))
    return report


def _speed(model: CategoryCascade, names: list[str], fit_seconds: float) -> list[str]:
    """Single-prediction median, batch throughput and artifact load time, one thread."""
    with threadpool_limits(limits=1):
        singles = names[:1000]
        for name in singles[:50]:  # warm up caches and lazy imports
            model.predict_one(name)
        timings = []
        for name in singles:
            start = time.perf_counter()
            model.predict_one(name)
            timings.append(time.perf_counter() - start)
        batch_rates = []
        for _ in range(3):
            start = time.perf_counter()
            model.predict(names)
            batch_rates.append(len(names) / (time.perf_counter() - start))
        with tempfile.TemporaryDirectory() as folder:
            store = ArtifactStore(folder)
            store.save("categorizer", model, data_fingerprint="speedtest", training_rows=0)
            size_mb = sum(f.stat().st_size for f in Path(folder).rglob("*.joblib")) / 1e6
            loads = []
            for _ in range(3):
                start = time.perf_counter()
                store.load("categorizer")
                loads.append(time.perf_counter() - start)
    return [
        f"single prediction, median of {len(timings)} calls: "
        f"{statistics.median(timings) * 1000:.2f} ms (p95 "
        f"{np.percentile(timings, 95) * 1000:.2f} ms)",
        f"batch of {len(names)} names, median of 3: {statistics.median(batch_rates):,.0f} names/s",
        f"artifact load, median of 3: {statistics.median(loads):.2f} s ({size_mb:.0f} MB)",
        f"training (train split, {model.n_jobs} processes): {fit_seconds:.0f} s",
    ]


def _photo_columns(cascade: CategoryCascade, test: pd.DataFrame, models: Path) -> list[str]:
    """Name only, photo only and name + photo side by side (:func:`ml.evaluate.photo.side_by_side`)."""
    from ml.evaluate.photo import photo_styles, side_by_side
    from ml.photo.model import ARTIFACT_NAME, BATCH_THREADS, load_photo_model

    store = ArtifactStore(models)
    if store.missing([ARTIFACT_NAME]):
        return [f"(no photo model in {models}: `make evaluate-photo` trains it, then the photo columns show)"]
    photos = photo_styles().set_index("id")["photo"]
    rows = test[test["id"].isin(photos.index)].reset_index(drop=True)
    rows["photo"] = photos.loc[rows["id"]].to_numpy()
    model = load_photo_model(store=store, threads=BATCH_THREADS)
    header = (f"Held-out products with a photo ({len(rows)} of {len(test)}), default cascade + photo model "
              f"{model.model_version}: accuracy")
    return [header, *side_by_side(cascade, model, rows)]


def cross_validation(train: pd.DataFrame, folds: int) -> list[str]:
    """K-fold articleType accuracy of the default cascade inside the train split."""
    X, y = text_and_labels(train)
    splitter = KFold(folds, shuffle=True, random_state=0)
    scores = cross_val_score(CategoryCascade(n_jobs=2), X, y, cv=splitter)
    return [f"{folds}-fold CV inside the train split, articleType accuracy: "
            f"mean {scores.mean():.2%}, folds " + ", ".join(f"{score:.2%}" for score in scores)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=0, metavar="K",
                        help="also run K-fold cross-validation inside the train split")
    parser.add_argument("--photo-models", type=Path, default=PHOTO_MODELS,
                        help="store with the evaluation photo model (`make evaluate-photo` trains it)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    started = time.perf_counter()
    frame = load_styles()
    train, test = train_test_split_by_id(frame)
    seller = seller_style_test_set(train, test)
    print(f"catalog: {len(frame)} rows, train {len(train)}, test {len(test)} "
          f"(fingerprint {fingerprint(frame)}); seller-style phrases from test: {len(seller)}")

    models = {
        "NB cascade": CategoryCascade("nb", n_jobs=2),
        "cascade (default)": CategoryCascade(n_jobs=2),
        "flat baseline": FlatCategorizer(n_jobs=2),
    }
    fit_seconds = {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(*text_and_labels(train))
        fit_seconds[name] = time.perf_counter() - start

    predictions = {name: m.predict_labels(list(test[NAME]))
                   for name, m in models.items()}
    calibration = _calibration_errors(models["cascade (default)"], test)
    print(f"\nHeld-out catalog names ({len(test)} rows): accuracy / macro-F1")
    print(f"{'level':15s}" + "".join(f"{name:>22s}" for name in models) + f"{'default ECE':>13s}")
    for level in LEVELS:
        truth = test[level].to_numpy()
        labelled = truth != ""
        cells = []
        for name in models:
            guess = predictions[name][level][labelled]
            accuracy = (guess == truth[labelled]).mean()
            macro = f1_score(truth[labelled], guess, average="macro", zero_division=0)
            cells.append(f"{accuracy:.2%} / {macro:.3f}")
        print(f"{level:15s}" + "".join(f"{cell:>22s}" for cell in cells)
              + f"{calibration[level]:>13.3f}")
    print("(ECE: expected calibration error of the default cascade's confidences, 10 bins)")

    phrases = [phrase for phrase, _ in HANDWRITTEN_PHRASES]
    expected = np.array([article for _, article in HANDWRITTEN_PHRASES], dtype=object)
    print("\nSeller-style phrases: articleType accuracy (last row: gender)")
    print(f"{'set':38s}" + "".join(f"{name:>22s}" for name in models))
    generated = [m.predict_labels(list(seller[NAME])) for m in models.values()]
    handwritten = [(m.predict_labels(phrases)[ARTICLE] == expected).mean()
                   for m in models.values()]
    print(f"{f'generated from test split ({len(seller)})':38s}" + "".join(
        f"{(labels[ARTICLE] == seller[ARTICLE].to_numpy()).mean():>22.2%}"
        for labels in generated))
    print(f"{f'hand-written ({len(phrases)})':38s}"
          + "".join(f"{value:>22.2%}" for value in handwritten))
    says = seller[NAME].map(mentions_gender).to_numpy()
    print(f"{f'gender, phrases that say it ({says.sum()})':38s}" + "".join(
        f"{(labels[GENDER][says] == seller[GENDER].to_numpy()[says]).mean():>22.2%}"
        for labels in generated))

    print()
    for line in _article_error_sources(train, test, predictions["cascade (default)"][ARTICLE]):
        print(line)

    cascade = models["cascade (default)"]
    misses = [(phrase, want, got) for (phrase, want), got in
              zip(HANDWRITTEN_PHRASES, cascade.predict_labels(phrases)[ARTICLE], strict=True)
              if want != got]
    for phrase, want, got in misses:
        print(f"  hand-written miss: {phrase!r}: expected {want}, got {got}")

    print(f"\nDefault cascade: {cascade.n_branch_models_} branch models, "
          f"{len(cascade.taxonomy_)} taxonomy paths; speed on one core:")
    names = list(test[NAME]) + list(seller[NAME])
    for line in _speed(cascade, names[:5000], fit_seconds["cascade (default)"]):
        print(f"  {line}")
    print("training times: " + ", ".join(f"{n} {s:.0f} s" for n, s in fit_seconds.items()))
    print()
    for line in _photo_columns(cascade, test, args.photo_models):
        print(line)
    if args.cv:
        print()
        for line in cross_validation(train, args.cv):
            print(line)
    print(f"\n(total {time.perf_counter() - started:.0f} s, {os.cpu_count()} cores visible)")


if __name__ == "__main__":
    main()
