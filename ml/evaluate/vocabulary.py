"""Names in words the catalog never uses: ``python -m ml.evaluate.vocabulary`` (``make evaluate``).

``vocabulary_names.csv`` holds garment and accessory names written as sellers write them,
each built around a word the catalog's names never or rarely use ("men pullover grey",
"women palazzo", "brown suede moccasins for men"), labelled with the catalog's taxonomy.
The cascade is fitted on the 90% train split twice, without and with the evidence for such
names (the sentence embedding, and the temperature on unknown words; see
:mod:`ml.categorize.cascade`), and both are measured on that set:

- accuracy of article type and gender;
- how many answers the shop would fill in (confidence >= :data:`SURE_ENOUGH`), how many of
  those are wrong, and how many garments or accessories would be filled in as footwear;
- a reliability table (confidence bins: share of names, mean confidence, accuracy) and the
  expected calibration error (ECE);

and, so that the gain is not paid elsewhere, the article type on the held-out catalog names
and on the seller-style phrases made from them, the training time and the time of one
prediction.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ml.catalog.dataset import load_styles, train_test_split_by_id
from ml.catalog.schema import ARTICLE, GENDER, MASTER, NAME
from ml.catalog.text import normalize, singular
from ml.categorize import embedding
from ml.categorize.augment import seller_style_test_set
from ml.categorize.cascade import CategoryCascade, text_and_labels

NAMES_CSV = Path(__file__).with_name("vocabulary_names.csv")
# The confidence at which the shop fills a field in (main.ml_bridge.SURE_ENOUGH; ml cannot
# import the Django side, so the value is repeated here and checked by a test).
SURE_ENOUGH = 0.6
RELIABILITY_BINS = 5  # 137 names: five bins keep each bin's accuracy readable
TIMED_NAMES = 200  # single predictions timed per model
FOOTWEAR = "Footwear"
MODELS = {
    "before (TF-IDF only)": {"embedding_weight": 0.0, "unknown_word_temperature": 0.0},
    "after (default)": {},
}


def load_names(path: Path = NAMES_CSV) -> pd.DataFrame:
    """The development set: ``name``, the four path levels and ``word`` (its unusual word)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def word_counts(names: pd.Series, words: pd.Series) -> list[int]:
    """How many of ``names`` use each word (every word of a phrase like "trench coat")."""
    vocabulary = Counter(word for name in names for word in set(map(singular, normalize(name).split())))
    return [min(vocabulary[singular(word)] for word in normalize(phrase).split())
            for phrase in words]


def reliability(confidence: np.ndarray, correct: np.ndarray,
                bins: int = RELIABILITY_BINS) -> tuple[list[tuple[str, int, float, float]], float]:
    """Rows ``(bin, names, mean confidence, accuracy)`` and the expected calibration error
    (the names-weighted mean of |confidence - accuracy| over the bins)."""
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    rows, error = [], 0.0
    for b in range(bins):
        inside = index == b
        if not inside.any():
            rows.append((f"{b / bins:.1f}-{(b + 1) / bins:.1f}", 0, float("nan"), float("nan")))
            continue
        mean_confidence, accuracy = confidence[inside].mean(), correct[inside].mean()
        rows.append((f"{b / bins:.1f}-{(b + 1) / bins:.1f}", int(inside.sum()),
                     float(mean_confidence), float(accuracy)))
        error += inside.mean() * abs(mean_confidence - accuracy)
    return rows, float(error)


def measure(model: CategoryCascade, names: pd.DataFrame) -> dict:
    """Accuracy, fill-in counts and calibration of ``model`` on the development set."""
    predictions = model.predict(list(names[NAME]))
    measured = {}
    for level in (ARTICLE, GENDER):
        labels = np.array([p.label(level) for p in predictions], dtype=object)
        confidence = np.array([p.levels[level].confidence for p in predictions])
        correct = labels == names[level].to_numpy()
        filled = confidence >= SURE_ENOUGH
        table, ece = reliability(confidence, correct)
        measured[level] = {"accuracy": correct.mean(), "filled": int(filled.sum()),
                           "filled_wrong": int((filled & ~correct).sum()),
                           "table": table, "ece": ece, "labels": labels,
                           "confidence": confidence}
    article = measured[ARTICLE]
    as_footwear = np.array([p.label(MASTER) == FOOTWEAR for p in predictions])
    measured["footwear_filled"] = int(
        ((names[MASTER].to_numpy() != FOOTWEAR) & as_footwear
         & (article["confidence"] >= SURE_ENOUGH)).sum()
    )
    return measured


def single_prediction_ms(model: CategoryCascade, names: list[str]) -> float:
    """Median time of one ``predict_one`` on one thread (new names, nothing cached)."""
    with threadpool_limits(limits=1):
        model.predict_one(names[0])  # lazy imports, the encoder's first call
        timings = []
        for name in names:
            start = time.perf_counter()
            model.predict_one(name)
            timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=Path, default=NAMES_CSV, help="development set (csv)")
    parser.add_argument("--list", action="store_true", help="print every name's answers")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    started = time.perf_counter()
    names = load_names(args.names)
    train, test = train_test_split_by_id(load_styles())
    seller = seller_style_test_set(train, test)
    counts = word_counts(train[NAME], names["word"])
    print(f"{len(names)} names in unusual words; their word is used by 0 train names in "
          f"{sum(c == 0 for c in counts)}, 1-5 in {sum(0 < c <= 5 for c in counts)}, "
          f"6-30 in {sum(5 < c <= 30 for c in counts)} (median {statistics.median(counts):.0f})")

    results, extra = {}, {}
    for title, settings in MODELS.items():
        start = time.perf_counter()
        model = CategoryCascade(n_jobs=2, **settings).fit(*text_and_labels(train))
        fit_seconds = time.perf_counter() - start
        embedding.clear_cache()
        results[title] = measure(model, names)
        holdout = model.predict_labels(list(test[NAME]))[ARTICLE] == test[ARTICLE].to_numpy()
        phrases = model.predict_labels(list(seller[NAME]))[ARTICLE] == seller[ARTICLE].to_numpy()
        extra[title] = {
            "held-out catalog names, article type": f"{holdout.mean():.2%}",
            f"seller-style phrases ({len(seller)}), article type": f"{phrases.mean():.2%}",
            "training on the train split (2 processes)": f"{fit_seconds:.0f} s",
            "one prediction, median, 1 thread": (
                f"{single_prediction_ms(model, list(seller[NAME])[:TIMED_NAMES]):.1f} ms"),
        }
        if args.list:
            result = results[title]
            print(f"\n{title}: name / expected / article (confidence) / gender")
            for row, name in enumerate(names[NAME]):
                print(f"  {name:38s} {names[ARTICLE].iat[row]:22s} "
                      f"{result[ARTICLE]['labels'][row]:22s} "
                      f"({result[ARTICLE]['confidence'][row]:.2f}) {result[GENDER]['labels'][row]}")

    titles = list(MODELS)
    print(f"\n{'':48s}" + "".join(f"{title:>24s}" for title in titles))
    for level in (ARTICLE, GENDER):
        print(f"{level}")
        for key, label in (("accuracy", "accuracy"), ("filled", f"filled in (conf >= {SURE_ENOUGH})"),
                           ("filled_wrong", "filled in wrongly"), ("ece", "ECE")):
            cells = [results[t][level][key] for t in titles]
            shown = [f"{c:.2%}" if key == "accuracy" else f"{c:.3f}" if key == "ece" else str(c)
                     for c in cells]
            print(f"  {label:46s}" + "".join(f"{cell:>24s}" for cell in shown))
    print(f"  {'non-footwear filled in as footwear':46s}"
          + "".join(f"{results[t]['footwear_filled']:>24d}" for t in titles))
    for key in extra[titles[0]]:
        print(f"{key:48s}" + "".join(f"{extra[t][key]:>24s}" for t in titles))

    print(f"\nArticle-type reliability ({RELIABILITY_BINS} confidence bins): names, mean "
          "confidence, accuracy")
    for title in titles:
        cells = [f"{bin_}: {n:3d} " + (f"{conf:.2f}/{acc:.2f}" if n else "   -     ")
                 for bin_, n, conf, acc in results[title][ARTICLE]["table"]]
        print(f"  {title:22s} " + " | ".join(cells))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
