"""Names in words the catalog never uses: the embedding evidence and the unknown-word temperature."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn.base import clone

from ml.catalog.dataset import load_styles, train_test_split_by_id
from ml.catalog.schema import ARTICLE, GENDER, MASTER, NAME, PATH_LEVELS
from ml.categorize.cascade import CategoryCascade, text_and_labels
from ml.categorize.familiarity import KNOWN_COUNT, WordFamiliarity
from ml.embed.text import DIMENSIONS
from ml.evaluate import vocabulary

# Garments named in words the catalog (almost) never uses: never to be filled in as shoes.
UNSEEN_GARMENTS = ("men pullover grey", "men hoodie black", "women palazzo", "women trench coat",
                   "men parka olive", "women cardigan")


@pytest.fixture(scope="session")
def train_sample(sample_split):
    """A stratified 4,000 rows of the train split (tests/ml/conftest.py)."""
    return sample_split[0]


@pytest.fixture(scope="session")
def embedded(sample_cascade):
    """The default cascade (embedding evidence on) fitted on ``train_sample``, once per run and
    shared with tests/ml/test_categorization.py (tests/ml/conftest.py)."""
    return sample_cascade


@pytest.fixture(scope="session")
def tfidf_only(train_sample):
    return CategoryCascade(n_jobs=2, embedding_weight=0.0).fit(*text_and_labels(train_sample))


@pytest.mark.parametrize("name", UNSEEN_GARMENTS)
def test_a_garment_in_unseen_words_is_not_filled_in_as_shoes(embedded, name):
    prediction = embedded.predict_one(name)
    filled = prediction.levels[ARTICLE].confidence >= vocabulary.SURE_ENOUGH
    assert not (filled and prediction.label(MASTER) == "Footwear"), prediction.to_dict()


def test_an_unknown_noun_lowers_the_confidence(embedded):
    trusting = copy.deepcopy(embedded).set_params(unknown_word_temperature=0.0)
    # Words neither the catalog nor ml.catalog.vocabulary knows (a fisherman's sweater, a
    # bib-and-brace ski trouser, a short blouson jacket).
    names = ["men gansey grey", "women salopette", "men blouson black"]
    X = embedded._features(names, None)
    tempered_paths = embedded._path_probabilities(X, names)
    plain_paths = trusting._path_probabilities(X, names)
    assert (tempered_paths.argmax(axis=1) == plain_paths.argmax(axis=1)).all()
    assert (tempered_paths.max(axis=1) < plain_paths.max(axis=1)).all()
    for tempered, plain in zip(embedded.predict(names), trusting.predict(names), strict=True):
        assert tempered.confidence < plain.confidence
    known = "Nike Men Black Running Shoes"  # every product word well known: untouched
    assert (embedded.predict_one(known).levels[ARTICLE].confidence
            == pytest.approx(trusting.predict_one(known).levels[ARTICLE].confidence))


def test_the_embedding_is_evidence_the_predictions_use(embedded, tfidf_only):
    names = ["men pullover grey", "women palazzo", "men parka olive", "women cardigan"]
    X = embedded._features(names, None)
    assert X.shape[1] == tfidf_only._features(names, None).shape[1] + DIMENSIONS
    with_embedding = embedded.predict(names)
    without = tfidf_only.predict(names)
    assert any(a.to_dict()[ARTICLE] != b.to_dict()[ARTICLE]
               for a, b in zip(with_embedding, without, strict=True))


def test_catalog_names_stay_right_with_the_embedding(embedded):
    _, test = train_test_split_by_id(load_styles())
    test = test.sample(300, random_state=0)
    labels = embedded.predict_labels(list(test[NAME]))
    assert (labels[ARTICLE] == test[ARTICLE].to_numpy()).mean() >= 0.85
    assert (labels[GENDER] == test[GENDER].to_numpy()).mean() >= 0.9


def test_the_estimator_stays_clone_able():
    model = CategoryCascade(embedding_weight=1.5, unknown_word_temperature=3.0)
    params = clone(model).get_params()
    assert params["embedding_weight"] == 1.5 and params["unknown_word_temperature"] == 3.0
    assert clone(model).set_params(embedding_weight=0.0).embedding_weight == 0.0


def test_familiarity_is_that_of_the_noun():
    names = ["Nike Men Black Polo Tshirt"] * KNOWN_COUNT + ["Puma Men Blue Hoodie"]
    familiarity = WordFamiliarity(colours=["Black", "Blue"]).fit(names)
    scores = familiarity.familiarity([
        "black polo tshirt for men",  # all known
        "men hoodie blue",  # hoodie seen once
        "men pullover",  # never seen
        "men pullover tshirt",  # an unknown descriptor of a known noun
        "Adidas Men Black Tshirt",  # a new brand is not a product word
        "blue for men",  # no product word at all: vague, not unknown
    ])
    assert scores.tolist() == [1.0, 1.0 / KNOWN_COUNT, 0.0, 1.0, 1.0, 1.0]


def test_development_set_is_labelled_with_catalog_paths():
    names = vocabulary.load_names()
    assert len(names) >= 120
    paths = set(load_styles()[list(PATH_LEVELS)].itertuples(index=False, name=None))
    rows = names[list(PATH_LEVELS)].itertuples(index=False, name=None)
    genders = {path[0] for path in paths}
    trees = {path[1:] for path in paths}
    assert all(row[0] in genders and row[1:] in trees for row in rows)
    assert names["word"].str.len().gt(0).all()


def test_reliability_table_and_calibration_error():
    confidence = np.array([0.1, 0.1, 0.9, 0.9, 0.95])
    correct = np.array([False, False, True, True, False])
    table, ece = vocabulary.reliability(confidence, correct, bins=5)
    assert [row[1] for row in table] == [2, 0, 0, 0, 3]
    assert ece == pytest.approx(2 / 5 * 0.1 + 3 / 5 * abs(np.mean([0.9, 0.9, 0.95]) - 2 / 3))


def test_the_fill_in_threshold_is_the_shops():
    from main.categorize import SURE_ENOUGH

    assert vocabulary.SURE_ENOUGH == SURE_ENOUGH


def test_vocabulary_words_are_known_nouns():
    familiarity = WordFamiliarity().fit(["Nike Men Black Jacket"] * KNOWN_COUNT,
                                        known=["parka", "nail paint"])
    assert familiarity.familiarity(["olive parka for men", "red nail paint", "men gansey"]).tolist() == [
        1.0, 1.0, 0.0]


def test_retrieval_evidence_is_fused_into_valid_paths(embedded):
    assert embedded.retrieval_ is not None
    weights = embedded.retrieval_["stacker"].weights_
    assert weights.shape == (4,) and np.isfinite(weights).all()
    names = ["men woolen long coat", "quick dry top coat clear nail", "round spectacle frames"]
    paths = embedded._path_probabilities(embedded._features(names, None), names)
    assert paths.shape == (3, len(embedded.paths_))
    assert np.allclose(paths.sum(axis=1), 1.0) and (paths >= 0).all()
    answers = [(p.label(MASTER), p.label(ARTICLE)) for p in embedded.predict(names)]
    assert answers == [("Apparel", "Jackets"), ("Personal Care", "Nail Polish"),
                       ("Accessories", "Sunglasses")]


def test_the_retrieval_can_be_turned_off(train_sample):
    plain = CategoryCascade(retrieval=False, vocabulary_copies=0, augment=0).fit(
        *text_and_labels(train_sample.head(400)))
    assert plain.retrieval_ is None
    assert plain.predict_one("women palazzo").label(ARTICLE)


def test_the_phrase_set_keeps_a_test_part_never_tuned_on():
    names = vocabulary.load_names()
    assert set(names["part"]) == set(vocabulary.PARTS)
    assert (names["part"] == "test").sum() >= 150
    assert not names["name"].str.lower().duplicated().any()
