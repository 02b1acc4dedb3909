"""The categorization cascade, trained on a small stratified sample of the real catalog."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB

from ml.catalog.brands import BrandLexicon
from ml.catalog.schema import LEVELS
from ml.categorize.augment import seller_variant
from ml.categorize.cascade import CategoryCascade, CategoryPrediction, text_and_labels
from ml.categorize.features import TextFeatures, word_features
from ml.categorize.heads import LinearHead
from ml.categorize.memory import NameMemory
from ml.categorize.train import load_categorizer
from ml.store import ArtifactMissing, ArtifactStore

SELLER_PHRASES = {
    "blue denim jeans for men": ("Men", "Jeans"),
    "women floral summer dress": ("Women", "Dresses"),
    "mens white cotton shirt": ("Men", "Shirts"),
    "black formal shoes for men": ("Men", "Formal Shoes"),
    "ladies wrist watch": ("Women", "Watches"),
}


@pytest.fixture(scope="module")
def split(sample_split):
    """A stratified 4,000 rows of the train split, 300 of the test split (tests/ml/conftest.py)."""
    return sample_split


@pytest.fixture(scope="module")
def cascade(sample_cascade):
    """``CategoryCascade()`` fitted on ``split``'s sample, once per run (tests/ml/conftest.py)."""
    return sample_cascade


def _path(prediction: CategoryPrediction) -> tuple[str, ...]:
    return tuple(prediction.label(level) for level in LEVELS[:4])


def _is_taxonomy_path(model: CategoryCascade, path: tuple[str, ...]) -> bool:
    """A seen (master, sub, article) path with a known gender (gender is its own dimension)."""
    return (path[1:] in {seen[1:] for seen in model.taxonomy_}
            and path[0] in {seen[0] for seen in model.taxonomy_})


def test_every_prediction_is_a_taxonomy_path(cascade, split):
    names = list(split[1]["name"]) + list(SELLER_PHRASES) + ["xyz", "red"]
    for prediction in cascade.predict(names):
        assert _is_taxonomy_path(cascade, _path(prediction))


def test_a_branch_model_per_subcategory_with_several_article_types(cascade, split):
    types_per_sub = split[0].groupby("subCategory")["articleType"].nunique()
    assert cascade.n_branch_models_ == (types_per_sub > 1).sum() > 10
    assert set(cascade.branches_) == set(types_per_sub[types_per_sub > 1].index)


def test_catalog_names_are_mostly_right_even_from_a_small_sample(cascade, split):
    test = split[1]
    predictions = cascade.predict(list(test["name"]))
    for level, floor in {"gender": 0.95, "subCategory": 0.95, "articleType": 0.85}.items():
        accuracy = np.mean([p.label(level) == t for p, t in zip(predictions, test[level], strict=True)])
        assert accuracy >= floor, level


@pytest.mark.parametrize("phrase", SELLER_PHRASES)
def test_seller_style_phrases(cascade, phrase):
    gender, article = SELLER_PHRASES[phrase]
    prediction = cascade.predict_one(phrase)
    assert (prediction.label("gender"), prediction.label("articleType")) == (gender, article)


def test_top3_alternatives_start_with_the_label_and_are_sorted_probabilities(cascade, split):
    vague = ["red", "kids", "xyz", "new arrival", "silk", "set of 2"]  # spread-out probabilities
    predictions = cascade.predict(list(split[1]["name"]) + vague)
    for prediction in predictions:
        assert 0.0 <= prediction.confidence <= 1.0
        for level in LEVELS:
            result = prediction.levels[level]
            labels = [label for label, _ in result.alternatives]
            probabilities = [p for _, p in result.alternatives]
            assert 1 <= len(result.alternatives) <= 3
            assert result.alternatives[0] == (result.label, result.confidence)
            assert len(set(labels)) == len(labels)
            assert all(0.0 < p <= 1.0 for p in probabilities)
            assert sum(probabilities) <= 1.0 + 1e-6
            assert probabilities == sorted(probabilities, reverse=True)
        # A path is no more likely than its finest level, an article than its subcategory.
        sub, article = (prediction.levels[level].confidence for level in ("subCategory", "articleType"))
        assert prediction.confidence <= article + 1e-9 and article <= sub + 1e-9


def test_confidence_tracks_correctness(cascade, split):
    test = split[1]
    predictions = cascade.predict(list(test["name"]))
    confidence = np.array([p.levels["articleType"].confidence for p in predictions])
    correct = np.array([p.label("articleType") for p in predictions]) == test["articleType"].to_numpy()
    assert confidence[correct].mean() > confidence[~correct].mean()
    assert abs(confidence.mean() - correct.mean()) < 0.1


def test_to_dict_is_json_ready(cascade):
    result = cascade.predict_one("Nike Men Black Running Shoes").to_dict()
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {*LEVELS, "confidence", "model_version"}
    assert result["subCategory"]["label"] == "Shoes"
    assert result["articleType"]["top3"][0]["label"] == result["articleType"]["label"]
    assert set(result["gender"]) == {"label", "confidence", "top3"}


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "?!"])
def test_empty_names_are_rejected(cascade, name):
    with pytest.raises(ValueError, match="empty"):
        cascade.predict_one(name)
    with pytest.raises(ValueError, match="#1"):
        cascade.predict(["Puma Men Shoes", name])


def test_a_description_adds_evidence(cascade):
    plain = cascade.predict_one("Classic Fit")
    described = cascade.predict_one("Classic Fit", description="blue denim jeans for men")
    assert described.label("articleType") == "Jeans"
    assert described.levels["articleType"].confidence > plain.levels["articleType"].confidence
    with pytest.raises(ValueError, match="descriptions"):
        cascade.predict(["a shirt", "a belt"], ["one description"])


def test_naive_bayes_configuration_is_the_same_cascade(cascade, split):
    model = CategoryCascade(estimator="nb").fit(*text_and_labels(split[0]))
    predictions = model.predict(list(split[1]["name"][:100]) + ["blue jeans for men"])
    assert all(_is_taxonomy_path(model, _path(p)) for p in predictions)
    assert predictions[-1].label("articleType") == "Jeans"
    assert model.n_branch_models_ == cascade.n_branch_models_
    assert model.taxonomy_ == cascade.taxonomy_


def _tiny_catalog() -> pd.DataFrame:
    """Socks sit under Accessories, but Booties (also subCategory Socks) under Apparel."""
    rows = [
        ("Men", "Accessories", "Socks", "Socks", "Black", "Casual", "Puma Men Black Socks"),
        ("Women", "Accessories", "Socks", "Socks", "White", "Casual", "Nike Women White Socks"),
        ("Girls", "Apparel", "Socks", "Booties", "Pink", "Casual", "Baby Girls Pink Booties"),
        ("Women", "Apparel", "Saree", "Sarees", "Red", "Ethnic", "Fabindia Red Silk Saree"),
        ("Men", "Apparel", "Topwear", "Shirts", "Blue", "Formal", "Arrow Men Blue Shirt"),
        ("Men", "Apparel", "Topwear", "Tshirts", "Black", "Casual", "Puma Men Black Tshirt"),
        ("Women", "Apparel", "Topwear", "Tops", "Pink", "Casual", "Vero Moda Women Pink Top"),
        ("Men", "Accessories", "Watches", "Watches", "Black", "Casual", "Titan Men Black Watch"),
    ] * 3
    columns = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage",
               "name"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["id"] = range(len(frame))
    return frame


def test_master_category_follows_the_article_type():
    model = CategoryCascade(estimator="logreg", augment=0).fit(*text_and_labels(_tiny_catalog()))
    booties = model.predict_one("pink booties")
    assert (booties.label("subCategory"), booties.label("articleType")) == ("Socks", "Booties")
    assert booties.label("masterCategory") == "Apparel"
    assert model.predict_one("black socks").label("masterCategory") == "Accessories"


def test_gender_is_restricted_to_those_seen_with_the_path():
    model = CategoryCascade(estimator="logreg", augment=0).fit(*text_and_labels(_tiny_catalog()))
    saree = model.predict_one("men red silk saree")
    assert saree.label("articleType") == "Sarees"
    assert saree.label("gender") == "Women"  # the only gender Sarees were seen with


def test_save_and_load_round_trip(cascade, tmp_path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(ArtifactMissing):
        load_categorizer(store=store)
    store.save("categorizer", cascade, data_fingerprint="abcdef0123456789", training_rows=1,
               metrics={"holdout_accuracy_articleType": 0.9})
    loaded = load_categorizer(store=store)
    assert loaded.model_version.startswith("categorizer-") and loaded.model_version.endswith("abcdef01")
    prediction = loaded.predict_one("blue denim jeans for men")
    assert prediction.model_version == loaded.model_version
    assert prediction.to_dict()["articleType"] == cascade.predict_one(
        "blue denim jeans for men").to_dict()["articleType"]


def test_seller_variants_drop_brand_and_model_numbers_but_keep_the_product():
    brands = BrandLexicon().fit(
        ["Puma Men Black Shoes", "Puma Women Red Top", "PUMA Men Cap", "Titan Men Watch"]
    )
    for seed in range(20):
        variant = seller_variant(
            "Puma Men Cabana Racer White Sports Shoes 2041", gender="Men",
            article_type="Sports Shoes", colour="White", rng=np.random.default_rng(seed),
            brands=brands,
        )
        words = variant.lower().split()
        assert "puma" not in words and "2041" not in words
        assert "sports" in words and words[words.index("sports") + 1].startswith("shoe")
    no_gender_word = seller_variant("Puma Black Backpack", gender="Unisex",
                                    article_type="Backpacks", colour="Black",
                                    rng=np.random.default_rng(0), brands=brands)
    assert "puma" not in no_gender_word.lower()


def test_text_features_are_unit_rows_per_block():
    features = TextFeatures(min_df=1)
    X = features.fit_transform(["Blue Jeans", "Red Shirt", "Blue Shirt"])
    words, _ = (len(block.idf_) for block in features.blocks_)
    norms = np.sqrt(np.asarray(X[:, :words].multiply(X[:, :words]).sum(axis=1))).ravel()
    assert np.allclose(norms, 1.0, atol=1e-5)
    assert features.transform(["JEANS!!"]).nnz > 0  # case and punctuation do not matter


@pytest.mark.parametrize(
    "estimator",
    [LogisticRegression(max_iter=500), ComplementNB(), SGDClassifier(loss="log_loss", random_state=0)],
)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_linear_heads_give_the_same_probabilities_as_scikit_learn(estimator, n_classes):
    rng = np.random.default_rng(0)
    X = np.abs(rng.normal(size=(80, 12))).astype(np.float32)
    y = np.array(["abcd"[i % n_classes] for i in range(80)])
    X[np.arange(80), np.arange(80) % n_classes] += 2.0
    estimator.fit(X, y)
    head = LinearHead.from_estimator(estimator)
    assert list(head.classes_) == list(estimator.classes_)
    assert np.allclose(head.predict_proba(X), estimator.predict_proba(X), atol=1e-4)


def test_word_features_mark_brand_noun_and_gender():
    tokens = word_features("United Colors of Benetton Men's Black Casual Shoes 12")
    assert {"^united color of benetton", "shoe$", "casual shoe$", "men:shoe$",
            "^united color of benetton shoe$", "^united color of benetton:men"} <= set(tokens)
    assert "12$" not in tokens  # model numbers are not the product noun


def test_name_memory_blends_remembered_paths_of_specific_names_only():
    memory = NameMemory(colours=["Black", "Navy Blue"]).fit(
        ["Puma Men Black Caliber Shoes", "Puma Men Navy Blue Caliber Shoes 2", "Black Bra"],
        [1, 1, 0],
    )
    assert memory.key("puma men white caliber shoe") != memory.key("Puma Men Caliber Shoes")
    assert memory.key("Puma Men Caliber Shoes") == memory.key("PUMA men black caliber shoes 7")
    blended = memory.blend(["Puma Men Black Caliber Shoe", "black bra"],
                           np.array([[0.9, 0.1], [0.1, 0.9]]))
    assert np.allclose(blended[0], [0.3, 0.7])  # two copies: weight 2 / (2 + 1)
    assert np.allclose(blended[1], [0.1, 0.9])  # too generic to be remembered


def test_an_svm_head_fits_its_temperature_once_and_a_refit_reuses_it(monkeypatch):
    """A trial fit's temperatures carry to the served fit: its heads are fitted once, not
    twice, and their margins are divided by the trial's temperature."""
    from ml.categorize import heads

    rng = np.random.default_rng(1)
    X = np.abs(rng.normal(size=(300, 10))).astype(np.float32)
    y = np.array(["abc"[i % 3] for i in range(300)])
    X[np.arange(300), np.arange(300) % 3] += rng.uniform(0.0, 1.5, size=300)
    jobs = {"level": (np.arange(300), y), "constant": (np.arange(10), np.array(["a"] * 10))}
    fitted = heads.fit_heads(jobs, "svm", X)
    temperatures = heads.head_temperatures(fitted)
    assert set(temperatures) == {"level"}  # a single-label head has no margins to calibrate
    assert temperatures["level"] in heads._TEMPERATURES

    def second_fit(*args, **kwargs):
        raise AssertionError("the temperature was given: no second SVM fit")

    monkeypatch.setattr(heads, "_svm_temperature", second_fit)
    refit = heads.fit_heads(jobs, "svm", X, temperatures={"level": 2.0})["level"]
    raw = LinearHead.from_estimator(heads.make_estimator("svm").fit(X, y))
    assert refit.temperature == 2.0
    # (liblinear shuffles its rows: two fits agree to its tolerance, not to the bit)
    assert np.allclose(refit.weights * 2.0, raw.weights, rtol=1e-3, atol=1e-4)
