"""Categorizing from a photo with a (small, session-trained) photo model: the API and
predict_categories (search by photo: tests/search; look-alikes: tests/recommendations). Real
dataset photos throughout."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from main.models import ArticleType
from tests.conftest import fashion_data
from tests.uploads import catalog_products, upload

pytestmark = pytest.mark.usefixtures("catalog", "trained_photo_models")


def assert_valid_path(prediction: dict) -> None:
    assert ArticleType.objects.filter(
        name=prediction["articleType"]["label"],
        sub_category__name=prediction["subCategory"]["label"],
        sub_category__master_category__name=prediction["masterCategory"]["label"],
    ).exists(), prediction
    for level in ("gender", "articleType", "baseColour", "usage"):
        assert 0 < prediction[level]["confidence"] <= 1
        assert 1 <= len(prediction[level]["top3"]) <= 3
    assert 0 < prediction["confidence"] <= prediction["articleType"]["confidence"] + 1e-6


def test_a_photo_alone_is_categorized_into_a_valid_path_by_both_models(client):
    (product,) = catalog_products(1)
    response = client.post("/api/v1/category-prediction", {"image": upload(product)})
    assert response.status_code == 200, response.content
    prediction = response.json()
    assert_valid_path(prediction)
    assert "+photo" in prediction["model_version"]  # the cascade and the photo model together


def test_name_and_photo_together_answer_with_both_and_the_name_counts(client):
    (product,) = catalog_products(1)
    by_photo = client.post("/api/v1/category-prediction", {"image": upload(product)}).json()
    both = client.post("/api/v1/category-prediction",
                       {"image": upload(product), "name": "black leather belt for men"}).json()
    assert_valid_path(both)
    assert both["articleType"]["top3"] != by_photo["articleType"]["top3"]  # the name is evidence too
    # A JSON request is still the name cascade alone, as before.
    by_name = client.post("/api/v1/category-prediction", {"name": "black leather belt for men"},
                          content_type="application/json").json()
    assert "+photo" not in by_name["model_version"]


def test_predict_categories_reads_photos_by_id_and_can_use_the_photo_alone(tmp_path):
    first, second = catalog_products(2)
    source = tmp_path / "in.csv"
    source.write_text(
        f"id,productDisplayName\n{first.dataset_id},\n{second.dataset_id},{second.name}\n999999999,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    images = str(fashion_data() / "images")
    call_command("predict_categories", str(source), "-o", str(out), "--images", images)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == [str(first.dataset_id), str(second.dataset_id), "999999999"]
    assert rows[0]["articleType"] and rows[1]["articleType"]  # a photo alone is enough
    assert rows[2]["articleType"] == ""  # neither a name nor a photo
    call_command("predict_categories", str(source), "-o", str(out), "--images", images, "--text-column", "")
    photo_only = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(photo_only[0]) == list(rows[0]) and photo_only[0] == rows[0]


def test_a_photo_alone_says_the_photo_decided(client):
    (product,) = catalog_products(1)
    prediction = client.post("/api/v1/category-prediction", {"image": upload(product)}).json()
    assert prediction["reason"] == "the photo"
