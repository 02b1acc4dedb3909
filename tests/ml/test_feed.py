"""Personal feed: CF, hybrid blend, artifacts - on a small synthetic catalog and SIMULATED shoppers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from ml.recommend.cf import ImplicitCF, confidence_matrix
from ml.recommend.events import STARS, is_rating, rating_event
from ml.recommend.hybrid import BlendWeights, HybridRecommender, blend_weights
from ml.recommend.similar import load_similarity_index
from ml.recommend.train import build_recommenders, load_hybrid
from ml.simulation.shoppers import SimulationConfig, simulate_shoppers
from ml.store import ArtifactMissing, ArtifactStore
from tests.ml.synthetic import synthetic_catalog

SMALL_CF = {"factors": 16, "iterations": 10, "alpha": 10.0, "num_threads": 1}


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return synthetic_catalog(500, seed=3)


@pytest.fixture(scope="module")
def simulation(catalog):
    config = SimulationConfig(n_shoppers=400, seed=11, noise=0.05)
    return simulate_shoppers(catalog, config)


@pytest.fixture(scope="module")
def hybrid(catalog, simulation) -> HybridRecommender:
    events, _ = simulation
    return HybridRecommender(cf=ImplicitCF(**SMALL_CF)).fit(catalog, events)


def history_of(events: pd.DataFrame, user: str) -> list[tuple[int, str]]:
    rows = events[events["user"] == user]
    return list(zip(rows["item"].astype(int), rows["event"], strict=True))


def test_simulation_is_deterministic_and_labelled(catalog):
    config = SimulationConfig(n_shoppers=20, seed=5)
    first, shoppers = simulate_shoppers(catalog, config)
    second, _ = simulate_shoppers(catalog, config)
    pd.testing.assert_frame_equal(first, second)
    assert set(first["event"]) <= {"view", "cart", "purchase", *(rating_event(n) for n in STARS)}
    assert first["user"].str.startswith("u:sim").all() and len(shoppers) == 20


def test_simulated_shoppers_rate_what_they_bought_by_their_taste(catalog):
    events, shoppers = simulate_shoppers(catalog, SimulationConfig(n_shoppers=300, seed=5))
    ratings = events[events["event"].map(is_rating)]
    bought = events[events["event"] == "purchase"]
    assert 0 < len(ratings) < len(bought)  # some of what was bought, once each at most
    assert set(zip(ratings["user"], ratings["item"], strict=True)) <= set(
        zip(bought["user"], bought["item"], strict=True))
    # Stars follow the hidden taste: products in a favourite colour are rated higher.
    colour = catalog.set_index("id")["baseColour"]
    taste = {s.key: set(s.colours) for s in shoppers}
    stars = ratings["event"].str[-1].astype(int)
    pairs = zip(ratings["user"], ratings["item"], strict=True)
    favourite = np.array([colour[item] in taste[user] for user, item in pairs])
    assert stars[favourite].mean() > stars[~favourite].mean() + 0.5
    # The ratings draw from their own stream: without them, the same views, carts and purchases.
    unrated, _ = simulate_shoppers(catalog, SimulationConfig(n_shoppers=300, seed=5, rating_rate=0.0))
    pd.testing.assert_frame_equal(events[~events["event"].map(is_rating)].reset_index(drop=True), unrated)


def test_a_poor_rating_takes_a_purchase_back_and_a_good_one_adds_to_it(catalog, simulation):
    events, _ = simulation
    cf = ImplicitCF(**SMALL_CF).fit(events, catalog["id"])
    item = int(catalog["id"].iloc[0])
    bought = [(item, "purchase")]
    assert cf.evidence([*bought, (item, rating_event(1))]) < cf.evidence([*bought, (item, rating_event(3))])
    assert cf.evidence([*bought, (item, rating_event(3))]) == cf.evidence(bought)  # 3 stars: neutral
    assert cf.evidence([*bought, (item, rating_event(5))]) > cf.evidence(bought)
    # A product whose events sum to 0 or less is no evidence: no factor from it.
    assert not cf.user_vector([(item, "view"), (item, rating_event(2))]).any()
    with pytest.raises(ValueError, match="1 to 5"):
        rating_event(6)


def test_cf_recommends_the_simulated_taste_above_chance(catalog, simulation):
    events, shoppers = simulation
    cf = ImplicitCF(**SMALL_CF).fit(events, catalog["id"])
    types = catalog.set_index("id")["articleType"]
    shares, chance = [], []
    for shopper in shoppers[:150]:
        history = history_of(events, shopper.key)
        if not history:
            continue
        favourite = set(shopper.article_types)
        recs = cf.recommend(history, k=10, exclude={i for i, _ in history})
        shares.append(np.mean([types[i] in favourite for i, _ in recs]))
        chance.append(types.isin(favourite).mean())
    assert np.mean(shares) > 2 * np.mean(chance)


def test_fold_in_matches_implicit_recalculate_user(catalog, simulation):
    from implicit.cpu.als import AlternatingLeastSquares

    events, shoppers = simulation
    cf = ImplicitCF(**SMALL_CF).fit(events, catalog["id"])
    history = history_of(events, shoppers[0].key)
    model = AlternatingLeastSquares(factors=cf.factors, regularization=cf.regularization, alpha=cf.alpha)
    model.item_factors = cf.item_factors_
    row_of = {int(i): r for r, i in enumerate(catalog["id"])}
    user_items, _ = confidence_matrix(
        pd.DataFrame({"user": "x", "item": [i for i, _ in history], "event": [e for _, e in history]}),
        row_of,
        cf.weights_,
    )
    expected = model.recalculate_user(0, sp.csr_matrix(user_items))
    assert np.allclose(cf.user_vector(history), expected, atol=1e-3)


def test_cf_is_deterministic(catalog, simulation):
    events, _ = simulation
    first = ImplicitCF(**SMALL_CF).fit(events, catalog["id"]).item_factors_
    second = ImplicitCF(**SMALL_CF).fit(events, catalog["id"]).item_factors_
    assert np.array_equal(first, second)


def test_blend_weights_move_smoothly_from_trending_to_cf():
    params = BlendWeights()
    assert blend_weights(0, 0, params) == {"cf": 0.0, "content": 0.0, "popularity": 1.0}
    previous_cf = -1.0
    for evidence in [1, 2, 5, 10, 30, 100, 1000]:
        weights = blend_weights(evidence, evidence, params)
        assert sum(weights.values()) == pytest.approx(1.0)
        assert weights["cf"] > previous_cf
        previous_cf = weights["cf"]
    few, many = blend_weights(2, 2, params), blend_weights(500, 500, params)
    assert few["content"] > few["cf"] and many["cf"] > many["content"]


def test_bought_and_excluded_items_are_not_recommended(hybrid, simulation):
    events, shoppers = simulation
    for shopper in shoppers[:40]:
        history = history_of(events, shopper.key)
        bought = {i for i, e in history if e == "purchase"}
        viewed = {i for i, e in history if e == "view"}
        exclude = set(list(viewed)[:3])
        recs = {r.product_id for r in hybrid.recommend(history, k=20, exclude=exclude, exclude_seen=False)}
        assert len(recs) == 20
        assert not recs & bought and not recs & exclude
        # by default nothing from the history comes back
        assert not {r.product_id for r in hybrid.recommend(history, k=20)} & (bought | viewed)


def test_hybrid_follows_the_history(hybrid, catalog):
    dresses = catalog[catalog["articleType"] == "Dresses"]["id"].astype(int).tolist()[:4]
    recs = hybrid.recommend([(i, "view") for i in dresses], k=10)
    types = catalog.set_index("id").loc[[r.product_id for r in recs], "articleType"]
    assert (types == "Dresses").mean() >= 0.5
    assert all(r.reason for r in recs)


def test_anonymous_feed_is_trending(hybrid, simulation):
    events, _ = simulation
    recs = hybrid.recommend([], k=10)
    counts = events["item"].value_counts()
    assert counts.reindex([r.product_id for r in recs]).fillna(0).mean() > counts.mean()
    assert {r.reason for r in recs} == {"trending now"}


def test_without_events_the_feed_still_works(catalog):
    model = HybridRecommender().fit(catalog, None)
    assert model.cf_ is None
    assert len(model.recommend([], k=5)) == 5
    jeans = catalog[catalog["articleType"] == "Jeans"]["id"].astype(int).tolist()[:2]
    recs = model.recommend([(jeans[0], "purchase"), (jeans[1], "view")], k=5)
    assert jeans[0] not in {r.product_id for r in recs}
    assert recs[0].reason.startswith("like the jeans")


def test_build_and_load_recommenders(catalog, simulation, tmp_path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(ArtifactMissing):
        load_hybrid(store=store)
    events, shoppers = simulation
    summary = build_recommenders(
        catalog=catalog,
        events=events,
        store=store,
        hybrid=HybridRecommender(cf=ImplicitCF(**SMALL_CF)),
    )
    assert summary["cf_trained"] and summary["n_events"] == len(events)
    hybrid = load_hybrid(store=store)
    index = load_similarity_index(store=store)
    assert hybrid.metadata["name"] == "hybrid" and hybrid.metadata["data_fingerprint"]
    history = history_of(events, shoppers[0].key)
    assert len(hybrid.recommend(history, k=5)) == 5
    assert len(index.similar(int(catalog["id"].iloc[0]), k=5)) == 5


def test_the_hybrid_is_a_scikit_learn_estimator(catalog, simulation):
    """Parameters are kept as given, so clone() and set_params() work; fitting fills ``_`` attributes."""
    model = HybridRecommender(cf=ImplicitCF(**SMALL_CF), recency_half_life=5.0)
    copy = clone(model)
    assert copy.get_params()["recency_half_life"] == 5.0 and copy.get_params()["cf"].factors == 16
    assert copy.blend is None and copy.event_weights is None
    copy.set_params(min_cf_events=10**9)
    copy.fit(catalog, simulation[0])
    assert copy.cf_ is None and copy.event_weights_["purchase"] == 5.0
    assert not hasattr(model, "ids_")
