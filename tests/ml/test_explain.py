"""Every category suggestion says why: the words that weighed most, the brand that decided,
or the product line the training rows filed so."""

import numpy as np
import pandas as pd
import pytest

from ml.categorize.cascade import CategoryCascade, text_and_labels
from tests.ml.synthetic import synthetic_catalog

# TF-IDF only (no sentence encoder to load), logistic heads, no seller-style copies: seconds.
FAST = {"estimator": "logreg", "augment": 0, "embedding_weight": 0.0}


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return synthetic_catalog(600)


@pytest.fixture(scope="module")
def linear(catalog):
    return CategoryCascade(memory=False, **FAST).fit(*text_and_labels(catalog))


def contribution(model, name: str, term: str) -> float:
    """coef x TF-IDF of one word feature for the predicted sub and article, as explain() reads it."""
    prediction = model.predict_one(name)
    column = model.featurizer_.blocks_[0].counter.vocabulary_[term]
    value = model._features([name], None)[0, column]
    total = 0.0
    sub, article = prediction.label("subCategory"), prediction.label("articleType")
    for head, label in ((model.heads_["subCategory"], sub), (model.branches_.get(sub), article)):
        if head is None or not hasattr(head, "weights"):
            continue
        weights = np.asarray(head.weights[column], dtype=float)
        total += value * (weights[list(head.classes_).index(label)] - weights.mean())
    return total


def test_the_word_that_weighs_most_is_named(linear):
    name = "Striped Black Tshirts"
    explanation = linear.explain(name)
    assert linear.predict_one(name).label("articleType") == "Tshirts"
    assert explanation.kind == "words"
    assert explanation.evidence[0] == "Tshirts"  # in the seller's own spelling
    assert "“Tshirts”" in explanation.text
    # It is named because its coef x TF-IDF beats the filler words'.
    fillers = [contribution(linear, name, word) for word in ("striped", "black")]
    assert contribution(linear, name, "tshirt") > max(fillers)


def test_a_name_whose_brand_decides_names_the_brand(catalog):
    # "Zorba" names are all watches, "Quill" names all belts; the rest of the name says nothing.
    rows = [
        {"id": 9000 + i, "name": f"{brand} Men {style} {colour} Piece", "description": "",
         "gender": "Men", "masterCategory": "Accessories", "subCategory": sub, "articleType": article,
         "baseColour": colour, "usage": "Casual", "season": "Summer", "price": 999.0}
        for i, (brand, sub, article, style, colour) in enumerate(
            (brand, sub, article, style, colour)
            for brand, sub, article in (("Zorba", "Watches", "Watches"), ("Quill", "Belts", "Belts"))
            for style in ("Solid", "Classic", "Urban", "Slim", "Sport")
            for colour in ("Black", "Brown", "Blue")
        )
    ]
    model = CategoryCascade(memory=False, **FAST).fit(
        *text_and_labels(pd.concat([catalog, pd.DataFrame(rows)], ignore_index=True))
    )
    name = "Zorba Men Vintage Green Piece"
    assert model.predict_one(name).label("articleType") == "Watches"
    explanation = model.explain(name)
    assert explanation.kind == "brand"
    assert explanation.text == "the brand Zorba"


def test_a_product_line_seen_in_training_is_what_sellers_listed(catalog):
    model = CategoryCascade(memory=True, **FAST).fit(*text_and_labels(catalog))
    row = catalog.iloc[0]
    # The same line in a colour the rows did not have: the memory recalls the line.
    name = row["name"].replace(row["baseColour"], "Yellow" if row["baseColour"] != "Yellow" else "Pink")
    explanation = model.explain(name)
    assert explanation.kind == "memory"
    assert explanation.text.startswith("sellers listed “") and explanation.text.endswith("” like this")


def test_the_photo_is_the_reason_when_it_changed_the_answer(linear):
    from ml.categorize.cascade import CategoryPrediction
    from ml.photo.fusion import PHOTO_REASON, NamePhotoCategorizer

    name = "Striped Black Tshirts"
    by_name = linear.predict_one(name)
    fused = NamePhotoCategorizer(linear, photo_model=None)
    other = dict(by_name.levels)
    other["articleType"] = type(by_name.levels["articleType"])("Shirts", 0.7, (("Shirts", 0.7),))
    changed = CategoryPrediction(levels=other, confidence=0.7, model_version="v")
    assert fused.explain(name, changed) == PHOTO_REASON
    assert fused.explain("", by_name) == PHOTO_REASON
    assert fused.explain(name, by_name) == linear.explain(name)  # the photo agreed: the name's words
