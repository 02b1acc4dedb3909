"""The categorization cascade's training: its parameters, its builds and their metadata, on a
stratified sample of the real catalog (the tests of the fitted cascade are in
tests/ml/test_categorization.py). Apart from them so that pytest-xdist runs these fits on one
worker while the other fits the sample's cascade (tests/ml/conftest.py): together they were
the longest module of the run, its wall time the busier worker's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.catalog.dataset import train_test_split_by_id
from ml.catalog.schema import LEVELS
from ml.categorize.cascade import CategoryCascade, FlatCategorizer, text_and_labels
from ml.categorize.train import load_categorizer, train_categorizer
from ml.store import ArtifactStore
from tests.ml.test_categorization import SELLER_PHRASES, _path


@pytest.fixture(scope="module")
def split(sample_split):
    """A stratified 4,000 rows of the train split, 300 of the test split (tests/ml/conftest.py)."""
    return sample_split


def test_unseen_gender_weight_zero_keeps_genders_seen_with_the_path(split):
    # Without the retrieval evidence (fitted after the paths, it re-weighs article types over the
    # same paths): the path prior under test is the cascade's own, and the fit takes half as long.
    model = CategoryCascade(unseen_gender_weight=0.0, retrieval=False).fit(*text_and_labels(split[0]))
    names = list(split[1]["name"][:100]) + list(SELLER_PHRASES) + ["xyz", "red"]
    assert all(_path(p) in model.taxonomy_ for p in model.predict(names))


def test_unknown_estimator_fails_fast(split):
    with pytest.raises(ValueError, match="Unknown estimator"):
        CategoryCascade(estimator="forest").fit(*text_and_labels(split[0]))


def test_flat_baseline_predicts_every_level(split):
    flat = FlatCategorizer(estimator="nb").fit(*text_and_labels(split[0]))
    labels = flat.predict_labels(["blue jeans for men"])
    assert set(labels) == set(LEVELS)
    assert labels["articleType"][0] == "Jeans"


# ``full_build``: one full build of a stratified 1,500 rows, once per run (tests/ml/conftest.py).


def test_train_categorizer_saves_metadata_with_holdout_metrics(full_build):
    sample, folder, metadata = full_build
    store = ArtifactStore(folder)
    assert metadata["training_rows"] == len(sample)
    assert metadata["n_branch_models"] > 5
    assert 0.5 < metadata["metrics"]["holdout_accuracy_subCategory"] <= 1.0
    assert "holdout_seller_style_accuracy_articleType" in metadata["metrics"]
    assert load_categorizer(store=store).model_version == metadata["version"]


def test_a_quick_build_serves_its_measured_trial_fit(full_build, tmp_path):
    """``quick`` (make run's first categorizer): the trial fit, measured as a full build is, on
    the train split's rows; the full build's metrics are the same (one protocol), its rows all."""
    sample, _, full = full_build
    quick = train_categorizer(styles=sample, store=ArtifactStore(tmp_path / "quick"),
                              estimator="nb", n_jobs=1, quick=True)
    train, _ = train_test_split_by_id(sample)
    assert quick["quick"] and not full["quick"]
    assert quick["training_rows"] == len(train) < full["training_rows"] == len(sample)
    assert quick["metrics"] == full["metrics"]
    model = load_categorizer(store=ArtifactStore(tmp_path / "quick"))
    assert model.model_version == quick["version"]
    assert model.predict_one("mens black leather wallet").label("articleType") == "Wallets"


def test_listings_sellers_confirmed_are_learnt_but_not_measured(full_build, tmp_path):
    sample, _, plain = full_build
    watch = sample[sample["articleType"] == "Watches"].iloc[0]
    confirmed = pd.DataFrame(
        [{**watch[["gender", "masterCategory", "subCategory", "articleType"]].to_dict(),
          "name": f"Zorblax Quantum Gizmo {n}", "baseColour": "", "usage": ""}
         for n in range(8)]
        + [{"name": "no category path", "gender": "Men"}]  # unusable: skipped
    )
    taught = train_categorizer(styles=sample, store=ArtifactStore(tmp_path / "taught"),
                               estimator="nb", n_jobs=1, confirmed=confirmed)
    assert taught["seller_confirmed_rows"] == 8
    assert taught["training_rows"] == len(sample) + 8
    assert taught["metrics"] == plain["metrics"]  # measured on the catalog's holdout alone
    assert taught["data_fingerprint"] != plain["data_fingerprint"]
    model = load_categorizer(store=ArtifactStore(tmp_path / "taught"))
    assert model.predict_one("zorblax quantum gizmo").label("articleType") == "Watches"


def test_the_cascade_is_a_scikit_learn_estimator(split):
    """fit(X, y), get_params and clone: scikit-learn's own cross-validation can tune it."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, cross_val_score

    model = CategoryCascade(estimator="nb", augment=0, C=2.0)
    assert clone(model).get_params() == model.get_params()
    assert model.get_params()["C"] == 2.0
    X, y = text_and_labels(split[0].iloc[:1500])
    scores = cross_val_score(model, X, y, cv=KFold(2, shuffle=True, random_state=0))
    assert len(scores) == 2 and all(0.5 < score <= 1.0 for score in scores)
    assert not hasattr(model, "heads_")  # cross_val_score fitted clones


def test_the_svm_heads_follow_the_C_parameter(split):
    """A stronger regularisation (smaller C) must change the fitted heads."""
    X, y = text_and_labels(split[0].iloc[:800])
    # Without the retrieval evidence: it is fitted after the heads and leaves them as they are.
    loose = CategoryCascade(augment=0, C=1.0, retrieval=False).fit(X, y)
    tight = CategoryCascade(augment=0, C=0.01, retrieval=False).fit(X, y)
    assert not np.allclose(loose.heads_["subCategory"].weights, tight.heads_["subCategory"].weights)


def test_the_retrieval_evidence_refits_no_head_twice(split, monkeypatch):
    """The inner cascade fitted out of fold for the stacker keeps the outer heads' temperatures:
    each temperature is fitted once, by the outer cascade."""
    from ml.categorize import heads

    fitted = []
    real = heads._svm_temperature

    def counted(*args, **kwargs):
        fitted.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(heads, "_svm_temperature", counted)
    X, y = text_and_labels(split[0].iloc[:1200])
    model = CategoryCascade(augment=0, n_jobs=1).fit(X, y)
    assert model.retrieval_ is not None and "stacker" in model.retrieval_  # the inner fit ran
    assert len(fitted) == len(model.temperatures_) > 0
