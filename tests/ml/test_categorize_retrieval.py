"""Retrieval evidence (ml/categorize/retrieval.py) and the vocabulary copies (augment.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.catalog.brands import BrandLexicon
from ml.categorize import embedding
from ml.categorize.augment import row_rng, vocabulary_frame, vocabulary_variant
from ml.categorize.cascade import _decided_by_head
from ml.categorize.retrieval import (
    FEATURES,
    EvidenceStacker,
    NameNeighbours,
    TypeWords,
    evidence,
    head_hits,
    type_words,
    vocabulary_hits,
)


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_neighbour_shares_weigh_the_nearest_texts_by_similarity():
    vectors = _unit([[1, 0], [1, 0.1], [0, 1], [1, 0]])
    neighbours = NameNeighbours(k=2, dimensions=2).fit(["a", "b", "c", "a"], [0, 0, 1, 1], vectors, 2)
    assert len(neighbours.vectors_) == 3  # each distinct text once
    shares = neighbours.shares(_unit([[1, 0.05], [0, 1]]))
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert shares[0].argmax() == 0
    assert shares[1, 1] > 0.5


def test_type_words_closeness_is_zero_for_the_closest_type():
    words = TypeWords().fit(_unit([[1, 0], [0, 1], [0.9, 0.1]]), [0, 1, 1], 2)
    closeness = words.closeness(_unit([[1, 0], [0, 1]]))
    assert closeness.max(axis=1).tolist() == [0.0, 0.0]
    assert closeness[0, 1] < 0 and closeness[1, 0] < 0


def test_type_words_are_the_types_and_their_vocabulary():
    pairs = type_words(["Jackets", "Trousers"])
    assert ("jackets", 0) in pairs and ("parka", 0) in pairs and ("palazzo", 1) in pairs


def test_vocabulary_hits():
    hits = vocabulary_hits(["olive parka", "plain shirt"], ["Jackets", "Shirts"])
    assert hits.tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_the_stacker_learns_which_evidence_to_trust():
    rng = np.random.default_rng(0)
    n, types = 400, 5
    truth = rng.integers(types, size=n)
    trusted = np.eye(types)[truth]  # right every time
    noise = rng.dirichlet(np.ones(types), size=n)
    features = evidence(noise, trusted, np.zeros((n, types)), np.zeros((n, types)))
    assert features.shape == (n, types, len(FEATURES))
    stacker = EvidenceStacker().fit(features, truth)
    assert stacker.weights_[1] > abs(stacker.weights_[0])
    probabilities = stacker.predict_proba(features)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities.argmax(axis=1) == truth).mean() == 1.0


def test_vocabulary_variant_swaps_the_type_noun():
    assert vocabulary_variant("Puma Men Black Casual Shoes", article_type="Casual Shoes",
                              word="boots") == "Puma Men Black boots"
    assert vocabulary_variant("Lakme Red Lipstick", article_type="Jackets", word="parka") is None


def test_vocabulary_frame_copies_rows_of_the_words_type_and_gender():
    frame = pd.DataFrame({
        "name": ["Roadster Men Olive Jacket", "Only Women Black Jacket", "Biba Women Red Kurta"],
        "gender": ["Men", "Women", "Women"], "articleType": ["Jackets", "Jackets", "Kurtas"],
        "baseColour": ["Olive", "Black", "Red"],
    })
    brands = BrandLexicon().fit(frame["name"])
    copies = vocabulary_frame(frame, vocabulary={"parka": "Jackets", "anarkali": "Kurtas"},
                              genders={"anarkali": "Women"}, brands=brands, seed=0, copies_per_word=5)
    assert sorted(copies["articleType"]) == ["Jackets", "Jackets", "Kurtas"]
    assert all(("parka" in name.lower()) == (kind == "Jackets")
               for name, kind in zip(copies["name"], copies["articleType"], strict=True))


def test_a_rows_rewrite_depends_on_its_name_only():
    assert row_rng(0, "Nike Men Shoes").random() == row_rng(0, "Nike Men Shoes").random()
    assert row_rng(0, "Nike Men Shoes").random() != row_rng(1, "Nike Men Shoes").random()


def test_remembering_caches_predictions_vectors(monkeypatch):
    encoded = []

    class Counting:
        uses_onnx = True

        def encode(self, texts):
            encoded.extend(texts)
            return np.ones((len(texts), 384), dtype=np.float32)

    monkeypatch.setattr(embedding, "_ENCODER", Counting())
    monkeypatch.setattr(embedding, "_CACHE", {})
    embedding.embed(["a new name"], cache=False)
    embedding.embed(["a new name"], cache=False)
    assert encoded == ["a new name", "a new name"]  # serving: nothing kept
    with embedding.remembering():
        embedding.embed(["another name"], cache=False)
    embedding.embed(["another name"], cache=True)
    assert encoded[2:] == ["another name"]


def test_a_fashion_word_heading_the_name_names_its_types():
    types = ["Jackets", "Belts", "Nail Polish", "Track Pants", "Trousers"]
    masters = [0, 1, 2, 0, 0]  # Apparel, Accessories, Personal Care
    hits = head_hits(["womens winter coat with belt grey", "nail polish coat", "grey sweat pants",
                      "slim fit chinos for men", "leather belt"], types, masters)[0]
    assert hits[0].tolist() == [1, 0, 0, 0, 0]  # the coat, not the belt it comes with
    assert not hits[1].any()  # a catalog noun of another master before it: left open
    assert not hits[2].any()  # "pant" ends the catalog's own labels: the catalog reads it
    assert hits[3].tolist() == [0, 0, 0, 0, 1]
    assert not hits[4].any()  # the catalog's own noun heads it


def test_the_catalogs_own_noun_heading_the_name_names_its_types():
    types = ["Hat", "Caps", "Jackets", "Face Wash and Cleanser", "Accessory Gift Set", "Kurta Sets",
             "Wristbands", "Ties"]
    masters = [1, 1, 0, 2, 1, 0, 1, 1]  # Apparel, Accessories, Personal Care
    hits = head_hits(["women sun hat", "mens denim jacket light wash", "festive combo set",
                      "wrist band sweat absorbent pair", "olive parka", "silk tie paisley"],
                     types, masters)[1]
    assert hits[0].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert not hits[1].any()  # a noun of another master before it ("jacket ... wash"): open
    assert not hits[2].any()  # "set" heads types of two masters: it decides nothing
    assert hits[3].tolist() == [0, 0, 0, 0, 0, 0, 1, 0]  # two words joined into the label's noun
    assert not hits[4].any()  # a vocabulary word heads it (the first array)
    assert hits[5].tolist() == [0, 0, 0, 0, 0, 0, 0, 1]  # "tie", though singular() reads "ties" as ty
    assert head_hits(["cotton kurta set"], types, masters)[1][0].tolist() == [0, 0, 0, 0, 0, 1, 0, 0]


def test_a_vocabulary_word_heading_labels_is_read_as_a_label_noun_naming_both():
    types = ["Face Serum and Gel", "Mask and Peel", "Track Pants", "Lounge Pants", "Trousers", "Jackets"]
    masters = [2, 2, 0, 0, 0, 0]
    by_vocabulary, by_label = head_hits(["vitamin c face serum 30 ml", "grey sweat pants"], types, masters)
    assert not by_vocabulary.any()
    assert by_label[0].tolist() == [1, 0, 0, 0, 0, 0]  # "serum": a vocabulary entry and a label noun
    assert by_label[1].tolist() == [0, 0, 1, 1, 1, 0]  # "pant": the catalog's Pants and Trousers


def test_a_head_noun_decides_even_a_type_the_evidence_barely_gave():
    fused = np.array([[0.6, 1e-7, 0.4 - 1e-7], [0.6, 1e-7, 0.4 - 1e-7]])
    named = np.array([[0, 1, 0], [0, 1, 0]])
    decided = _decided_by_head(fused.copy(), named, np.array([True, False]), 0.01)
    assert decided[0].argmax() == 1 and np.isclose(decided[0].sum(), 1.0)
    assert np.isclose(decided[0, 0] / decided[0, 2], 0.6 / (0.4 - 1e-7))  # the rest keep their ratio
    assert (decided[1] == fused[1]).all()  # rows not asked about are left alone


def test_an_open_masters_label_noun_decides_where_the_name_holds_the_label_whole():
    types = ["Sandals", "Sports Sandals", "Flats", "Casual Shoes", "Heels"]
    masters = [0, 0, 0, 0, 0]  # all footwear, told apart by what names do not say
    by_label = head_hits(["men sports sandals velcro outdoor", "women casual shoes white",
                          "women kolhapuri flats", "men sandals brown"], types, masters,
                         open_masters=[0])[1]
    assert by_label[0].tolist() == [0, 1, 0, 0, 0]  # the label "Sports Sandals", whole
    assert by_label[1].tolist() == [0, 0, 0, 1, 0]
    assert not by_label[2].any() and not by_label[3].any()  # one word: the catalog's flats are heels
