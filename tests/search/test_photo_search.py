"""Search by photo with a (small, session-trained) photo model: the API, and the catalog page
with facets. Real dataset photos throughout."""

from __future__ import annotations

import re

import pytest

from main.models import Product
from tests.uploads import catalog_products, upload

pytestmark = pytest.mark.usefixtures("catalog", "trained_photo_models")


def test_search_by_photo_finds_the_product_itself_first(client):
    product, *_ = catalog_products(3)
    response = client.post("/api/v1/search/photo", {"image": upload(product), "k": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    results = body["results"]
    assert len(results) == 5
    # (the score: the cosine, lowered when the photo reads as another kind than the product's)
    assert results[0]["id"] == product.dataset_id and results[0]["score"] > 0.5
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert re.fullmatch(r"/catalog/\?photo=[0-9a-f]{16}", body["catalog_url"])


def test_the_catalog_page_of_a_photo_search_ranks_and_narrows_by_facets(client):
    product, *_ = catalog_products(1)
    url = client.post("/api/v1/search/photo", {"image": upload(product)}).json()["catalog_url"]
    page = client.get(url)
    assert page.status_code == 200
    tiles = list(page.context["page"].object_list)
    assert tiles[0].pk == product.pk  # best match: the closest photo first
    assert "like your photo" in page.content.decode()
    total = page.context["facets"].total
    assert 1 < total <= Product.objects.filter(is_active=True).count()
    gender = page.context["facets"].genders[0]
    narrowed = client.get(f"{url}&gender={gender.value}")
    assert narrowed.context["facets"].total == gender.count <= total
    assert all(p.gender_id == gender.value for p in narrowed.context["page"].object_list)


def test_the_search_page_sends_a_photo_to_its_catalog_page(client):
    product, *_ = catalog_products(1)
    response = client.post("/search/photo/", {"photo": upload(product)})
    assert response.status_code == 302
    assert re.fullmatch(r"/catalog/\?photo=[0-9a-f]{16}", response["Location"])
