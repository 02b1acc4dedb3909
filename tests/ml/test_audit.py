"""The catalog audit (ml.audit): out-of-fold name evidence, the photo as extra evidence, ranking,
and its measurement by planted errors (ml.evaluate.audit), on a small real sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.audit.suspects import (
    CATEGORY,
    Evidence,
    audit,
    category_labels,
    find_suspects,
    load_level_probabilities,
    name_evidence,
    photo_evidence,
)
from ml.catalog.cleaning import catalog_from_styles
from ml.catalog.dataset import load_styles
from ml.catalog.schema import ARTICLE, COLOUR, ID, NAME, SUB
from ml.categorize.cascade import CategoryCascade
from ml.categorize.train import corrected
from ml.evaluate.audit import confusion_pairs, plant_errors, precision_recall
from tests.conftest import fashion_data

SAMPLE = 3000
FOLDS = 3


def fast_cascade() -> CategoryCascade:
    """Naive Bayes heads: the same cascade, fitted in a second (the audit's default is the SVM)."""
    return CategoryCascade("nb", augment=0)


@pytest.fixture(scope="module")
def catalog():
    return catalog_from_styles(load_styles(fashion_data()).iloc[:SAMPLE])


@pytest.fixture(scope="module")
def planted(catalog):
    return plant_errors(catalog, fraction=0.02, seed=3)


@pytest.fixture(scope="module")
def planted_evidence(planted):
    frame, _ = planted
    return name_evidence(frame, folds=FOLDS, make_model=fast_cascade)


def test_planting_relabels_one_row_in_fifty_to_a_sibling_type(catalog, planted):
    frame, ids = planted
    assert len(ids) == round(0.02 * len(catalog))
    changed = frame[ID][frame[ARTICLE] != catalog[ARTICLE]]
    assert set(changed) == set(ids)
    siblings = catalog.groupby(SUB)[ARTICLE].unique()
    for row in np.flatnonzero(frame[ID].isin(ids)):
        assert frame.at[row, SUB] == catalog.at[row, SUB]
        assert frame.at[row, ARTICLE] in siblings[frame.at[row, SUB]]


def test_every_row_is_read_by_a_model_that_did_not_train_on_it(catalog):
    fits, reads = [], []

    class Recording(CategoryCascade):
        def fit(self, X, y):
            fits.append(len(X))
            return super().fit(X, y)

        def distributions(self, names, descriptions=None):
            reads.append(len(names))
            return super().distributions(names, descriptions)

    sample = catalog.iloc[:600]
    name_evidence(sample, folds=FOLDS, make_model=lambda: Recording("nb", augment=0))
    assert len(fits) == FOLDS and sum(reads) == len(sample)
    assert all(fit + read == len(sample) for fit, read in zip(fits, reads, strict=True))


def test_out_of_fold_names_contradict_planted_labels_that_a_fitted_model_recalls(planted, planted_evidence):
    frame, ids = planted
    rows = np.flatnonzero(frame[ID].isin(ids))
    category = planted_evidence[CATEGORY]
    column = {label: i for i, label in enumerate(category.classes)}
    labels = category_labels(frame)
    out_of_fold = category.probabilities[rows, [column[label] for label in labels[rows]]]
    # A model that trained on the planted rows mostly recalls their (wrong) labels.
    seen = fast_cascade().fit(frame[[NAME]], frame.drop(columns=[NAME]))
    recalled = seen.predict_labels(list(frame[NAME].iloc[rows]))[ARTICLE] == frame[ARTICLE].iloc[rows]
    assert recalled.mean() > 0.5
    assert np.median(out_of_fold) < 0.2
    assert np.allclose(category.probabilities.sum(axis=1), 1.0)


def test_planted_errors_lead_the_suspects(planted, planted_evidence):
    frame, ids = planted
    suspects = find_suspects(frame, planted_evidence)
    precision, recall = precision_recall(suspects, ids, len(ids))
    _, recall_2n = precision_recall(suspects, ids, 2 * len(ids))
    chance = len(ids) / len(frame)  # the precision of a random pick of rows
    assert precision > max(0.3, 10 * chance)
    assert recall_2n > recall
    assert list(suspects["score"]) == sorted(suspects["score"], reverse=True)
    assert (suspects["answer"] != suspects["label"]).all()
    pairs = confusion_pairs(suspects, ids)
    assert sum(pairs.values()) == int(((suspects["level"] == CATEGORY) & ~suspects[ID].isin(ids)).sum())


def test_the_audit_works_name_only_in_one_call(catalog):
    suspects = audit(catalog.iloc[:600], folds=2, make_model=fast_cascade)
    assert set(suspects["level"]) <= {CATEGORY, COLOUR}
    assert suspects["photo_says"].eq("").all() and suspects["photo_confidence"].isna().all()
    with pytest.raises(ValueError, match="2 folds"):
        audit(catalog.iloc[:50], folds=1)


def _two_rows(catalog):
    """A Heels row and a Flats row of the sample, with hand-made evidence over 3 paths."""
    heels = catalog[catalog[ARTICLE] == "Heels"].iloc[:1]
    flats = catalog[catalog[ARTICLE] == "Flats"].iloc[:1]
    return pd.concat([heels, flats], ignore_index=True)


def test_the_photo_overrules_an_unsure_name(catalog):
    frame = _two_rows(catalog)
    classes = np.array(["Footwear / Shoes / Flats", "Footwear / Shoes / Heels", "Footwear / Shoes / Sandals"],
                       dtype=object)
    name = {CATEGORY: Evidence(classes, np.array([[0.35, 0.55, 0.10], [0.9, 0.05, 0.05]]))}
    assert find_suspects(frame, name).empty  # the name alone agrees with both labels
    photo = {CATEGORY: Evidence(classes, np.array([[0.95, 0.03, 0.02], [0.9, 0.05, 0.05]]))}
    suspects = find_suspects(frame, name, photo)
    assert list(suspects[ID]) == [frame[ID][0]]
    row = suspects.iloc[0]
    heels, flats = "Footwear / Shoes / Heels", "Footwear / Shoes / Flats"
    assert (row["label"], row["answer"], row["name_says"], row["photo_says"]) == (heels, flats, heels, flats)
    assert row["confidence"] > 0.9 and row["photo_confidence"] == pytest.approx(0.95)
    assert row["score"] == pytest.approx(row["confidence"] - row["label_confidence"])


def test_photo_article_types_are_shared_among_their_paths(catalog):
    frame = catalog[catalog[ARTICLE].isin(["Socks", "Heels"])].reset_index(drop=True)
    masters = frame[frame[ARTICLE] == "Socks"]["masterCategory"].unique()
    photo = {ARTICLE: (np.array(["Heels", "Socks", "Unknown"], dtype=object),
                       np.tile([0.2, 0.7, 0.1], (len(frame), 1)))}
    evidence = photo_evidence(frame, photo)[CATEGORY]
    socks = [i for i, path in enumerate(evidence.classes) if path.endswith("/ Socks")]
    assert len(socks) == len(masters)
    assert evidence.probabilities[:, socks].sum(axis=1) == pytest.approx(np.full(len(frame), 0.7))
    with pytest.raises(ValueError, match="rows"):
        photo_evidence(frame, {ARTICLE: (photo[ARTICLE][0], photo[ARTICLE][1][:2])})


def test_level_probabilities_are_read_by_id_without_unpickling(tmp_path):
    path = tmp_path / "photo.npz"
    np.savez(path, ids=np.array([7, 5]), articleType__classes=np.array(["Flats", "Heels"]),
             articleType__probabilities=np.array([[0.9, 0.1], [0.2, 0.8]]))
    loaded = load_level_probabilities(path, [5, 6, 7])
    classes, probabilities = loaded[ARTICLE]
    assert list(classes) == ["Flats", "Heels"]
    assert probabilities.tolist() == [[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]]
    hostile = tmp_path / "hostile.npz"
    np.savez(hostile, ids=np.array([1]), articleType__classes=np.array([object()], dtype=object),
             articleType__probabilities=np.ones((1, 1)))
    with pytest.raises(ValueError):
        load_level_probabilities(hostile, [1])


def test_accepted_fixes_replace_the_catalog_rows_they_correct(catalog):
    styles = catalog.iloc[:5].copy()
    target = int(styles[ID].iloc[2])
    fixes = pd.DataFrame([
        {ID: target, NAME: styles[NAME].iloc[2], ARTICLE: "Flats", COLOUR: ""},
        {ID: None, NAME: "Seller listing black flats", ARTICLE: "Flats", COLOUR: "Black"},
    ])
    fixed, extra = corrected(styles, fixes)
    assert len(fixed) == 5 and fixed[ARTICLE].iloc[2] == "Flats"
    assert fixed[COLOUR].iloc[2] == styles[COLOUR].iloc[2]  # a blank in a fix keeps the catalog's value
    assert fixed.drop(index=2).equals(styles.drop(index=2))
    assert list(extra[NAME]) == ["Seller listing black flats"]
    assert corrected(styles, None)[0] is styles


def test_a_photo_models_probabilities_are_read_per_product(photo_artifact_dir, catalog, tmp_path):
    from ml.audit.suspects import photo_probabilities
    from ml.photo.model import load_photo_model
    from ml.store import ArtifactStore

    model = load_photo_model(store=ArtifactStore(photo_artifact_dir))
    images = fashion_data() / "images"
    ids = [i for i in catalog[ID][:40] if (images / f"{i}.jpg").exists()][:3]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    photos = [str(images / f"{ids[0]}.jpg"), "", str(broken), str(images / f"{ids[1]}.jpg")]
    read = photo_probabilities(model, photos, batch=2)
    direct = model.level_probabilities([photos[0], photos[3]])
    classes, probabilities = read[ARTICLE]
    assert list(classes) == list(direct[ARTICLE][0])
    assert probabilities[[0, 3]] == pytest.approx(direct[ARTICLE][1], abs=1e-5)
    assert probabilities[1] == pytest.approx(np.full(len(classes), 1 / len(classes)))  # no photo: no evidence
    assert probabilities[2] == pytest.approx(probabilities[1])  # unreadable: no evidence either
    evidence = photo_evidence(catalog.iloc[:4], read)
    assert set(evidence) == {CATEGORY, COLOUR}


def test_train_categorizer_learns_fixes_in_place_of_the_rows_they_correct(full_build, tmp_path):
    """The plain build is the run's ``full_build`` (tests/ml/conftest.py): a stratified 1,500
    rows, the same parameters."""
    from ml.categorize.train import load_categorizer, train_categorizer
    from ml.store import ArtifactStore

    styles, plain_folder, plain = full_build
    shoe = styles[styles[NAME].str.contains("Puma") & (styles[ARTICLE] == "Casual Shoes")].iloc[0]
    path = {"gender": "Men", "masterCategory": "Footwear", SUB: "Shoes"}
    fix = pd.DataFrame([{ID: shoe[ID], NAME: shoe[NAME], **path, ARTICLE: "Sports Shoes"},
                        {ID: None, NAME: "Seller Zorblax Sneaker", **path, ARTICLE: "Sports Shoes"}])

    def sports_shoes(store):
        sports = dict(load_categorizer(store=store).predict_one(shoe[NAME]).levels[ARTICLE].alternatives)
        return sports.get("Sports Shoes", 0.0)

    plain_sports = sports_shoes(ArtifactStore(plain_folder))
    store = ArtifactStore(tmp_path / "fixed")
    fixed = train_categorizer(styles=styles, store=store, estimator="nb", n_jobs=1, corrections=fix)
    fixed_sports = sports_shoes(store)
    assert fixed["audit_corrected_rows"] == 2
    assert fixed["training_rows"] == len(styles) + 1  # the catalog fix replaced its row; the listing joined
    assert fixed["metrics"] == plain["metrics"] and fixed["data_fingerprint"] != plain["data_fingerprint"]
    assert fixed_sports > plain_sports


def test_photo_evidence_built_on_other_rows_is_aligned_by_label(catalog):
    from ml.audit.suspects import pooled

    name = Evidence(np.array(["A", "B", "C"], dtype=object), np.array([[0.5, 0.3, 0.2]]))
    photo = Evidence(np.array(["C", "A"], dtype=object), np.array([[0.9, 0.1]]))
    combined = pooled(name, photo)
    assert list(combined.classes) == ["A", "B", "C"]
    assert combined.probabilities.argmax() == 2 and combined.probabilities.sum() == pytest.approx(1.0)
