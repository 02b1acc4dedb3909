"""Offline evaluation of the personal feed on SIMULATED shoppers: ``python -m ml.evaluate.recommendations``.

Protocol (leave-last-purchase-out, shoppers unseen at training time):

1. Simulate a population of shoppers over the dataset catalog (``ml.simulation.shoppers``;
   these are NOT real customers).
2. Split the shoppers by a hash of their key: 60 % train, 20 % validation, 20 % test.
   Models are fitted on the train shoppers' events only.
3. For each validation/test shopper with a purchase, hold out their last purchase; their
   history is everything before it, minus any event on the held-out product.  The model
   folds the history in and must rank the held-out product in its top 10 (HR@10, NDCG@10);
   products already in the history are excluded for every model.
4. CF settings, the content recency and the blend are tuned on the validation shoppers
   only; the test shoppers are scored once, through ``HybridRecommender.recommend``.
5. Ratings as a signal: the simulated shoppers rate some of what they bought (1-5 stars from
   how well it matches their taste). Steps 1-4 see no rating; then the same hybrid (same
   settings) is fitted on the train shoppers' events with their ratings and scored on the
   same test cases with the ratings in their histories, side by side with the one without.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.catalog.cleaning import catalog_from_styles
from ml.catalog.dataset import load_styles
from ml.evaluate import run_summary
from ml.recommend.cf import ImplicitCF
from ml.recommend.events import is_rating
from ml.recommend.featurize import ProductFeaturizer
from ml.recommend.hybrid import BlendWeights, HybridRecommender
from ml.simulation.shoppers import SimulationConfig, simulate_shoppers

TOP = 10
SINGLE_MODELS = {
    "popularity": {"cf": 0.0, "content": 0.0, "popularity": 1.0},
    "content-only": {"cf": 0.0, "content": 1.0, "popularity": 0.0},
    "CF-only (ALS)": {"cf": 1.0, "content": 0.0, "popularity": 0.0},
}
CF_GRID = [
    {"factors": factors, "alpha": alpha, "regularization": 0.05, "iterations": 15}
    for factors, alpha in itertools.product([64, 128], [10.0, 30.0])
]
RECENCY_GRID = [3.0, 10.0, 30.0]
BLEND_GRID = [
    BlendWeights(personal_half=p, cf_half=c, content_popularity=q)
    for p, c, q in itertools.product([0.25, 0.5, 2.0], [8.0, 16.0, 32.0, 64.0], [0.05, 0.1, 0.2])
]


@dataclass(frozen=True)
class Case:
    """One held-out purchase: what the shopper did before, and what they bought next."""

    user: str
    history: list[tuple[int, str]]
    target: int


def split_of(user: str) -> str:
    fraction = int.from_bytes(hashlib.sha1(user.encode()).digest()[:4], "big") / 2**32
    return "train" if fraction < 0.6 else "validation" if fraction < 0.8 else "test"


def leave_last_purchase_out(events: pd.DataFrame) -> list[Case]:
    cases = []
    for user, rows in events.groupby("user", sort=True):
        purchases = rows[rows["event"] == "purchase"]
        if purchases.empty:
            continue
        last = purchases.iloc[-1]
        before = rows[(rows["timestamp"] < last["timestamp"]) & (rows["item"] != last["item"])]
        history = list(zip(before["item"].astype(int).tolist(), before["event"].tolist(), strict=True))
        cases.append(Case(str(user), history, int(last["item"])))
    return cases


def score_options(model: HybridRecommender, cases: list[Case], options: list) -> np.ndarray:
    """(HR@10, NDCG@10) per option from the rank of the target in the blended scores (fast,
    no de-duplication: used for tuning).  An option is a weight dict or a BlendWeights."""
    totals = np.zeros((len(options), 2))
    for case in cases:
        signals = model.signals(case.history)
        seen = [model._row_of[i] for i, _ in case.history if i in model._row_of]
        target = model._row_of[case.target]
        for j, option in enumerate(options):
            weights = option if isinstance(option, dict) else None
            if isinstance(option, BlendWeights):
                model.blend_ = option
            scores = model.blend_scores(signals, weights)
            scores[seen] = -np.inf
            # Ties count half (expected rank under random tie-breaking): a model that
            # scores everything 0 must not "hit" every target.
            rank = (scores > scores[target]).sum() + ((scores == scores[target]).sum() - 1) / 2
            if rank < TOP:
                totals[j] += (1.0, 1.0 / np.log2(rank + 2))
    return totals / max(len(cases), 1)


def score_feed(model: HybridRecommender, cases: list[Case], weights=None) -> tuple[float, float, float]:
    """(HR@10, NDCG@10, median ms) through the production ``recommend`` call."""
    hits, gains, timings = 0, 0.0, []
    for case in cases:
        started = time.perf_counter()
        feed = model.recommend(case.history, k=TOP, exclude={i for i, _ in case.history}, weights=weights)
        timings.append(time.perf_counter() - started)
        ids = [r.product_id for r in feed]
        if case.target in ids:
            hits += 1
            gains += 1.0 / np.log2(ids.index(case.target) + 2)
    n = max(len(cases), 1)
    return hits / n, gains / n, float(np.median(timings) * 1000)


def compare_ratings(*, base: HybridRecommender, catalog: pd.DataFrame, rated_events: pd.DataFrame,
                    cf_params: dict, item_matrix, without: list[Case]) -> dict[str, tuple]:
    """Step 5: HR@10 / NDCG@10 of the tuned feed without and with ratings as a signal, on the
    same held-out purchases (a rating comes after its purchase, so the targets are the same)."""
    split = rated_events["user"].map(split_of)
    stars = rated_events.loc[rated_events["event"].map(is_rating), "event"].str[-1].astype(int)
    spread = " ".join(f"{n}★ {(stars == n).sum():,}" for n in range(1, 6))
    print(f"\nRatings as a signal: {len(stars):,} ratings of bought products ({spread}); "
          f"mean {stars.mean():.2f} stars")
    rated = HybridRecommender(
        cf=ImplicitCF(**cf_params), blend=base.blend_, recency_half_life=base.recency_half_life
    ).fit(catalog, rated_events[split == "train"], item_matrix=item_matrix)
    with_ratings = leave_last_purchase_out(rated_events[split == "test"])
    assert [c.target for c in with_ratings] == [c.target for c in without], "the held-out purchases differ"
    print(f"{'model':<16}{'without ratings':>22}{'with ratings':>22}")
    print(f"{'':<16}{'HR@10':>11}{'NDCG@10':>11}{'HR@10':>11}{'NDCG@10':>11}")
    found = {}
    for name, weights in [("CF-only (ALS)", SINGLE_MODELS["CF-only (ALS)"]),
                          ("content-only", SINGLE_MODELS["content-only"]), ("hybrid", None)]:
        before = score_feed(base, without, weights)[:2]
        after = score_feed(rated, with_ratings, weights)[:2]
        found[name] = (before, after)
        print(f"{name:<16}{before[0]:>11.4f}{before[1]:>11.4f}{after[0]:>11.4f}{after[1]:>11.4f}")
    (hr0, ndcg0), (hr1, ndcg1) = found["hybrid"]
    print(f"ratings change the hybrid's HR@10 by {hr1 - hr0:+.4f}, NDCG@10 by {ndcg1 - ndcg0:+.4f} "
          f"({len(with_ratings):,} test cases)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    config = SimulationConfig(n_shoppers=args.shoppers, seed=args.seed)
    print("Personal feed evaluation on SIMULATED shoppers (not real customers).")
    print(f"Simulation: {config.describe()}")
    catalog = catalog_from_styles(load_styles())
    rated_events, _ = simulate_shoppers(catalog, config)
    ratings = rated_events["event"].map(is_rating)
    events = rated_events[~ratings]  # steps 1-4: the feed without ratings
    split = events["user"].map(split_of)
    train_events = events[split == "train"]
    validation = leave_last_purchase_out(events[split == "validation"])
    test = leave_last_purchase_out(events[split == "test"])
    counts = events["event"].value_counts()
    print(
        f"Events: {len(events):,} ({counts.get('view', 0):,} views, {counts.get('cart', 0):,} carts, "
        f"{counts.get('purchase', 0):,} purchases) from {events['user'].nunique():,} shoppers on "
        f"{len(catalog):,} products; train shoppers {train_events['user'].nunique():,}, "
        f"validation cases {len(validation):,}, test cases {len(test):,}"
    )
    item_matrix = ProductFeaturizer().fit(catalog).transform(catalog)

    # One hybrid fitted on the train shoppers; each tuning step swaps one part of it.
    base = HybridRecommender(cf=ImplicitCF(**CF_GRID[0])).fit(catalog, train_events, item_matrix=item_matrix)

    # 1. CF settings, by CF-only (HR@10, NDCG@10) on validation.
    best_cf, best_score = None, (-1.0, -1.0)
    for params in CF_GRID:
        base.cf_ = ImplicitCF(**params).fit(train_events, base.ids_)
        hr, ndcg = score_options(base, validation, [SINGLE_MODELS["CF-only (ALS)"]])[0]
        print(f"  tune CF {params}: validation HR@10 {hr:.4f} NDCG@10 {ndcg:.4f}")
        if (hr, ndcg) > best_score:
            best_cf, best_score, cf_model = params, (hr, ndcg), base.cf_
    base.cf_ = cf_model

    # 2. Content recency, by content-only (HR@10, NDCG@10) on validation.
    best_recency, best_score = None, (-1.0, -1.0)
    for recency in RECENCY_GRID:
        base.recency_half_life = recency
        hr, ndcg = score_options(base, validation, [SINGLE_MODELS["content-only"]])[0]
        print(f"  tune content recency {recency:g} events: validation HR@10 {hr:.4f} NDCG@10 {ndcg:.4f}")
        if (hr, ndcg) > best_score:
            best_recency, best_score = recency, (hr, ndcg)
    base.recency_half_life = best_recency

    # 3. Blend, by hybrid HR@10 (then NDCG) on validation.
    results = score_options(base, validation, BLEND_GRID)
    best = max(range(len(BLEND_GRID)), key=lambda j: (results[j, 0], results[j, 1]))
    base.blend_ = BLEND_GRID[best]
    hr, ndcg = results[best]
    print(f"  tune blend over {len(BLEND_GRID)} settings: best validation HR@10 {hr:.4f} NDCG@10 {ndcg:.4f}")
    print(f"Chosen: CF {best_cf}, recency half-life {best_recency:g} events, {base.blend_}")

    # 4. Test shoppers, once, through recommend().
    print(f"\nTest: {len(test):,} held-out last purchases of unseen SIMULATED shoppers, top {TOP}")
    print(f"{'model':<16}{'HR@10':>8}{'NDCG@10':>10}{'median ms':>11}")
    table = {}
    for name, weights in [*SINGLE_MODELS.items(), ("hybrid", None)]:
        hr, ndcg, ms = score_feed(base, test, weights)
        table[name] = hr
        print(f"{name:<16}{hr:>8.4f}{ndcg:>10.4f}{ms:>11.2f}")
    beaten = all(table["hybrid"] > table[name] for name in SINGLE_MODELS)
    print(f"hybrid beats every single model on HR@10: {'yes' if beaten else 'NO'}")
    compare_ratings(base=base, catalog=catalog, rated_events=rated_events, cf_params=best_cf,
                    item_matrix=item_matrix, without=test)
    print(run_summary(started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
