"""Similar items and complete-the-look, on a small synthetic catalog (no dataset needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from ml.catalog.colours import colours_go_together
from ml.recommend.complete_the_look import (
    CompleteTheLook,
    complements_for,
    first_distinct,
    load_complete_the_look,
    save_complete_the_look,
)
from ml.recommend.featurize import ProductFeaturizer
from ml.recommend.ranking import top_rows
from ml.recommend.similar import SimilarityIndex, load_similarity_index, save_similarity_index
from ml.store import ArtifactMissing, ArtifactStore
from tests.ml.synthetic import synthetic_catalog

VARIANT_NAME = "Aster {gender} Classic AS777 {colour} Tshirts"


def with_variants(catalog: pd.DataFrame) -> pd.DataFrame:
    """Add one men's T-shirt in five colours (ids 90000-90004): near-duplicates of each other."""
    template = catalog[(catalog["articleType"] == "Tshirts") & (catalog["gender"] == "Men")].iloc[0]
    rows = []
    for i, colour in enumerate(["Black", "White", "Blue", "Red", "Green"]):
        row = template.to_dict()
        row.update(id=90000 + i, name=VARIANT_NAME.format(gender="Men", colour=colour), baseColour=colour)
        rows.append(row)
    return pd.concat([catalog, pd.DataFrame(rows)], ignore_index=True)


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return with_variants(synthetic_catalog(600, seed=1))


@pytest.fixture(scope="module")
def index(catalog) -> SimilarityIndex:
    return SimilarityIndex.build(catalog, k=20, chunk_size=128)


@pytest.fixture(scope="module")
def look(index) -> CompleteTheLook:
    return CompleteTheLook(precompute=False).fit(index)


def attribute(catalog, product_id, column):
    return catalog.set_index("id").at[product_id, column]


def tier(query_gender: str, gender: str) -> int:
    if gender == query_gender:
        return 2
    return 1 if "Unisex" in (gender, query_gender) else 0


def test_featurizer_rows_are_unit_length_even_with_missing_fields(catalog):
    featurizer = ProductFeaturizer().fit(catalog)
    odd = catalog.iloc[:1].assign(description=None, baseColour="Plaid", usage="", season=np.nan)
    vectors = featurizer.transform(pd.concat([catalog.iloc[:50], odd]))
    norms = np.sqrt(vectors.multiply(vectors).sum(axis=1)).A1
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_never_returns_the_query_itself(index, catalog):
    for product_id in catalog["id"]:
        assert product_id not in [r.product_id for r in index.similar(product_id, k=10)]


def test_same_gender_items_come_before_others(index, catalog):
    genders = catalog.set_index("id")["gender"]
    for product_id in catalog["id"].sample(150, random_state=0):
        tiers = [tier(genders[product_id], genders[r.product_id]) for r in index.similar(product_id, k=10)]
        assert tiers == sorted(tiers, reverse=True), (product_id, tiers)


def test_mostly_same_article_type(index, catalog):
    types = catalog.set_index("id")["articleType"]
    same = [types[r.product_id] == types[i] for i in catalog["id"] for r in index.similar(i, k=5)]
    assert np.mean(same) > 0.9


def test_colour_variants_are_collapsed(index, catalog):
    variants = set(range(90000, 90005))
    # the query's own variants are not shown as "similar"
    assert not variants & {r.product_id for r in index.similar(90000, k=10)}
    # another men's T-shirt sees at most one of the five
    other = catalog[(catalog["articleType"] == "Tshirts") & (catalog["gender"] == "Men")]["id"].iloc[1]
    assert len(variants & {r.product_id for r in index.similar(int(other), k=20)}) <= 1


def test_scores_descend_within_a_tier_and_reasons_are_short(index, catalog):
    recs = index.similar(int(catalog["id"].iloc[3]), k=10)
    assert len(recs) == 10
    assert all(r.reason and len(r.reason) < 40 for r in recs)
    assert recs[0].score >= recs[-1].score


def test_new_product_gets_coherent_neighbours(index, catalog):
    new = (
        catalog[catalog["articleType"] == "Jeans"]
        .iloc[[0]]
        .assign(id=123456, name="Brandnew Men Slim Blue Jeans")
    )
    new["gender"] = "Men"
    (recs,) = index.similar_to_new(new, k=10)
    assert len(recs) == 10
    assert 123456 not in index
    same = [attribute(catalog, r.product_id, "articleType") == "Jeans" for r in recs]
    assert np.mean(same) >= 0.8


def test_new_product_with_unknown_values_still_works(index, catalog):
    odd = pd.DataFrame([{"id": 5, "name": "Mystery thing", "gender": "Robots", "articleType": "Gizmo"}])
    (recs,) = index.similar_to_new(odd, k=5)
    assert len(recs) == 5
    ids = [r.product_id for r in recs]
    assert len(set(ids)) == 5 and set(ids) <= set(catalog["id"])
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    # Nothing is known to match: no reason may claim the same type, category or colour.
    assert all(r.reason == "similar look" for r in recs)


def test_save_load_round_trip_memory_maps_the_table(index, catalog, tmp_path):
    index.save(tmp_path / "index")
    loaded = SimilarityIndex.load(tmp_path / "index")
    assert isinstance(loaded.neighbour_ids, np.memmap)
    assert loaded.neighbour_ids.dtype == np.int32 and loaded.scores.dtype == np.float32
    for product_id in catalog["id"].iloc[:20]:
        assert loaded.similar(product_id) == index.similar(product_id)


def test_artifact_round_trip_and_missing(index, catalog, tmp_path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(ArtifactMissing):
        load_similarity_index(store=store)
    save_similarity_index(index, catalog=catalog, store=store)
    loaded = load_similarity_index(store=store)
    assert loaded.metadata["name"] == "similarity"
    assert len(loaded) == len(catalog) and int(catalog["id"].iloc[0]) in loaded


# ---- complete the look -------------------------------------------------------------


def test_complete_the_look_gives_other_categories_of_compatible_gender(look, catalog):
    by_id = catalog.set_index("id")
    for product_id in catalog["id"].sample(60, random_state=2):
        query = by_id.loc[product_id]
        recs = look.recommend(int(product_id), k=8)
        for r in recs:
            item = by_id.loc[r.product_id]
            assert item["subCategory"] != query["subCategory"]
            assert tier(query["gender"], item["gender"]) >= 1
            assert colours_go_together(query["baseColour"], item["baseColour"])
            assert item["articleType"] in complements_for(query)
            assert r.reason.startswith("goes with")


def test_complete_the_look_for_jeans_is_varied(look, catalog):
    jeans = catalog[(catalog["articleType"] == "Jeans") & (catalog["gender"] == "Men")]["id"].iloc[0]
    recs = look.recommend(int(jeans), k=10)
    types = pd.Series([attribute(catalog, r.product_id, "articleType") for r in recs])
    assert {"Tshirts", "Belts", "Casual Shoes"} & set(types)
    assert types.value_counts().max() <= 2


def test_complete_the_look_for_a_new_product_row(look, catalog):
    row = {
        "id": 777777,
        "name": "Newbrand Women Floral Red Dress",
        "gender": "Women",
        "masterCategory": "Apparel",
        "subCategory": "Dress",
        "articleType": "Dresses",
        "baseColour": "Red",
        "usage": "Casual",
    }
    recs = look.recommend(row, k=6)
    assert len(recs) == 6 and all(r.product_id != 777777 for r in recs)
    by_id = catalog.set_index("id")
    for r in recs:
        item = by_id.loc[r.product_id]
        assert item["subCategory"] != "Dress" and item["articleType"] in complements_for(row)
        assert tier("Women", item["gender"]) >= 1
        assert colours_go_together("Red", item["baseColour"])
        assert r.reason.startswith("goes with dresses")


def test_complete_the_look_picks_what_the_shared_top_k_rule_picks():
    """``first_distinct`` is ``top_rows`` (with groups) for one row, ties included: the same
    candidates in the same order."""
    rng = np.random.default_rng(4)
    for _ in range(500):
        n = int(rng.integers(1, 400))
        scores = np.round(rng.random(n), int(rng.integers(1, 3))) + 0.5 * (rng.random(n) < 0.5)
        groups = rng.integers(0, max(1, n // int(rng.integers(1, 6))), size=n).astype(np.int32)
        k = int(rng.integers(1, 4))
        assert first_distinct(scores, groups, k) == top_rows(scores, k, groups=groups)


def test_the_precomputed_look_is_what_scoring_finds_for_every_product(index, catalog, tmp_path):
    look = CompleteTheLook().fit(index)
    for product_id in catalog["id"]:
        read, scored = look.recommend(int(product_id), k=30), look._scored(int(product_id), 30)
        assert [r.product_id for r in read] == [r.product_id for r in scored]
        assert [r.reason for r in read] == [r.reason for r in scored]
        assert np.allclose([r.score for r in read], [r.score for r in scored], atol=2e-4)
    store = ArtifactStore(tmp_path)
    saved_index = save_similarity_index(index, catalog=catalog, store=store)
    save_complete_the_look(look, store=store, similarity=saved_index)
    loaded = load_complete_the_look(store=store, index=load_similarity_index(store=store))
    assert isinstance(loaded.rows_, np.memmap)
    product = int(catalog["id"].iloc[0])
    assert loaded.recommend(product, k=8) == look.recommend(product, k=8)
    # A table computed from another index is not used: that index's products are scored.
    other = save_similarity_index(index, catalog=catalog, store=store)
    assert other["version"] != saved_index["version"]
    assert load_complete_the_look(store=store, index=load_similarity_index(store=store)).rows_ is None


def test_complete_the_look_is_a_scikit_learn_estimator(index, catalog):
    look = CompleteTheLook(per_type=1, precompute=False)
    assert look.get_params() == {"per_type": 1, "precompute": False}
    with pytest.raises(NotFittedError):
        look.recommend(int(catalog["id"].iloc[0]))
    assert look.fit(index) is look and look.rows_ is None
    fresh = clone(look)
    assert fresh.get_params() == look.get_params() and not hasattr(fresh, "blocks_")
    tabled = fresh.set_params(precompute=True).fit(index)
    assert tabled.rows_.shape[0] == len(index)
    for product_id in catalog["id"].iloc[:50]:
        answer = look.recommend(int(product_id), k=30)
        read = tabled.recommend(int(product_id), k=30)
        assert [r.product_id for r in read] == [r.product_id for r in answer]
        types = [attribute(catalog, r.product_id, "articleType") for r in answer]
        assert len(types) == len(set(types)), "per_type=1: one item of each complementary type"


def test_a_loaded_look_clones_into_the_look_it_holds(index, catalog, tmp_path):
    store = ArtifactStore(tmp_path)
    saved_index = save_similarity_index(index, catalog=catalog, store=store)
    save_complete_the_look(CompleteTheLook(precompute=False).fit(index), store=store, similarity=saved_index)
    loaded_index = load_similarity_index(store=store)
    loaded = load_complete_the_look(store=store, index=loaded_index)
    assert loaded.get_params()["precompute"] and isinstance(loaded.rows_, np.memmap)
    refitted = clone(loaded).fit(loaded_index)
    assert np.array_equal(refitted.rows_, loaded.rows_)
    product = int(catalog["id"].iloc[3])
    assert refitted.recommend(product, k=8) == loaded.recommend(product, k=8)
