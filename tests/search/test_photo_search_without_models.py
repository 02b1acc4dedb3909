"""Search by photo before any photo model is trained: refusals are 400 with a reason, a real
photo is 503 with the fix (the API) or a message (the pages), and nothing breaks."""

from __future__ import annotations

import pytest

from tests.uploads import bomb, not_a_photo, photo

pytestmark = pytest.mark.django_db


def test_photo_search_api_refuses_hostile_files_and_needs_its_model(client):
    assert client.post("/api/v1/search/photo", {}).status_code == 400
    refused = client.post("/api/v1/search/photo", {"image": not_a_photo()})
    assert refused.status_code == 400 and "not a photo" in refused.json()["image"][0]
    response = client.post("/api/v1/search/photo", {"image": photo()})
    assert response.status_code == 503 and "train_models" in response.json()["detail"]


def test_photo_search_is_in_the_api_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/search/photo" in schema
    assert "multipart/form-data" in schema


def test_search_box_links_to_search_by_photo(client):
    page = client.get("/catalog/").content.decode()
    assert 'href="/search/photo/"' in page and 'aria-label="Search by photo"' in page


def test_photo_search_page_offers_the_camera_and_refuses_what_is_no_photo(client):
    page = client.get("/search/photo/")
    assert page.status_code == 200
    assert 'accept="image/jpeg,image/png,image/webp"' in page.content.decode()
    refused = client.post("/search/photo/", {"photo": bomb()})
    assert refused.status_code == 400
    assert "too many pixels" in refused.content.decode()
    unavailable = client.post("/search/photo/", {"photo": photo()})
    assert unavailable.status_code == 503
    assert "not available yet" in unavailable.content.decode()


def test_an_expired_photo_search_lists_nothing_and_says_so(client, catalog):
    page = client.get("/catalog/?photo=0123456789abcdef")
    assert page.status_code == 200
    assert page.context["facets"].total == 0
    assert 'data-test="photo-expired"' in page.content.decode()
    # A key that is no key of ours is the same: an empty, explained result, never an error.
    assert client.get("/catalog/?photo=../../etc").context["facets"].total == 0
