"""Categorizing from a photo before any photo model is trained: refusals are 400 with a reason,
a real photo is 503 with the fix (search by photo: tests/search)."""

from __future__ import annotations

import pytest

from tests.uploads import bomb, not_a_photo, photo

pytestmark = pytest.mark.django_db


def test_category_prediction_with_a_photo_needs_the_photo_model(client):
    response = client.post("/api/v1/category-prediction", {"image": photo()})
    assert response.status_code == 503
    assert "train_models" in response.json()["detail"]


@pytest.mark.parametrize("upload, reason", [(not_a_photo, "not a photo"), (bomb, "too many pixels")])
def test_category_prediction_refuses_a_hostile_image_with_its_reason(client, upload, reason):
    response = client.post("/api/v1/category-prediction", {"image": upload(), "name": "red kurta"})
    assert response.status_code == 400
    assert reason in " ".join(response.json()["image"])


def test_category_prediction_multipart_needs_a_photo_or_a_name(client):
    response = client.post("/api/v1/category-prediction", {"name": "", "description": "x"})
    assert response.status_code == 400
    assert "photo" in response.json()["name"][0]
