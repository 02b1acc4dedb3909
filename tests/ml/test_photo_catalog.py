"""The photo models as the shop loads them: ``trained_photo_models`` on the imported catalog."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command

from main.ml_fields import photo_catalog_frame
from main.models import Product
from ml.holdout import HOLDOUT_IDS, HOLDOUT_OUTCOMES, accuracies_of
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving.registry import loaded


def test_the_shop_loads_the_photo_model_and_an_index_of_its_products(catalog, trained_photo_models):
    model, index = loaded(PHOTO_MODEL), loaded(PHOTO_INDEX)
    assert model is not None and index is not None
    with_photo = Product.objects.filter(is_active=True).exclude(image="")
    assert len(index) == with_photo.count() > 0
    product = with_photo.order_by("id").first()
    assert product.pk in index
    found = index.similar(product.pk, k=5)
    assert len(found) == 5 and product.pk not in [r.product_id for r in found]
    assert set(Product.objects.filter(pk__in=[r.product_id for r in found]).values_list("pk", flat=True)) == {
        r.product_id for r in found
    }
    upload = (product.image.path and open(product.image.path, "rb").read())
    vector = model.embed([upload])
    assert np.allclose(vector[0], index.vector(product.pk), atol=1e-5)  # same bytes, same vector
    assert index.nearest(vector, k=1)[0][0].product_id == product.pk


def test_photo_catalog_frame_gives_each_product_its_photo_file(catalog):
    frame = photo_catalog_frame()
    assert len(frame) == Product.objects.filter(is_active=True).count()
    assert frame["photo"].str.endswith(".jpg").all() and frame["dataset_id"].notna().all()


def test_without_trained_photo_models_the_loaders_answer_none(catalog):
    assert loaded(PHOTO_MODEL) is None and loaded(PHOTO_INDEX) is None


def test_train_models_if_missing_skips_the_trained_photo_models(catalog, trained_photo_models, capsys):
    call_command("train_models", "--only", "photo", "--if-missing")
    assert "photo: already trained" in capsys.readouterr().out


def test_train_models_quick_trains_the_quick_photo_recipe(catalog, trained_models, monkeypatch):
    """``--quick`` trains the quick recipe (fewer epochs), recorded with the model."""
    from ml.photo import train
    from ml.photo.model import load_photo_model
    from serving.registry import store

    monkeypatch.setattr(train, "QUICK_PARAMS", {**train.QUICK_PARAMS, "projection_components": 8})
    call_command("train_models", "--only", "photo", "--quick")
    metadata = load_photo_model(store=store()).metadata
    params = metadata["params"]
    assert params["epochs"] == train.QUICK_PARAMS["epochs"] < train.EPOCHS
    assert params["split"] == train.QUICK_PARAMS["split"]
    # the hold-out's answers, row by row, for the promotion gate to pair with the next version's
    ids = store().array(PHOTO_MODEL, metadata["version"], HOLDOUT_IDS)
    outcomes = store().array(PHOTO_MODEL, metadata["version"], HOLDOUT_OUTCOMES)
    assert len(ids) == metadata["metrics"]["holdout_photos"] > 0
    assert outcomes.shape == (len(ids), len(metadata["holdout_levels"]))
    accuracy = accuracies_of(outcomes, metadata["holdout_levels"])["articleType"]
    assert accuracy == pytest.approx(metadata["metrics"]["holdout_accuracy_articleType"], abs=1e-4)
