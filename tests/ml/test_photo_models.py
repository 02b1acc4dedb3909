"""The photo model (ONNX Runtime), its index and name + photo categorization, on a model
trained on a few hundred real dataset photos (``photo_artifact_dir``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.catalog.dataset import load_styles
from ml.catalog.schema import ARTICLE, GENDER, ID, LEVELS, MASTER, SUB
from ml.categorize.train import load_categorizer
from ml.photo.fusion import NamePhotoCategorizer
from ml.photo.images import PhotoError, load_photo
from ml.photo.index import PhotoIndex, load_photo_index, save_photo_index
from ml.photo.model import load_photo_model
from ml.photo.train import PHOTO, rebuild_photo_index
from ml.store import ArtifactStore
from tests.conftest import fashion_data


@pytest.fixture(scope="module")
def store(photo_artifact_dir):
    return ArtifactStore(photo_artifact_dir)


@pytest.fixture(scope="module")
def model(store):
    return load_photo_model(store=store)


@pytest.fixture(scope="module")
def index(store):
    return load_photo_index(store=store)


@pytest.fixture(scope="module")
def catalog(index):
    """The sample the session's model was trained on, in the index's order, with photo paths."""
    data = fashion_data()
    styles = load_styles(data).set_index(ID).loc[index.ids].reset_index()
    styles[PHOTO] = [str(data / "images" / f"{i}.jpg") for i in styles[ID]]
    return styles


def test_serving_does_not_import_torch(photo_artifact_dir, catalog):
    """Web workers load the photo model and index and answer without PyTorch."""
    script = (
        "import sys; from ml.store import ArtifactStore; from ml.photo.model import load_photo_model; "
        "from ml.photo.index import load_photo_index; import ml.photo.fusion, serving.registry; "
        f"s = ArtifactStore({str(photo_artifact_dir)!r}); m = load_photo_model(store=s); "
        f"load_photo_index(store=s).nearest(m.embed([{catalog[PHOTO][0]!r}]), k=3); "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + script],
                          capture_output=True, text=True, env=env, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-2000:]


def test_embeddings_are_unit_vectors_and_deterministic(model, catalog):
    vectors = model.embed(list(catalog[PHOTO][:3]))
    assert vectors.dtype == np.float32 and vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(model.embed([catalog[PHOTO][0]]), vectors[:1], atol=1e-6)
    assert not np.allclose(vectors[0], vectors[1])


def test_level_probabilities_cover_every_level(model, catalog):
    levels = model.level_probabilities(list(catalog[PHOTO][:4]))
    assert {ARTICLE, GENDER, MASTER, SUB} <= set(levels)
    for classes, probabilities in levels.values():
        assert probabilities.shape == (4, len(classes))
        assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_the_model_learnt_something_from_the_photos(model, catalog):
    """Master category from the photo beats always answering the commonest one, on the training photos."""
    classes, probabilities = model.level_probabilities(list(catalog[PHOTO]))[MASTER]
    accuracy = (classes[probabilities.argmax(1)] == catalog[MASTER].to_numpy()).mean()
    assert accuracy > catalog[MASTER].value_counts(normalize=True).iloc[0] + 0.05


def test_the_index_holds_what_the_model_embeds(model, index, catalog):
    assert len(index) == len(catalog) and index.model_version == model.model_version
    vectors = model.embed(list(catalog[PHOTO][:5]))
    stored = np.stack([index.vector(i) for i in catalog[ID][:5]])
    assert np.allclose(vectors, stored, atol=2e-2)  # the index was embedded from cached float16 activations
    assert isinstance(index.vectors, np.memmap)


def test_nearest_finds_the_photo_itself_first(model, index, catalog):
    found = index.nearest(model.embed(list(catalog[PHOTO][:3])), k=5)
    assert [hits[0].product_id for hits in found] == list(catalog[ID][:3])
    assert all(len(hits) == 5 for hits in found)
    assert all(hits[i].score >= hits[i + 1].score for hits in found for i in range(4))
    excluded = index.nearest(model.embed([catalog[PHOTO][0]]), k=5, exclude={int(catalog[ID][0])})[0]
    assert int(catalog[ID][0]) not in [r.product_id for r in excluded]


def test_nearest_reranks_an_upload_by_what_its_photo_is_read_as(model, index, catalog):
    """With the photo's own type and gender probabilities, neighbours of the type it is read
    as come first; the scores shown are the ranking's (the cosine, lowered by the unlikely kinds)."""
    photos = list(catalog[PHOTO][:4])
    vectors, levels = model.analyse(photos)
    plain = index.nearest(vectors, k=10)
    reranked = index.nearest(vectors, k=10, levels=levels)
    assert all(len(hits) == 10 for hits in reranked)
    types = catalog.set_index(ID)[ARTICLE]
    names, probabilities = levels[ARTICLE]
    for row, (before, after) in enumerate(zip(plain, reranked, strict=True)):
        p = dict(zip(names, probabilities[row], strict=True))
        likely = sum(p.get(types[r.product_id], 0.0) for r in after)
        assert likely >= sum(p.get(types[r.product_id], 0.0) for r in before) - 1e-6
        assert [r.score for r in after] == sorted((r.score for r in after), reverse=True)
        for hit in after:  # never above the cosine of the two vectors
            assert hit.score <= float(index.vector(hit.product_id) @ vectors[row]) + 1e-3
    own = types[int(catalog[ID][0])]
    certain = {ARTICLE: (names, np.eye(len(names))[[list(names).index(own)]])}
    first = index.nearest(vectors[:1], k=5, levels=certain)[0]
    assert first[0].product_id == int(catalog[ID][0])  # the photo itself still comes first

    def same(hits):
        return sum(types[r.product_id] == own for r in hits)

    assert same(first) >= same(plain[0][:5])


def test_the_photo_model_reads_colour_from_the_pixels_too(model, catalog, tmp_path):
    """The served model carries the pixel colour classifier, saved and loaded with it; its
    baseColour is the fusion of both experts."""
    from ml.photo.colour import colour_features
    from ml.photo.images import load_photos
    from ml.photo.model import COLOUR, PhotoModel, fuse_colour

    assert model.colour is not None
    images = load_photos(list(catalog[PHOTO][:3]))
    net = model.run(images, flip=True).probabilities[COLOUR]
    expected = fuse_colour((model.classes[COLOUR], net), model.colour_probabilities(colour_features(images)))
    assert np.allclose(model.level_probabilities(images)[COLOUR][1], expected, atol=1e-6)
    copy = PhotoModel.load(model.save(tmp_path))
    assert np.allclose(copy.level_probabilities(images)[COLOUR][1], expected, atol=1e-6)


def test_nearest_refuses_vectors_of_another_width(index):
    with pytest.raises(ValueError, match="width"):
        index.nearest(np.ones((1, 3), np.float32))


def test_similar_shows_the_same_article_type_first(index, catalog):
    by_type = catalog.groupby(ARTICLE)[ID].transform("size")
    product = int(catalog[ID][by_type >= 4].iloc[0])
    same_type = int((catalog[ARTICLE] == catalog.set_index(ID).loc[product, ARTICLE]).sum()) - 1
    found = index.similar(product, k=10)
    assert product not in [r.product_id for r in found]
    types = catalog.set_index(ID).loc[[r.product_id for r in found], ARTICLE].tolist()
    expected = catalog.set_index(ID).loc[product, ARTICLE]
    head = min(same_type, 3)  # at least its first same-type neighbours (duplicates collapse)
    assert types[:head] == [expected] * head
    assert found[0].reason.startswith("same type")
    skip = {found[0].product_id}
    assert found[0].product_id not in [r.product_id for r in index.similar(product, k=10, exclude=skip)]
    with pytest.raises(KeyError):
        index.similar(-1)


def test_a_rebuild_reembeds_only_new_photos(store, catalog, tmp_path):
    target = ArtifactStore(tmp_path)
    model = load_photo_model(store=store)
    target.save("photo", model, data_fingerprint="x", training_rows=1, writer=model.save)
    first = rebuild_photo_index(catalog=catalog[:20], store=target)
    assert first["embedded"] == 20
    again = rebuild_photo_index(catalog=catalog[:25], store=target)
    assert again["embedded"] == 5 and again["photos"] == 25
    broken = catalog[:3].copy()
    broken.loc[1, PHOTO] = str(tmp_path / "missing.jpg")
    assert rebuild_photo_index(catalog=broken, store=target)["photos"] == 2


def test_an_index_round_trips_through_the_store(index, catalog, tmp_path):
    saved = save_photo_index(index, store=ArtifactStore(tmp_path), catalog=catalog)
    loaded = load_photo_index(store=ArtifactStore(tmp_path))
    assert loaded.version == saved["version"] and np.array_equal(loaded.ids, index.ids)
    assert np.array_equal(np.asarray(loaded.vectors), np.asarray(index.vectors))
    product = int(index.ids[0])
    assert loaded.similar(product, k=3) == index.similar(product, k=3)


def test_the_artifact_records_metrics_and_library_versions(store):
    metadata = store.metadata("photo")
    assert {"torch", "onnxruntime"} <= set(metadata["photo_libraries"])
    assert "holdout_accuracy_articleType" in metadata["metrics"]


# ---- name + photo


@pytest.fixture(scope="module")
def categorizer(categorizer_artifact_dir):
    return load_categorizer(store=ArtifactStore(categorizer_artifact_dir))


@pytest.fixture(scope="module")
def fused(categorizer, model):
    return NamePhotoCategorizer(categorizer, model)


def _valid(prediction, cascade) -> bool:
    trees = {path[1:] for path in cascade.taxonomy_}
    return (prediction.label(MASTER), prediction.label(SUB), prediction.label(ARTICLE)) in trees


def test_name_only_is_the_cascades_own_answer(fused, categorizer):
    names = ["Nike Men Black Running Shoes", "Fastrack Women Analog Watch"]
    fused_predictions = fused.predict(names, [None, None])
    plain = categorizer.predict(names)
    for a, b in zip(fused_predictions, plain, strict=True):
        assert a.levels == b.levels and a.confidence == pytest.approx(b.confidence)


def test_the_cascade_decodes_its_own_distributions_as_predict_does(categorizer):
    names = ["Puma Men Blue Tshirt", "Lavie Women Brown Handbag"]
    paths, flat = categorizer.distributions(names)
    assert np.allclose(paths.sum(axis=1), 1.0)
    assert [p.to_dict() for p in categorizer.predictions_from(paths, flat)] == [
        p.to_dict() for p in categorizer.predict(names)
    ]


def test_photo_alone_and_name_plus_photo_give_valid_calibrated_predictions(fused, categorizer, catalog):
    photos = list(catalog[PHOTO][:6])
    names = ["", "", "", *catalog["name"][3:6]]
    predictions = fused.predict(names, photos)
    assert len(predictions) == 6
    for prediction in predictions:
        assert set(prediction.levels) == set(LEVELS)
        assert _valid(prediction, categorizer)
        assert 0 < prediction.confidence <= prediction.levels[ARTICLE].confidence + 1e-9
        for level in prediction.levels.values():
            assert 1 <= len(level.alternatives) <= 3 and level.alternatives[0][0] == level.label
            assert 0 <= level.confidence <= 1
        assert "+" in prediction.model_version


def test_the_photo_moves_the_answer_towards_what_it_shows(fused, categorizer, catalog):
    """With a vague name ("new arrival"), the photo's own article type gains probability."""
    photo = catalog[PHOTO][0]
    classes, probabilities = fused.photo_model.level_probabilities([photo])[ARTICLE]
    shown = classes[probabilities[0].argmax()]
    column = categorizer.paths_[:, 3] == shown
    name_only, _ = categorizer.distributions(["new arrival"])
    both, _ = fused.distributions(["new arrival"], [photo])
    assert both[0, column].sum() > name_only[0, column].sum()


def test_a_row_needs_a_name_or_a_photo(fused):
    with pytest.raises(ValueError, match="neither a name nor a photo"):
        fused.predict(["  "], [None])
    with pytest.raises(ValueError, match="names but"):
        fused.predict(["a"], [None, None])


def test_a_broken_upload_is_refused_by_the_fused_categorizer(fused):
    with pytest.raises(PhotoError):
        fused.predict_one("Nike shoes", b"not a photo")


def test_load_photo_reads_what_predict_takes(fused, catalog):
    array = load_photo(catalog[PHOTO][0])
    assert fused.predict_one("", array).to_dict() == fused.predict_one("", catalog[PHOTO][0]).to_dict()


def test_an_index_can_be_built_without_training(model, catalog):
    index = PhotoIndex.build(catalog=catalog[:10], photos=list(catalog[PHOTO][:10]), model=model)
    assert len(index) == 10 and index.embedded_ == 10
    assert isinstance(pd.Series(index.ids).iloc[0], (int, np.integer))
