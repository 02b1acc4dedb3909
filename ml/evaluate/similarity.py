"""Measure the similar-items index: ``python -m ml.evaluate.similarity``.

Prints, for the dataset catalog (``FASHION_DATA``):

* coherence: share of top-10 similar items with the same articleType AND gender as the
  query, (a) over 1,000 random catalog products, (b) over products NOT in the index (built
  on the train split, queried with test-split rows through ``similar_to_new``);
* coverage: share of the catalog that appears in some product's top-10;
* build time, peak memory (peak RSS of this process from ``resource.getrusage``, so it
  includes pandas and the catalog), and the median lookup time of ``similar()`` on the
  saved, memory-mapped index.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from ml.catalog.cleaning import catalog_from_styles
from ml.catalog.dataset import load_styles, train_test_split_by_id
from ml.evaluate import run_summary
from ml.recommend.similar import SimilarityIndex

TOP = 10


def coherence(catalog: pd.DataFrame, queries: pd.DataFrame, neighbours: list[list[int]]) -> float:
    """Share of neighbours with the query's articleType and gender (missing slots count as misses)."""
    by_id = catalog.set_index("id")[["articleType", "gender"]]
    hits = total = 0
    for (_, query), ids in zip(queries.iterrows(), neighbours, strict=True):
        found = by_id.loc[ids] if ids else by_id.iloc[:0]
        same = (found["articleType"] == query["articleType"]) & (found["gender"] == query["gender"])
        hits += int(same.sum())
        total += TOP
    return hits / total


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def lookup_median_us(index: SimilarityIndex, ids: np.ndarray) -> float:
    timings = []
    for product_id in ids:
        started = time.perf_counter()
        index.similar(int(product_id), k=TOP)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings) * 1e6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1000, help="catalog queries for coherence (a)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    run_started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    catalog = catalog_from_styles(load_styles())
    print(f"Catalog: {len(catalog):,} products")

    # (a) whole catalog
    started = time.perf_counter()
    index = SimilarityIndex.build(catalog)
    build_seconds = time.perf_counter() - started
    build_peak = peak_rss_mb()
    sample = catalog.iloc[rng.choice(len(catalog), size=min(args.sample, len(catalog)), replace=False)]
    with tempfile.TemporaryDirectory() as folder:
        index.save(folder)
        loaded = SimilarityIndex.load(folder)
        lookups = lookup_median_us(loaded, sample["id"].to_numpy())
        neighbours = [[r.product_id for r in loaded.similar(int(i), k=TOP)] for i in sample["id"]]
        top = np.asarray(loaded.neighbour_ids[:, :TOP])
        # Coverage counts the same carousels similar() shows: the first TOP of the table.
        coverage = len(np.unique(top[top >= 0])) / len(catalog)
        del loaded, top
    coherence_catalog = coherence(catalog, sample, neighbours)

    # (b) products the index has never seen
    train, test = train_test_split_by_id(catalog)
    started = time.perf_counter()
    train_index = SimilarityIndex.build(train)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    new_neighbours: list[list[int]] = []
    for start in range(0, len(test), 256):
        batch = test.iloc[start : start + 256]
        new_neighbours += [[r.product_id for r in recs] for recs in train_index.similar_to_new(batch, k=TOP)]
    new_ms = (time.perf_counter() - started) / max(len(test), 1) * 1000
    coherence_new = coherence(catalog, test, new_neighbours)

    print(f"{'metric':<52}{'value':>12}{'goal':>10}")
    rows = [
        (f"coherence@{TOP}, {len(sample):,} catalog products", f"{coherence_catalog:.3f}", ">= 0.95"),
        (f"coherence@{TOP}, {len(test):,} new products (train split)", f"{coherence_new:.3f}", ">= 0.95"),
        (f"coverage@{TOP} (share of catalog shown somewhere)", f"{coverage:.3f}", ">= 0.85"),
        (f"build time, {len(catalog):,} products (s)", f"{build_seconds:.1f}", "<= 120"),
        ("peak RSS during full build (MB, getrusage)", f"{build_peak:.0f}", "<= 2048"),
        ("similar() lookup median, mmap index (us)", f"{lookups:.0f}", "<= 1000"),
        (f"build time, train split {len(train):,} (s)", f"{train_seconds:.1f}", ""),
        ("similar_to_new, per product in batches of 256 (ms)", f"{new_ms:.2f}", ""),
    ]
    for name, value, goal in rows:
        print(f"{name:<52}{value:>12}{goal:>10}")
    print(f"peak RSS of the whole run (MB, getrusage): {peak_rss_mb():.0f}")
    print(run_summary(run_started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
